"""Returns: a customer asks to send back delivered units within the store's return window; staff approve
(optionally buying a return label) or reject; when the parcel arrives, staff receive it: the units go back
on hand at a chosen location and the refund goes through the payments module (`orders.refunds`).

requested → approved → received, or requested → rejected. Any other move is a 409.

What may be asked back, per order line: units of fulfillments `delivered` no longer than
`store.return_window_days` ago, less units already asked back (any return that was not rejected), less
units refunded (a return received with a refund counts once, not twice). A return does not say which parcel
its units came from: it is counted against the parcels whose window was open when it was asked, the oldest
first, so an earlier return never uses up units whose window is still open while older ones sit unused."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.fulfillment.carriers import connections
from metco.fulfillment.carriers.ports import (
    CarrierConfig,
    CarrierError,
    CarrierProvider,
    ParcelLine,
    ShipmentRequest,
)
from metco.fulfillment.models import Fulfillment, FulfillmentLine, ReturnRequest
from metco.fulfillment.return_events import ReturnApproved, ReturnReceived, ReturnRejected, ReturnRequested
from metco.fulfillment.service import CarrierFailed, ship_from, ship_to
from metco.inventory import service as inventory_service
from metco.inventory.repository import LocationRepository
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
from metco.payments import service as payments_service
from metco.stores.models import Store

MOVES: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "rejected"}),
    "approved": frozenset({"received"}),
    "received": frozenset(),
    "rejected": frozenset(),
}
OPEN = ("requested", "approved")


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

    async def deliveries(self, order_id: uuid.UUID) -> list[tuple[uuid.UUID, int, datetime]]:
        """(order line, units, delivered at) of the order's delivered fulfillments, oldest first."""
        rows = (await self.session.execute(
            select(FulfillmentLine.order_line_id, FulfillmentLine.quantity, Fulfillment.delivered_at)
            .join(Fulfillment, Fulfillment.id == FulfillmentLine.fulfillment_id)
            .where(Fulfillment.store_id == self.store_id, FulfillmentLine.store_id == self.store_id,
                   Fulfillment.order_id == order_id, Fulfillment.status == "delivered",
                   Fulfillment.delivered_at.is_not(None))
            .order_by(Fulfillment.delivered_at, Fulfillment.id))).all()
        return [(line_id, int(quantity), delivered_at) for line_id, quantity, delivered_at in rows
                if delivered_at is not None]


@dataclass
class Parcel:
    """Units of one line that arrived in one delivered fulfillment, and how many are not yet asked back."""

    delivered_at: datetime
    closes: datetime
    left: int


@dataclass
class Returnable:
    """One order line: how many units may be asked back now, and when its last window closed."""

    line: OrderLine
    delivered: int = 0
    quantity: int = 0
    closed_on: date | None = None
    parcels: list[Parcel] = field(default_factory=list)  # oldest first

    def take(self, quantity: int, asked_at: datetime) -> None:
        """A return of `quantity` units asked at `asked_at`: they came from parcels whose window was open
        then, the oldest first (the one that closes first); failing that (the window was shortened since),
        from any parcel."""
        for eligible in (lambda p: p.delivered_at <= asked_at <= p.closes, lambda p: True):
            for parcel in self.parcels:
                if quantity and eligible(parcel):
                    used = min(quantity, parcel.left)
                    parcel.left, quantity = parcel.left - used, quantity - used


def _items(row: ReturnRequest) -> list[tuple[uuid.UUID, int]]:
    return [(uuid.UUID(str(item["line_id"])), int(item["quantity"])) for item in row.lines]


def _check(current: str, target: str) -> None:
    if target not in MOVES.get(current, frozenset()):
        raise IllegalReturnMove(f"A return that is '{current}' cannot become '{target}'.", current=current,
                                target=target)


async def returnable(session: AsyncSession, store: Store, order: Order) -> dict[uuid.UUID, Returnable]:
    """Per line of the order: delivered units, and those that may still be asked back now."""
    repo = ReturnRepository(session, order.store_id)
    found = {line.id: Returnable(line) for line in await OrderRepository(session, order.store_id).lines(order.id)}
    window = timedelta(days=store.return_window_days)
    for line_id, quantity, delivered_at in await repo.deliveries(order.id):
        if line_id in found:
            found[line_id].delivered += quantity
            found[line_id].parcels.append(Parcel(delivered_at, delivered_at + window, quantity))
    unrefunded: dict[uuid.UUID, int] = {}  # asked back and not refunded: open, or received without a refund
    for existing in await repo.of_order(order.id):  # in the order they were asked
        if existing.status == "rejected":
            continue
        refunded = existing.status == "received" and existing.refund_amount is not None
        for line_id, quantity in _items(existing):
            if line_id in found:
                found[line_id].take(quantity, existing.created_at)
            if not refunded:
                unrefunded[line_id] = unrefunded.get(line_id, 0) + quantity
    now = utcnow()
    for line_id, item in found.items():
        in_window = sum(p.left for p in item.parcels if p.closes >= now)
        closed = [p.closes.date() for p in item.parcels if p.left and p.closes < now]
        item.closed_on = max(closed) if closed else None
        kept = item.line.quantity - item.line.refunded_quantity - unrefunded.get(line_id, 0)
        item.quantity = max(0, min(in_window, kept))
    return found


async def request(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID,
                  lines: list[tuple[uuid.UUID, int]], reason: str) -> ReturnRequest:
    order = await OrderRepository(session, store_id).lock(order_id)  # two requests at once queue here
    store = await session.get(Store, store_id)
    assert store is not None
    left = await returnable(session, store, order)
    wanted: dict[uuid.UUID, int] = {}
    for i, (line_id, quantity) in enumerate(lines):
        item = left.get(line_id)
        if item is None:
            raise InvalidInput(f"lines.{i}.line_id", "is not a line of this order")
        if item.delivered == 0:
            raise InvalidInput(f"lines.{i}.line_id", "has not been delivered yet; only delivered units can be "
                                                     "returned")
        wanted[line_id] = wanted.get(line_id, 0) + quantity
        if item.quantity == 0 and item.closed_on is not None:
            raise WindowClosed(f"The return window closed on {item.closed_on.isoformat()} "
                               f"({store.return_window_days} days after delivery).",
                               closed_on=item.closed_on.isoformat(), line_id=str(line_id))
        if wanted[line_id] > item.quantity:
            raise InvalidInput(f"lines.{i}.quantity", f"only {item.quantity} of this line can be returned",
                               returnable=item.quantity)
    row = ReturnRepository(session, store_id).add(ReturnRequest(
        order_id=order.id, status="requested", reason=reason,
        lines=[{"line_id": str(k), "quantity": v} for k, v in wanted.items()]))
    await session.flush()
    units = sum(wanted.values())
    await add_event(session, order, "return_requested", f"The customer asked to return {units} item(s): {reason}",
                    data={"return_id": str(row.id)})
    await publish(session, ReturnRequested(return_id=row.id, order_id=order.id, store_id=store_id,
                                           number=order.number, email=order.email, quantity=units, reason=reason),
                  store_id=store_id)
    return row


async def _label_seller(session: AsyncSession, store_id: uuid.UUID,
                        integration: str | None) -> tuple[str, CarrierProvider, CarrierConfig]:
    """The named integration, or the first connected one that sells labels."""
    if integration is None:
        for connection in await connections.list_connections(session, store_id):
            if connection.enabled and connection.carrier.info.sells_labels:
                integration = connection.carrier.info.name
                break
    if integration is not None:
        adapter, config = await connections.enabled(session, store_id, integration)
        if not adapter.info.sells_labels:
            raise InvalidInput("integration", f"'{integration}' does not sell labels; name one that does")
        return integration, adapter, config
    raise InvalidInput("integration", "no connected carrier integration sells labels; connect one, or approve "
                                      "without a label")


async def approve(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, label: bool,
                  integration: str | None, carrier: str | None, tracking_number: str | None,
                  note: str | None) -> ReturnRequest:
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "approved")
    orders = OrderRepository(session, scope.store_id)
    order = await orders.lock(row.order_id)
    if label:
        name, adapter, config = await _label_seller(session, scope.store_id, integration)
        store = await session.get(Store, scope.store_id)
        lines = {line.id: line for line in await orders.lines(order.id)}
        chosen = [(lines[line_id], q) for line_id, q in _items(row) if line_id in lines]
        try:  # the parcel travels the other way: from the customer to the store
            shipment = await adapter.create_shipment(config, ShipmentRequest(
                reference=f"return-{row.id}", order_number=order.number, ship_from=ship_to(order),
                ship_to=ship_from(config, store.name if store else ""),
                weight_grams=sum((line.weight_grams or 0) * q for line, q in chosen) or 500,
                lines=tuple(ParcelLine(line.title, line.sku, q, line.unit_price) for line, q in chosen),
                currency=order.currency))
        except CarrierError as exc:
            raise CarrierFailed(f"{name}: {exc.message}") from exc
        row.label_url = shipment.label_url
        row.tracking_number = shipment.tracking_number or tracking_number
        row.carrier = carrier or shipment.carrier_name or name
    else:
        if integration is not None:
            raise InvalidInput("integration", "an integration is only used to buy a label; send label: true")
        row.carrier, row.tracking_number = carrier, tracking_number
    row.status, row.staff_note = "approved", note
    await session.flush()
    how = f" ({row.carrier}{' ' + row.tracking_number if row.tracking_number else ''})" if row.carrier else ""
    await add_event(session, order, "return_approved", f"Return approved{how}."
                    f"{' A return label was bought.' if row.label_url else ''}",
                    data={"return_id": str(row.id)}, actor_id=scope.user_id)
    await publish(session, ReturnApproved(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                          number=order.number, email=order.email, label_url=row.label_url,
                                          carrier=row.carrier, tracking_number=row.tracking_number, note=note),
                  store_id=order.store_id)
    return row


async def reject(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, note: str) -> ReturnRequest:
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "rejected")
    order = await OrderRepository(session, scope.store_id).lock(row.order_id)
    row.status, row.staff_note = "rejected", note
    await session.flush()
    await add_event(session, order, "return_rejected", f"Return rejected: {note}", data={"return_id": str(row.id)},
                    actor_id=scope.user_id)
    await publish(session, ReturnRejected(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                          number=order.number, email=order.email, note=note),
                  store_id=order.store_id)
    return row


async def receive(session: AsyncSession, scope: StoreScope, return_id: uuid.UUID, *, location_id: uuid.UUID | None,
                  restock: bool, refund: bool, amount: int | None) -> ReturnRequest:
    """The parcel is back: restock its units at the chosen location (the store's default without one) and
    refund them (their share of what was paid, or `amount`) through the order's provider. Either failing
    (an unknown location; more than remains refundable) changes nothing."""
    if amount is not None and not refund:
        raise InvalidInput("amount", "is the refund's amount; send refund: true, or no amount")
    if location_id is not None and not restock:
        raise InvalidInput("location_id", "is where the units are restocked; send restock: true, or no location")
    row = await ReturnRepository(session, scope.store_id).lock(return_id)
    _check(row.status, "received")
    orders = OrderRepository(session, scope.store_id)
    order = await orders.lock(row.order_id)
    items = _items(row)
    if restock:
        locations = LocationRepository(session, scope.store_id)
        location = await (locations.get(location_id) if location_id is not None else locations.default())
        if location is None:
            raise InvalidInput("location_id", "is not a location of this store" if location_id is not None
                               else "this store has no location to restock at; name one")
        lines = {line.id: line for line in await orders.lines(order.id)}
        back: list[tuple[uuid.UUID, int]] = []
        for line_id, quantity in items:
            variant_id = lines[line_id].variant_id if line_id in lines else None
            if variant_id is not None:  # a deleted variant has nothing to go back to
                back.append((variant_id, quantity))
        if back:
            await inventory_service.restock(session, store_id=scope.store_id, lines=back, reason="return",
                                            reference=f"return:{row.id}", location_id=location.id)
        row.location_id = location.id
    if refund:
        earlier = {r.id for r in await payments_service.refunds_of(session, store_id=order.store_id,
                                                                    order_id=order.id)}
        after = await refunds.refund(session, scope, order.id, request=RefundRequest(
            amount=amount, lines=[RefundLine(line_id=k, quantity=v) for k, v in items], restock=False,
            reason=f"Return: {row.reason}"[:500]))
        (made,) = [r for r in after.refunds if r.id not in earlier]
        row.refund_id, row.refund_amount = made.id, made.amount
    row.status, row.received_at = "received", utcnow()
    await session.flush()
    done = "".join([", restocked" if restock else "", f", refunded {row.refund_amount}" if refund else ""])
    await add_event(session, order, "return_received", f"Returned items received{done}.",
                    data={"return_id": str(row.id), "refund_id": str(row.refund_id) if row.refund_id else None,
                          "location_id": str(row.location_id) if row.location_id else None},
                    actor_id=scope.user_id)
    await publish(session, ReturnReceived(return_id=row.id, order_id=order.id, store_id=order.store_id,
                                          number=order.number, email=order.email, restocked=restock,
                                          refund_id=row.refund_id, refund_amount=row.refund_amount,
                                          currency=order.currency), store_id=order.store_id)
    return row


async def list_returns(session: AsyncSession, store_id: uuid.UUID, *, status: str | None, limit: int,
                       cursor: str | None) -> tuple[list[ReturnRequest], str | None]:
    stmt = ReturnRepository(session, store_id).select()
    if status:
        stmt = stmt.where(ReturnRequest.status == status)
    return await paginate(session, stmt, key=ReturnRequest.id, limit=limit, cursor=cursor, descending=True)
