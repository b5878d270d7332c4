"""Refunds of an order: by amount or by lines, optionally restocking, through the order's provider. The order
row is locked for the refund, so two refunds at once can never return more than was captured."""

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from metco.inventory import service as inventory_service
from metco.kit.errors import Conflict, InvalidInput
from metco.kit.outbox import publish
from metco.kit.scope import StoreScope
from metco.orders import repository
from metco.orders.events import OrderRefunded
from metco.orders.models import Order, OrderLine
from metco.orders.schemas import RefundRequest
from metco.orders.service import OrderView, add_event, view
from metco.payments import service as payments_service


class NotRefundable(Conflict):
    code = "NOT_REFUNDABLE"
    title = "Nothing on this order can be refunded"


@dataclass(frozen=True)
class LineRefund:
    line: OrderLine
    quantity: int


def _lines(order_lines: list[OrderLine], request: RefundRequest) -> list[LineRefund]:
    by_id = {line.id: line for line in order_lines}
    wanted: dict[uuid.UUID, int] = {}
    for i, item in enumerate(request.lines):
        line = by_id.get(item.line_id)
        if line is None:
            raise InvalidInput(f"lines.{i}.line_id", "is not a line of this order")
        wanted[line.id] = wanted.get(line.id, 0) + item.quantity
        if wanted[line.id] > line.quantity - line.refunded_quantity:
            left = line.quantity - line.refunded_quantity
            raise InvalidInput(f"lines.{i}.quantity", f"only {left} of this line can still be refunded")
    return [LineRefund(by_id[line_id], quantity) for line_id, quantity in wanted.items()]


def _value_of(refunds: list[LineRefund]) -> int:
    """What the customer paid for these units: their share of the line's total, discount and tax included."""
    return sum(r.line.total * r.quantity // r.line.quantity for r in refunds)


async def _refunded(session: AsyncSession, order: Order) -> int:
    return sum(r.amount for r in await payments_service.refunds_of(session, store_id=order.store_id,
                                                                    order_id=order.id))


async def refund(session: AsyncSession, scope: StoreScope, order_id: uuid.UUID, *, request: RefundRequest) -> OrderView:
    order = await repository.OrderRepository(session, scope.store_id).lock(order_id)
    if order.payment_status not in ("paid", "partially_refunded"):
        raise NotRefundable(f"The order's payment is {order.payment_status}; only captured money can be refunded.")
    if request.amount is None and not request.lines:
        raise InvalidInput("amount", "give an amount, lines, or both")
    lines = _lines(await repository.OrderRepository(session, scope.store_id).lines(order.id), request)
    amount = request.amount if request.amount is not None else _value_of(lines)
    refundable = order.total - await _refunded(session, order)
    if amount > refundable:
        raise InvalidInput("amount", f"is more than can still be refunded ({refundable})", refundable=refundable)
    if amount <= 0:
        raise InvalidInput("lines", "these lines were free; there is nothing to refund")
    row = await payments_service.refund(
        session, store_id=order.store_id, order_id=order.id, amount=amount, reason=request.reason,
        lines=[{"line_id": str(r.line.id), "quantity": r.quantity} for r in lines], restock=request.restock)
    for r in lines:
        r.line.refunded_quantity += r.quantity
    if request.restock and lines:
        await inventory_service.restock(
            session, store_id=order.store_id, reason="return", reference=f"refund:{row.id}",
            lines=[(r.line.variant_id, r.quantity) for r in lines if r.line.variant_id is not None])
    order.payment_status = "refunded" if amount == refundable else "partially_refunded"
    await add_event(session, order, "refunded", f"Refunded {amount}{' with restock' if request.restock else ''}.",
                    data={"refund_id": str(row.id), "amount": amount, "reason": request.reason},
                    actor_id=scope.user_id)
    await publish(session, OrderRefunded(order_id=order.id, store_id=order.store_id, number=order.number,
                                         email=order.email, refund_id=row.id, amount=amount, currency=order.currency),
                  store_id=order.store_id)
    return await view(session, order)
