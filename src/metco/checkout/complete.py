"""Turning a cart into an order, in short steps so that no stock or discount row stays locked while a
payment provider is called (the way Saleor's complete_checkout does it):

1. re-price the cart, reserve the stock and hold the discount uses; commit.
2. ask the provider for the money, with our attempt reference as its idempotency key.
3. declined: release what step 1 held, the cart stays as it was (402, no order).
   otherwise: write the order, its payment and its outbox events, mark the cart completed; commit.

A crash between the steps leaves only a reservation and held discount uses with an expiry, which the
scheduled jobs release."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from metco.checkout import carts, pricing
from metco.checkout.errors import CheckoutIncomplete, DiscountNotApplicable, PaymentDeclined
from metco.checkout.schemas import CheckoutRequest
from metco.config import Settings
from metco.customers import service as customers_service
from metco.identity.models import User
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.errors import MetcoError
from metco.orders import service as orders_service
from metco.orders.drafts import OrderDraft
from metco.orders.service import OrderView
from metco.payments import connections
from metco.payments import service as payments_service
from metco.payments.ports import PaymentRequest, PaymentResult
from metco.promotions import service as promotions_service
from metco.stores import service as stores_service

PAYMENT_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Placed:
    view: OrderView
    access_token: str
    next_action: dict[str, Any] | None


async def complete_checkout(
    db: Database, settings: Settings, *, slug: str, cart_id: uuid.UUID, request: CheckoutRequest,
    user: User | None, attempt: str,
) -> Placed:
    reference = f"checkout:{uuid.uuid5(uuid.NAMESPACE_URL, f'{cart_id}:{attempt}')}"
    async with db.sessionmaker() as session:
        draft, store_id, return_url = await _hold(session, settings, slug=slug, cart_id=cart_id, request=request,
                                                  user=user, reference=reference)
        provider, config = await connections.for_checkout(session, store_id, draft.payment_provider)
        await session.commit()
    if draft.totals.total == 0:
        result = PaymentResult("paid", None)
    else:
        capture = config.settings.get("capture_method", "automatic") != "manual"
        result = await provider.pay(config, PaymentRequest(
            store_id=store_id, reference=reference, amount=draft.totals.total, currency=draft.totals.currency,
            token=request.payment.token, customer_email=draft.email, return_url=return_url, capture=capture,
            description=f"Order at {slug}"))
    async with db.sessionmaker() as session:
        try:
            placed = await _settle(session, store_id=store_id, draft=draft, result=result,
                                   finishes_later=provider.info.finishes_later)
        except MetcoError:
            await session.rollback()
            raise
        await session.commit()
    return placed


async def _hold(
    session: AsyncSession, settings: Settings, *, slug: str, cart_id: uuid.UUID, request: CheckoutRequest,
    user: User | None, reference: str,
) -> tuple[OrderDraft, uuid.UUID, str]:
    store = await stores_service.get_store_by_slug(session, slug)
    cart = await carts.load(session, store_id=store.id, cart_id=cart_id, user_id=user.id if user else None)
    carts._open(cart)
    await connections.for_checkout(session, store.id, request.payment.provider)
    priced = await pricing.price(session, store, cart)
    if priced.notices:
        await carts.add_notices(session, cart, priced.notices)
    if not priced.lines:
        raise CheckoutIncomplete("lines", "the cart has nothing that can be bought")
    if priced.needs_shipping and cart.shipping_address is None:
        raise CheckoutIncomplete("shipping_address", "set a shipping address first")
    if priced.needs_shipping and priced.shipping_rate is None:
        raise CheckoutIncomplete("shipping_rate", "choose a shipping rate first")
    email = str(request.email).lower()
    await inventory_service.reserve(session, store_id=store.id, reference=reference,
                                    lines=[(ln.variant_id, ln.quantity) for ln in priced.lines],
                                    expires_at=utcnow() + PAYMENT_WINDOW)
    for discount in priced.discounts:
        if discount.discount_id is None:
            continue
        try:
            await promotions_service.redeem(session, store_id=store.id, discount_id=discount.discount_id,
                                            reference=reference, customer_key=email, amount=discount.amount)
        except MetcoError as exc:
            raise DiscountNotApplicable(f"{discount.code or discount.title}: {exc.detail}", reason=exc.code,
                                        field="discount_codes") from exc
    customer = await customers_service.record_for_order(
        session, store_id=store.id, email=email, user_id=user.id if user else None, name=request.name,
        phone=request.phone, accepts_marketing=request.accepts_marketing)
    draft = pricing.draft(priced, store=store, cart=cart, email=email, user_id=user.id if user else None,
                          customer_id=customer.id, provider=request.payment.provider, reference=reference)
    return_url = f"{settings.base_url}/s/{store.slug}/checkout/return?cart={cart.id}"
    return draft, store.id, return_url


async def _settle(
    session: AsyncSession, *, store_id: uuid.UUID, draft: OrderDraft, result: PaymentResult, finishes_later: bool
) -> Placed:
    if result.outcome == "declined":
        await inventory_service.release_reservation(session, store_id=store_id, reference=draft.reservation_reference)
        await promotions_service.release_redemptions(session, store_id=store_id, reference=draft.reservation_reference)
        await session.commit()
        raise PaymentDeclined(result.decline_message or "The payment was declined.", decline_code=result.decline_code)
    # A manual method confirms the order at once; a redirect or crypto payment waits for its confirmation.
    confirmed = result.outcome in ("paid", "authorized") or (result.outcome == "pending" and finishes_later)
    status = "confirmed" if confirmed else "pending"
    order, token = await orders_service.place(
        session, store_id=store_id, draft=draft, status=status, payment_status=result.outcome,
        expires_at=None if confirmed else utcnow() + PAYMENT_WINDOW)
    if confirmed:
        await inventory_service.commit_reservation(session, store_id=store_id, reference=draft.reservation_reference)
    await payments_service.record(session, store_id=store_id, order_id=order.id, provider=draft.payment_provider,
                                  result=result, amount=draft.totals.total, currency=draft.totals.currency)
    await promotions_service.confirm_redemptions(session, store_id=store_id, reference=draft.reservation_reference,
                                                 order_reference=f"order:{order.id}")
    if draft.cart_id is not None:
        cart = await carts.CartRepository(session, store_id).get(draft.cart_id)
        if cart is not None:
            await carts.complete(session, cart, order_id=order.id, email=draft.email)
    view = await orders_service.view(session, order)
    return Placed(view=view, access_token=token, next_action=result.next_action)
