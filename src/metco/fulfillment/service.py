"""Fulfilling orders: fulfillments of all or some lines, their moves, and what the order makes of them.

The order's `fulfillment_status` counts units in fulfillments that did not fail; its `status` becomes
`shipped` when every unit still owed (ordered less refunded) has left, and `delivered` when every one
arrived. Reaching `shipped` or `delivered` publishes an outbox event, which the notifications follow."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.fulfillment import states
from metco.fulfillment.carriers import connections
from metco.fulfillment.carriers.manual import tracking_url
from metco.fulfillment.carriers.ports import Address, CarrierConfig, CarrierError, ParcelLine, ShipmentRequest
from metco.fulfillment.events import FulfillmentDelivered, FulfillmentShipped
from metco.fulfillment.models import Fulfillment, FulfillmentLine, TrackingEvent
from metco.fulfillment.schemas import FulfillmentCreate, FulfillmentUpdate
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.errors import Conflict, InvalidInput, MetcoError
from metco.kit.outbox import publish
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.orders import states as order_states
from metco.orders.models import Order, OrderLine
from metco.orders.repository import OrderRepository
from metco.orders.service import add_event


class NothingToFulfill(Conflict):
    code = "NOTHING_TO_FULFILL"
    title = "Nothing on this order is waiting to be fulfilled"


class CarrierFailed(MetcoError):
    status = 502
    code = "CARRIER_FAILED"
    title = "The carrier refused or could not be reached"


class FulfillmentRepository(StoreRepository[Fulfillment]):
    model = Fulfillment
    not_found = "No such fulfillment in this store."

    async def lock(self, fulfillment_id: uuid.UUID) -> Fulfillment:
        row = (await self.session.scalars(self.select().where(Fulfillment.id == fulfillment_id)
                                          .with_for_update())).first()
        if row is None:
            from metco.kit.errors import NotFound

            raise NotFound(self.not_found)
        return row

    async def of_order(self, order_id: uuid.UUID) -> list[Fulfillment]:
        stmt = self.select().where(Fulfillment.order_id == order_id).order_by(Fulfillment.id)
        return list((await self.session.scalars(stmt)).all())


@dataclass(frozen=True)
class FulfillmentView:
    fulfillment: Fulfillment
    lines: list[FulfillmentLine]
    tracking: list[TrackingEvent]


async def view(session: AsyncSession, row: Fulfillment) -> FulfillmentView:
    lines = (await session.scalars(select(FulfillmentLine).where(FulfillmentLine.store_id == row.store_id,
                                                                 FulfillmentLine.fulfillment_id == row.id)
                                   .order_by(FulfillmentLine.id))).all()
    tracking = (await session.scalars(select(TrackingEvent).where(TrackingEvent.store_id == row.store_id,
                                                                  TrackingEvent.fulfillment_id == row.id)
                                      .order_by(TrackingEvent.occurred_at, TrackingEvent.id))).all()
    return FulfillmentView(row, list(lines), list(tracking))


async def views_of_order(session: AsyncSession, store_id: uuid.UUID, order_id: uuid.UUID) -> list[FulfillmentView]:
    return [await view(session, f) for f in await FulfillmentRepository(session, store_id).of_order(order_id)]


def _wanted(order_lines: list[OrderLine], body: FulfillmentCreate) -> list[tuple[OrderLine, int]]:
    by_id = {line.id: line for line in order_lines}

    def owed(line: OrderLine) -> int:
        return line.quantity - line.refunded_quantity - line.fulfilled_quantity

    if body.lines is None:
        chosen = [(line, owed(line)) for line in order_lines if owed(line) > 0]
        if not chosen:
            raise NothingToFulfill("Every line of this order is fulfilled, refunded or on its way.")
        return chosen
    wanted: dict[uuid.UUID, int] = {}
    for i, item in enumerate(body.lines):
        line = by_id.get(item.line_id)
        if line is None:
            raise InvalidInput(f"lines.{i}.line_id", "is not a line of this order")
        wanted[line.id] = wanted.get(line.id, 0) + item.quantity
        if wanted[line.id] > owed(line):
            raise InvalidInput(f"lines.{i}.quantity", f"only {owed(line)} of this line is waiting to be fulfilled")
    return [(by_id[line_id], quantity) for line_id, quantity in wanted.items()]


def ship_from(config: CarrierConfig, store_name: str) -> Address:
    s = config.settings
    return Address(name=str(s.get("from_name") or store_name), line1=str(s.get("from_line1") or ""),
                   city=str(s.get("from_city") or ""), postal_code=str(s.get("from_postal_code") or ""),
                   country=str(s.get("from_country") or ""), region=s.get("from_region"), phone=s.get("from_phone"),
                   email=s.get("from_email"), company=store_name)


def ship_to(order: Order) -> Address:
    a = order.shipping_address or {}
    if not a:
        raise InvalidInput("integration", "this order has no shipping address for a carrier label")
    return Address(name=a["name"], line1=a["line1"], line2=a.get("line2"), city=a["city"], region=a.get("region"),
                   postal_code=a["postal_code"], country=a["country"], phone=a.get("phone"), email=order.email)


async def create(session: AsyncSession, scope: StoreScope, order_id: uuid.UUID, body: FulfillmentCreate) -> Fulfillment:
    orders = OrderRepository(session, scope.store_id)
    order = await orders.lock(order_id)
    if order.status != "confirmed":
        raise order_states.IllegalTransition(f"An order that is '{order.status}' cannot be fulfilled; only a "
                                             "confirmed one can.", machine="status", current=order.status,
                                             target="shipped")
    chosen = _wanted(await orders.lines(order.id), body)
    carrier, config = await connections.enabled(session, scope.store_id, body.integration)
    row = Fulfillment(store_id=scope.store_id, order_id=order.id, status="pending", carrier=body.carrier or "",
                      integration=body.integration, tracking_number=body.tracking_number,
                      notify_customer=body.notify_customer, service=body.service)
    session.add(row)
    await session.flush()
    location_id = body.location_id
    for line, quantity in chosen:
        session.add(FulfillmentLine(store_id=scope.store_id, fulfillment_id=row.id, order_line_id=line.id,
                                    quantity=quantity))
        line.fulfilled_quantity += quantity
        if line.variant_id is not None:
            location_id = await inventory_service.ship_from(
                session, store_id=scope.store_id, sale_reference=order.reservation_reference,
                variant_id=line.variant_id, quantity=quantity, location_id=body.location_id,
                reference=f"fulfillment:{row.id}")
    row.location_id = location_id
    if body.integration != "manual":
        from metco.stores.models import Store

        store = await session.get(Store, scope.store_id)
        request = ShipmentRequest(
            reference=str(row.id), order_number=order.number, ship_from=ship_from(config, store.name if store else ""),
            ship_to=ship_to(order), weight_grams=sum((line.weight_grams or 0) * q for line, q in chosen) or 500,
            lines=tuple(ParcelLine(line.title, line.sku, q, line.unit_price) for line, q in chosen),
            currency=order.currency, service=body.service)
        try:
            shipment = await carrier.create_shipment(config, request)
        except CarrierError as exc:
            raise CarrierFailed(f"{body.integration}: {exc.message}") from exc
        row.carrier_reference = shipment.carrier_reference
        row.tracking_number = shipment.tracking_number or row.tracking_number
        row.tracking_url = shipment.tracking_url
        row.label_url = shipment.label_url
        row.carrier = body.carrier or shipment.carrier_name or body.integration
        row.service = shipment.service or row.service
    if not row.carrier:
        raise InvalidInput("carrier", "name the carrier (UPS, DHL …) or use a carrier integration")
    row.tracking_url = row.tracking_url or tracking_url(row.carrier, row.tracking_number)
    await _track(session, row, "pending", "Fulfillment created.", source="staff")
    await add_event(session, order, "fulfillment_created",
                    f"Fulfillment of {sum(q for _, q in chosen)} item(s) created ({row.carrier}).",
                    data={"fulfillment_id": str(row.id)}, actor_id=scope.user_id)
    if body.status != "pending":
        await _move(session, order, row, body.status, message=None, source="staff", actor_id=scope.user_id)
    await _follow(session, order)
    return row


async def update(session: AsyncSession, scope: StoreScope, fulfillment_id: uuid.UUID, body: FulfillmentUpdate) -> Fulfillment:
    row = await FulfillmentRepository(session, scope.store_id).lock(fulfillment_id)
    order = await OrderRepository(session, scope.store_id).lock(row.order_id)
    if body.carrier is not None:
        row.carrier = body.carrier
    if body.tracking_number is not None:
        row.tracking_number = body.tracking_number
    if body.carrier is not None or body.tracking_number is not None:
        row.tracking_url = tracking_url(row.carrier, row.tracking_number) or row.tracking_url
    if body.status is not None and body.status != row.status:
        await _move(session, order, row, body.status, message=body.message, source="staff", actor_id=scope.user_id)
    await session.flush()
    return row


async def apply_tracking(session: AsyncSession, row: Fulfillment, *, status: str | None, message: str,
                         source: str, occurred_at: datetime | None = None) -> bool:
    """A carrier's update: recorded, and applied when it moves the fulfillment forward (an update that would
    move it back, arriving late or out of order, is kept on the record and changes nothing)."""
    order = await OrderRepository(session, row.store_id).lock(row.order_id)
    if status is None or status == row.status or not states.allowed(row.status, status):
        await _track(session, row, None, message, source=source, occurred_at=occurred_at)
        return False
    await _move(session, order, row, status, message=message, source=source, occurred_at=occurred_at)
    return True


async def _move(session: AsyncSession, order: Order, row: Fulfillment, target: str, *, message: str | None,
                source: str, actor_id: uuid.UUID | None = None, occurred_at: datetime | None = None) -> None:
    states.check(row.status, target)
    now = occurred_at or utcnow()
    row.status = target
    if target in states.LEFT and row.shipped_at is None:
        row.shipped_at = now
        await publish(session, FulfillmentShipped(fulfillment_id=row.id, order_id=order.id, store_id=order.store_id,
                                                  notify_customer=row.notify_customer), store_id=order.store_id)
    if target == "delivered":
        row.delivered_at = now
        await publish(session, FulfillmentDelivered(fulfillment_id=row.id, order_id=order.id,
                                                    store_id=order.store_id, notify_customer=row.notify_customer),
                      store_id=order.store_id)
    if target == "failed":
        for line in await _lines_of(session, row):
            order_line = await session.get(OrderLine, line.order_line_id)
            if order_line is not None:
                order_line.fulfilled_quantity -= line.quantity
    await _track(session, row, target, message or f"Now {target.replace('_', ' ')}.", source=source,
                 occurred_at=occurred_at)
    await add_event(session, order, f"fulfillment_{target}", f"Fulfillment {target.replace('_', ' ')}"
                    f"{' (' + row.carrier + ')' if row.carrier else ''}.", data={"fulfillment_id": str(row.id)},
                    actor_id=actor_id)
    await _follow(session, order)


async def _lines_of(session: AsyncSession, row: Fulfillment) -> list[FulfillmentLine]:
    return list((await session.scalars(select(FulfillmentLine).where(
        FulfillmentLine.store_id == row.store_id, FulfillmentLine.fulfillment_id == row.id))).all())


async def _track(session: AsyncSession, row: Fulfillment, status: str | None, message: str, *, source: str,
                 occurred_at: datetime | None = None) -> None:
    session.add(TrackingEvent(store_id=row.store_id, fulfillment_id=row.id, status=status, message=message[:2000],
                              source=source, occurred_at=occurred_at or utcnow()))
    await session.flush()


async def _follow(session: AsyncSession, order: Order) -> None:
    """The order's fulfillment status and status, from its lines and fulfillments."""
    lines = await OrderRepository(session, order.store_id).lines(order.id)
    owed = {line.id: line.quantity - line.refunded_quantity for line in lines}
    fulfilled = sum(min(line.fulfilled_quantity, owed[line.id]) for line in lines)
    total = sum(q for q in owed.values() if q > 0)
    order.fulfillment_status = ("fulfilled" if total and fulfilled >= total
                                else "partially_fulfilled" if fulfilled else "unfulfilled")
    rows = (await session.execute(
        select(Fulfillment.status, Fulfillment.delivered_at, FulfillmentLine.order_line_id, FulfillmentLine.quantity)
        .join(FulfillmentLine, FulfillmentLine.fulfillment_id == Fulfillment.id)
        .where(Fulfillment.store_id == order.store_id, Fulfillment.order_id == order.id))).all()
    left: dict[uuid.UUID, int] = {}
    arrived: dict[uuid.UUID, int] = {}
    for status, delivered_at, line_id, quantity in rows:
        if status in states.LEFT or status == "returned":
            left[line_id] = left.get(line_id, 0) + quantity
        if status == "delivered" or (status == "returned" and delivered_at is not None):
            arrived[line_id] = arrived.get(line_id, 0) + quantity
    all_left = total > 0 and all(left.get(i, 0) >= q for i, q in owed.items() if q > 0)
    all_arrived = total > 0 and all(arrived.get(i, 0) >= q for i, q in owed.items() if q > 0)
    if order.status == "confirmed" and all_left:
        order.status = "shipped"
        await add_event(session, order, "shipped", "Everything has shipped.")
    if order.status == "shipped" and all_arrived:
        order.status = "delivered"
        await add_event(session, order, "delivered", "Everything was delivered.")
    await session.flush()
