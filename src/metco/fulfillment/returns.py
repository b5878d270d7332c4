"""Returns: a customer asks to send back delivered lines within the store's return window; staff approve
(optionally buying a return label) or reject; when the parcel arrives, staff receive it: the units go back
on hand at a chosen location and the refund goes through the payments module.

requested → approved → received, or requested → rejected. Any other move is a 409."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.fulfillment.carriers import connections
from metco.fulfillment.carriers.ports import CarrierError, ParcelLine, ShipmentRequest
from metco.fulfillment.models import Fulfillment, FulfillmentLine, ReturnRequest
from metco.fulfillment.return_events import ReturnDecided, ReturnReceived, ReturnRequested
from metco.fulfillment.service import CarrierFailed, ship_from, ship_to
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.errors import Conflict, InvalidInput, NotFound
from metco.kit.outbox import publish
from metco.kit.pagination import paginate
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.orders import refunds
from metco.orders.models import Order, OrderLine
from metco.orders.repository import OrderRepository
from metco.orders.schemas import RefundLine, RefundRequest
from metco.orders.service import add_event
from metco.stores.models import Store

MOVES = {"requested": {"approved", "rejected"}, "approved": {"received"}, "received": set(), "rejected": set()}


class IllegalReturnMove(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = "The return is not in a state that allows this"


class WindowClosed(Conflict):
    code = "RETURN_WINDOW_CLOSED"
    title = "The return window has closed"


class ReturnRepository(StoreRepository[ReturnRequest]):
    model = ReturnRequest
    not_found = "No such return in this store."

    async def lock(self, return_id: uuid.UUID) -> ReturnRequest:
        row = (await self.session.scalars(self.select().where(ReturnRequest.id == return_id)
                                          .with_for_update())).first()
        if row is None:
            raise NotFound(self.not_found)
        return row

    async def of_order(self, order_id: uuid.UUID) -> list[ReturnRequest]:
        stmt = self.select().where(ReturnRequest.order_id == order_id).order_by(ReturnRequest.id)
        return list((await self.session.scalars(stmt)).all())


@dataclass(frozen=True)
class Returnable:
    line: OrderLine
    quantity: int


def _check(current: str, target: str) -> None:
    if target not in MOVES[current]:
        raise IllegalReturnMove(f"A return that is '{current}' cannot become '{target}'.")


async def returnable(session: AsyncSession, order: Order) -> dict[uuid.UUID, int]:
    """Per order line: delivered units not yet refunded or asked back."""
    rows = (await session.execute(
        select(FulfillmentLine.order_line_id, FulfillmentLine.quantity)
        .join(Fulfillment, Fulfillment.id == FulfillmentLine.fulfillment_id)
        .where(Fulfillment.store_id == order.store_id, Fulfillment.order_id == order.id,
               Fulfillment.status == "delivered"))).all()
    delivered: dict[uuid.UUID, int] = {}
    for line_id, quantity in rows:
        delivered[line_id] = delivered.get(line_id, 0) + quantity
    lines = {line.id: line for line in await OrderRepository(session, order.store_id).lines(order.id)}
    asked: dict[uuid.UUID, int] = {}
    for existing in await ReturnRepository(session, order.store_id).of_order(order.id):
        if existing.status in ("requested", "approved"):
            for item in existing.lines:
                asked[uuid.UUID(item["line_id"])] = asked.get(uuid.UUID(item["line_id"]), 0) + int(item["quantity"])
    return {line_id: max(0, min(qty, lines[line_id].quantity - lines[line_id].refunded_quantity) - asked.get(line_id, 0))
            for line_id, qty in delivered.items() if line_id in lines}


async def request(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID,
                  lines: list[tuple[uuid.UUID, int]], reason: str) -> ReturnRequest:
    order = await OrderRepository(session, store_id).lock(order_id)
    store = await session.get(Store, store_id)
    assert store is not None
    delivered_at = (await session.scalars(
        select(Fulfillment.delivered_at).where(Fulfillment.store_id == store_id, Fulfillment.order_id == order.id,
                                               Fulfillment.status == "delivered")
        .order_by(Fulfillment.delivered_at.desc()))).first()
    if delivered_at is None:
        raise Conflict("Nothing on this order has been delivered yet, so nothing can be returned.")
    closes = delivered_at + timedelta(days=store.return_window_days)
    if utcnow() > closes:
        raise WindowClosed(f"Returns for this order closed on {closes.date().isoformat()}.")
    left = await returnable(session, order)
    wanted: dict[uuid.UUID, int] = {}
    for i, (line_id, quantity) in enumerate(lines):
        if line_id not in left:
            raise InvalidInput(f"lines.{i}.line_id", "is not a delivered line of this order")
        wanted[line_id] = wanted.get(line_id, 0) + quantity
        if wanted[line_id] > left[line_id]:
            raise InvalidInput(f"lines.{i}.quantity", f"only {left[line_id]} of this line can be returned")
    row = ReturnRepository(session, store_id).add(ReturnRequest(
        order_id=order.id, status="requested", reason=reason,
        lines=[{"line_id": str(k), "quantity": v} for k, v in wanted.items()]))
    await session.flush()
    await add_event(session, order, "return_requested", f"The customer asked to return {sum(wanted.values())} "
                    f"item(s): {reason}", data={"return_id": str(row.id)})
    await publish(session, ReturnRequested(return_id=row.id, order_id=order.id, store_id=store_id), store_id=store_id)
    return row


async def approve(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, label: bool,
                  integration: str | None, carrier: str | None, tracking_number: str | None,
                  note: str | None) -> ReturnRequest:
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "approved")
    order = await OrderRepository(session, scope.store_id).lock(row.order_id)
    if label:
        name = integration or "manual"
        adapter, config = await connections.enabled(session, scope.store_id, name)
        if not adapter.info.sells_labels:
            raise InvalidInput("integration", f"'{name}' does not sell labels; name one that does")
        store = await session.get(Store, scope.store_id)
        lines = {line.id: line for line in await OrderRepository(session, scope.store_id).lines(order.id)}
        chosen = [(lines[uuid.UUID(i["line_id"])], int(i["quantity"])) for i in row.lines]
        try:  # the parcel travels the other way: from the customer to the store
            shipment = await adapter.create_shipment(config, ShipmentRequest(
                reference=f"return-{row.id}", order_number=order.number, ship_from=ship_to(order),
                ship_to=ship_from(config, store.name if store else ""),
                weight_grams=sum((line.weight_grams or 0) * q for line, q in chosen) or 500,
                lines=tuple(ParcelLine(line.title, line.sku, q, line.unit_price) for line, q in chosen),
                currency=order.currency))
        except CarrierError as exc:
            raise CarrierFailed(f"{name}: {exc.message}") from exc
        row.label_url, row.tracking_number = shipment.label_url, shipment.tracking_number
        row.carrier = shipment.carrier_name or name
    else:
        row.carrier, row.tracking_number = carrier, tracking_number
    row.status, row.staff_note = "approved", note
    await add_event(session, order, "return_approved", "Return approved.", data={"return_id": str(row.id)},
                    actor_id=scope.user_id)
    await publish(session, ReturnDecided(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                         status="approved"), store_id=order.store_id)
    await session.flush()
    return row


async def reject(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, note: str) -> ReturnRequest:
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "rejected")
    order = await OrderRepository(session, scope.store_id).lock(row.order_id)
    row.status, row.staff_note = "rejected", note
    await add_event(session, order, "return_rejected", f"Return rejected: {note}", data={"return_id": str(row.id)},
                    actor_id=scope.user_id)
    await publish(session, ReturnDecided(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                         status="rejected"), store_id=order.store_id)
    await session.flush()
    return row


async def receive(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, location_id: uuid.UUID | None,
                  restock: bool, refund: bool, amount: int | None) -> ReturnRequest:
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "received")
    order = await OrderRepository(session, scope.store_id).lock(row.order_id)
    items = [(uuid.UUID(i["line_id"]), int(i["quantity"])) for i in row.lines]
    if restock:
        lines = {line.id: line for line in await OrderRepository(session, scope.store_id).lines(order.id)}
        back = [(lines[line_id].variant_id, q) for line_id, q in items if lines[line_id].variant_id is not None]
        if back:
            await inventory_service.restock(session, store_id=scope.store_id, lines=back,  # type: ignore[arg-type]
                                            reason="return", reference=f"return:{row.id}", location_id=location_id)
        row.location_id = location_id
    if refund:
        view = await refunds.refund(session, scope, order.id, request=RefundRequest(
            amount=amount, lines=[RefundLine(line_id=k, quantity=v) for k, v in items], restock=False,
            reason=f"Return: {row.reason}"[:500]))
        made = view.refunds[-1]
        row.refund_id, row.refund_amount = made.id, made.amount
    row.status, row.received_at = "received", utcnow()
    await add_event(session, order, "return_received", "Returned items received"
                    f"{', restocked' if restock else ''}{', refunded' if refund else ''}.",
                    data={"return_id": str(row.id)}, actor_id=scope.user_id)
    await publish(session, ReturnReceived(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                          refund_amount=row.refund_amount), store_id=order.store_id)
    await session.flush()
    return row


async def list_returns(session: AsyncSession, store_id: uuid.UUID, *, status: str | None, limit: int,
                       cursor: str | None) -> tuple[list[ReturnRequest], str | None]:
    stmt = ReturnRepository(session, store_id).select()
    if status:
        stmt = stmt.where(ReturnRequest.status == status)
    return await paginate(session, stmt, key=ReturnRequest.id, limit=limit, cursor=cursor, descending=True)

