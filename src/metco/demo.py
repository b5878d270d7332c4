"""`metco demo`: a demo store with its owner, a manager and a cashier. Running it again changes nothing."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog.demo_data import load_demo_catalog
from metco.catalog.media import LocalMediaStorage
from metco.config import Settings
from metco.identity import repository as identity_repository
from metco.identity import service as identity_service
from metco.identity.models import User
from metco.kit.scope import StoreScope
from metco.promotions import service as promotions_service
from metco.promotions.schemas import DiscountCreate
from metco.shipping import service as shipping_service
from metco.shipping.schemas import RateIn, ZoneCreate
from metco.stores import repository as stores_repository
from metco.stores import service as stores_service
from metco.stores.models import Store
from metco.stores.schemas import StoreCreate
from metco.taxes import service as taxes_service
from metco.taxes.schemas import TaxRateIn

DEMO_PASSWORD = "metco-demo-2026"
DEMO_SLUG = "demo"
DEMO_STAFF = (
    ("owner@example.com", "Olivia Owner", "owner"),
    ("manager@example.com", "Manuel Manager", "manager"),
    ("cashier@example.com", "Cass Cashier", "cashier"),
)


@dataclass(frozen=True)
class DemoStore:
    store: Store
    logins: list[tuple[str, str, str]]  # (role, email, password)


async def _user(session: AsyncSession, settings: Settings, email: str, name: str) -> User:
    user = await identity_repository.get_user_by_email(session, email)
    if user is None:
        user = (await identity_service.signup(session, settings, email=email, password=DEMO_PASSWORD, name=name)).user
    return user


async def _selling_setup(session: AsyncSession, scope: StoreScope) -> None:
    """Shipping zones, a tax rate, a coupon and an automatic discount, so the demo store can sell at once."""
    if not await shipping_service.list_zones(session, scope):
        await shipping_service.create_zone(session, scope, data=ZoneCreate(
            name="United States", countries=["US"],
            rates=[RateIn(name="Standard (3-5 days)", price=500), RateIn(name="Express (1-2 days)", price=1500),
                   RateIn(name="Free over $75", price=0, min_subtotal=7500)]))
        await shipping_service.create_zone(session, scope, data=ZoneCreate(
            name="Canada and Europe", countries=["CA", "GB", "DE", "FR", "NL", "IE", "ES", "IT"],
            rates=[RateIn(name="International", price=2500)]))
    if not await taxes_service.list_rates(session, scope):
        await taxes_service.create_rate(session, scope, data=TaxRateIn(
            country="US", region="NY", name="New York sales tax", rate=Decimal("8.875")))
    discounts, _ = await promotions_service.list_discounts(session, scope, code=None, limit=10, cursor=None)
    if not discounts:
        await promotions_service.create_discount(session, scope, data=DiscountCreate(
            title="Welcome: 10% off", code="WELCOME10", kind="percentage", value=10, once_per_customer=True))
        await promotions_service.create_discount(session, scope, data=DiscountCreate(
            title="15% off when you buy 3 or more", code=None, kind="percentage", value=15, min_quantity=3))


async def load_demo(session: AsyncSession, settings: Settings) -> DemoStore:
    users = {role: await _user(session, settings, email, name) for email, name, role in DEMO_STAFF}
    store = await stores_repository.get_store_by_slug(session, DEMO_SLUG)
    if store is None:
        store = await stores_service.create_store(session, owner=users["owner"], data=StoreCreate(
            name="Demo Store", slug=DEMO_SLUG, currency="USD", country="US", timezone="America/New_York",
            email="hello@example.com",
        ))
    owner_scope = await stores_service.scope_for(session, store_id=store.id, user_id=users["owner"].id)
    assert owner_scope is not None, "the demo store's owner is missing"
    for role in ("manager", "cashier"):
        user = users[role]
        if await stores_repository.membership(session, store.id, user.id) is None:
            view = await stores_service.invite_staff(session, settings, owner_scope, inviter=users["owner"],
                                                     email=user.email, role=role)
            await stores_service.accept_invitation(session, user=user, invitation_id=view.invitation.id)
    await load_demo_catalog(session, LocalMediaStorage(settings.media_dir, settings.media_url), owner_scope)
    await _selling_setup(session, owner_scope)
    logins = [(role, email, DEMO_PASSWORD) for email, _, role in DEMO_STAFF]
    return DemoStore(store=store, logins=logins)
