"""Who hears of what: outbox handlers that turn domain events into queued notifications, and the handler
that delivers each one. Every handler is idempotent: notifications are keyed by the event that caused them."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog.models import Product, ProductVariant
from metco.customers.models import Customer
from metco.fulfillment.events import FulfillmentDelivered, FulfillmentShipped
from metco.identity.events import PasswordResetRequested
from metco.identity.models import User
from metco.inventory.events import LowStock
from metco.kit.db import settings_of
from metco.kit.outbox import OutboxEvent
from metco.notifications import delivery
from metco.notifications.context import admin_url, money_text, order_context
from metco.notifications.events import EVENTS
from metco.notifications.messages import DeliverNotification
from metco.notifications.planner import Recipient, notify
from metco.orders.events import OrderCancelled, OrderConfirmed, OrderPaymentFailed, OrderPlaced, OrderRefunded
from metco.orders.models import Order
from metco.stores.events import StaffInvited
from metco.stores.models import Store, StoreMember
from metco.stores.roles import permissions_of
from metco.support.events import CustomerWrote, StaffReplied
from metco.worker.registry import handles


@handles(DeliverNotification)
async def deliver_notification(session: AsyncSession, event: OutboxEvent) -> None:
    await delivery.deliver(session, uuid.UUID(event.payload["notification_id"]))


def _source(event: OutboxEvent) -> str:
    return f"outbox:{event.id}"


async def _store_and_order(session: AsyncSession, payload: dict[str, Any]) -> tuple[Store, Order] | None:
    store = await session.get(Store, uuid.UUID(payload["store_id"]))
    order = (await session.scalars(select(Order).where(Order.store_id == uuid.UUID(payload["store_id"]),
                                                       Order.id == uuid.UUID(payload["order_id"])))).first()
    return (store, order) if store is not None and order is not None else None


async def customer_of(session: AsyncSession, order: Order) -> Recipient:
    customer = (await session.scalars(select(Customer).where(Customer.store_id == order.store_id,
                                                             Customer.id == order.customer_id))).first() \
        if order.customer_id else None
    phone = (customer.phone if customer else None) or (order.shipping_address or {}).get("phone")
    return Recipient(
        email=order.email, name=(customer.name if customer else None) or (order.shipping_address or {}).get("name"),
        phone=phone, customer_id=customer.id if customer else None,
        user_id=order.user_id or (customer.user_id if customer else None),
        wants_email=customer.notify_email if customer else True, wants_sms=bool(customer and customer.notify_sms),
        wants_push=bool(customer and customer.notify_push))


async def staff_with(session: AsyncSession, store_id: uuid.UUID, permission: str) -> list[Recipient]:
    rows = (await session.execute(select(StoreMember.role, User).join(User, User.id == StoreMember.user_id)
                                  .where(StoreMember.store_id == store_id).order_by(User.email))).all()
    return [Recipient(email=user.email, name=user.name, user_id=user.id) for role, user in rows
            if permission in permissions_of(role)]


async def _to_customer(session: AsyncSession, event: OutboxEvent, name: str, **extra: Any) -> None:
    found = await _store_and_order(session, event.payload)
    if found is None:
        return
    store, order = found
    context = {"order": await order_context(session, settings_of(session), store, order), **extra}
    await notify(session, source=_source(event), event=name, store=store,
                 recipients=[await customer_of(session, order)], context=context)


@handles(OrderConfirmed, consumer="notifications.order_confirmed")
async def order_confirmed(session: AsyncSession, event: OutboxEvent) -> None:
    await _to_customer(session, event, "order_confirmed")


@handles(OrderPaymentFailed, consumer="notifications.payment_failed")
async def payment_failed(session: AsyncSession, event: OutboxEvent) -> None:
    await _to_customer(session, event, "payment_failed", reason=event.payload.get("reason"))


@handles(OrderCancelled, consumer="notifications.order_cancelled")
async def order_cancelled(session: AsyncSession, event: OutboxEvent) -> None:
    await _to_customer(session, event, "order_cancelled", reason=event.payload.get("reason"))


@handles(OrderRefunded, consumer="notifications.order_refunded")
async def order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    await _to_customer(session, event, "order_refunded", refund={
        "amount": money_text(int(payload["amount"]), payload["currency"]), "reason": payload.get("reason")})


@handles(OrderPlaced, consumer="notifications.new_order")
async def new_order(session: AsyncSession, event: OutboxEvent) -> None:
    found = await _store_and_order(session, event.payload)
    if found is None:
        return
    store, order = found
    staff = await staff_with(session, store.id, EVENTS["new_order"].permission or "view_orders")
    await notify(session, source=_source(event), event="new_order", store=store, recipients=staff,
                 context={"order": await order_context(session, settings_of(session), store, order)})


@handles(LowStock, consumer="notifications.low_stock")
async def low_stock(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    store = await session.get(Store, uuid.UUID(payload["store_id"]))
    found = (await session.execute(select(ProductVariant, Product).join(Product, Product.id == ProductVariant.product_id)
                                   .where(ProductVariant.store_id == uuid.UUID(payload["store_id"]),
                                          ProductVariant.id == uuid.UUID(payload["variant_id"])))).first()
    if store is None or found is None:
        return
    variant, product = found
    title = product.title if variant.title == "Default" else f"{product.title} – {variant.title}"
    staff = await staff_with(session, store.id, EVENTS["low_stock"].permission or "edit_products")
    await notify(session, source=_source(event), event="low_stock", store=store, recipients=staff, context={
        "variant": {"title": title, "sku": variant.sku, "available": payload["available"],
                    "threshold": payload["threshold"],
                    "admin_url": admin_url(settings_of(session), "products", product.id)}})


@handles(PasswordResetRequested, consumer="notifications.password_reset")
async def password_reset(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    settings = settings_of(session)
    await notify(session, source=_source(event), event="password_reset", store=None, recipients=[
        Recipient(email=payload["email"], name=payload.get("name"), user_id=uuid.UUID(payload["user_id"]))],
        context={"reset": {"url": f"{settings.base_url}/reset-password?token={payload['token']}",
                           "expires_at": _when(payload["expires_at"])}})


@handles(StaffInvited, consumer="notifications.staff_invitation")
async def staff_invitation(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    store = await session.get(Store, uuid.UUID(payload["store_id"]))
    settings = settings_of(session)
    await notify(session, source=_source(event), event="staff_invitation", store=store, recipients=[
        Recipient(email=payload["email"])], context={"invitation": {
            "store_name": payload["store_name"], "role": payload["role"], "invited_by": payload["invited_by_name"],
            "url": f"{settings.base_url}/admin/", "expires_at": _when(payload["expires_at"])}})


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16] + " UTC"


async def _shipment(session: AsyncSession, event: OutboxEvent, name: str) -> None:
    from metco.fulfillment.models import Fulfillment

    payload = event.payload
    if not payload.get("notify_customer", True):
        return
    fulfillment = (await session.scalars(select(Fulfillment).where(
        Fulfillment.store_id == uuid.UUID(payload["store_id"]),
        Fulfillment.id == uuid.UUID(payload["fulfillment_id"])))).first()
    if fulfillment is None:
        return
    await _to_customer(session, event, name, shipment={
        "carrier": fulfillment.carrier, "tracking_number": fulfillment.tracking_number,
        "tracking_url": fulfillment.tracking_url})


@handles(FulfillmentShipped, consumer="notifications.order_shipped")
async def order_shipped(session: AsyncSession, event: OutboxEvent) -> None:
    await _shipment(session, event, "order_shipped")


@handles(FulfillmentDelivered, consumer="notifications.order_delivered")
async def order_delivered(session: AsyncSession, event: OutboxEvent) -> None:
    await _shipment(session, event, "order_delivered")


async def _conversation_context(session: AsyncSession, event: OutboxEvent) -> tuple[Any, Any, Any] | None:
    from metco.support.models import Conversation, Message
    from metco.support.service import link_token

    payload = event.payload
    store = await session.get(Store, uuid.UUID(payload["store_id"]))
    conversation = await session.get(Conversation, uuid.UUID(payload["conversation_id"]))
    message = await session.get(Message, uuid.UUID(payload["message_id"]))
    if store is None or conversation is None or message is None or conversation.store_id != store.id:
        return None
    settings = settings_of(session)
    token = link_token(settings.secret_key.get_secret_value(), conversation.id)
    context = {"conversation": {"subject": conversation.subject,
                                "url": f"{settings.base_url}/s/{store.slug}/support/{conversation.id}?key={token}",
                                "admin_url": f"{settings.base_url}/admin/inbox/{conversation.id}"},
               "message": {"body": message.body, "author": message.author_name}}
    return store, conversation, context


@handles(StaffReplied, consumer="notifications.support_reply")
async def support_reply(session: AsyncSession, event: OutboxEvent) -> None:
    found = await _conversation_context(session, event)
    if found is None:
        return
    store, conversation, context = found
    customer = (await session.scalars(select(Customer).where(Customer.store_id == store.id,
                                                             Customer.email == conversation.email))).first()
    recipient = Recipient(email=conversation.email, name=conversation.name, customer_id=customer.id if customer else None,
                          user_id=conversation.user_id, wants_email=customer.notify_email if customer else True,
                          wants_sms=bool(customer and customer.notify_sms), wants_push=bool(customer and customer.notify_push),
                          phone=customer.phone if customer else None)
    await notify(session, source=_source(event), event="support_reply", store=store, recipients=[recipient],
                 context=context)


@handles(CustomerWrote, consumer="notifications.new_support_message")
async def new_support_message(session: AsyncSession, event: OutboxEvent) -> None:
    found = await _conversation_context(session, event)
    if found is None:
        return
    store, _, context = found
    staff = await staff_with(session, store.id, EVENTS["new_support_message"].permission or "support")
    await notify(session, source=_source(event), event="new_support_message", store=store, recipients=staff,
                 context=context)
