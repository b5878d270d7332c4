"""Customer records: found or made at checkout, linked to an account when the shopper is signed in."""

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.customers.models import Customer, CustomerAddress
from metco.customers.repository import AddressRepository, CustomerRepository
from metco.customers.schemas import AddressCreate, Preferences
from metco.kit.errors import NotFound
from metco.kit.pagination import paginate
from metco.kit.scope import StoreScope


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    addresses: list[CustomerAddress]


async def record_for_order(
    session: AsyncSession, *, store_id: uuid.UUID, email: str, user_id: uuid.UUID | None, name: str | None = None,
    phone: str | None = None, accepts_marketing: bool | None = None,
) -> Customer:
    """The store's customer for this email, made on first order; linked to the account when signed in."""
    repo = CustomerRepository(session, store_id)
    customer = (await repo.by_user(user_id) if user_id else None) or await repo.by_email(email)
    if customer is None:
        try:
            async with session.begin_nested():
                customer = repo.add(Customer(email=email.lower(), name=name, phone=phone, user_id=user_id,
                                             accepts_marketing=bool(accepts_marketing)))
                await session.flush()
        except IntegrityError:  # the same email ordering at the same moment
            customer = await repo.by_email(email)
            assert customer is not None
    if user_id and customer.user_id is None:
        customer.user_id = user_id
    if name and not customer.name:
        customer.name = name
    if accepts_marketing is not None:
        customer.accepts_marketing = accepts_marketing
    await session.flush()
    return customer


async def for_account(session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID, email: str) -> Customer:
    return await record_for_order(session, store_id=store_id, email=email, user_id=user_id)


async def list_customers(
    session: AsyncSession, scope: StoreScope, *, q: str | None, limit: int, cursor: str | None
) -> tuple[list[Customer], str | None]:
    stmt = CustomerRepository(session, scope.store_id).search(q)
    return await paginate(session, stmt, key=Customer.id, limit=limit, cursor=cursor, descending=True)


async def get_customer(session: AsyncSession, scope: StoreScope, customer_id: uuid.UUID) -> CustomerView:
    customer = await CustomerRepository(session, scope.store_id).get_or_404(customer_id)
    addresses = await AddressRepository(session, scope.store_id).of_customer(customer.id)
    return CustomerView(customer, addresses)


def preferences_of(customer: Customer | None) -> Preferences:
    if customer is None:
        return Preferences()
    return Preferences(email=customer.notify_email, sms=customer.notify_sms, push=customer.notify_push,
                       marketing=customer.accepts_marketing)


async def set_preferences(session: AsyncSession, customer: Customer, preferences: Preferences) -> Preferences:
    customer.notify_email = preferences.email
    customer.notify_sms = preferences.sms
    customer.notify_push = preferences.push
    customer.accepts_marketing = preferences.marketing
    await session.flush()
    return preferences_of(customer)


async def addresses(session: AsyncSession, customer: Customer) -> list[CustomerAddress]:
    return await AddressRepository(session, customer.store_id).of_customer(customer.id)


async def add_address(session: AsyncSession, customer: Customer, data: AddressCreate) -> CustomerAddress:
    repo = AddressRepository(session, customer.store_id)
    existing = await repo.of_customer(customer.id)
    if data.is_default or not existing:
        for address in existing:
            address.is_default = False
    address = repo.add(CustomerAddress(customer_id=customer.id, **data.model_dump(exclude={"is_default"}),
                                       is_default=data.is_default or not existing))
    await session.flush()
    return address


async def remove_address(session: AsyncSession, customer: Customer, address_id: uuid.UUID) -> None:
    address = await AddressRepository(session, customer.store_id).get_for_customer(customer.id, address_id)
    if address is None:
        raise NotFound("No such address.")
    await session.delete(address)
    await session.flush()
