"""The sales report: per day in the store's time zone, orders, gross sales, discounts, refunds and net.

- orders: orders placed that day, leaving out those whose payment failed or was voided (never money);
- gross: their subtotals (line prices before discounts, shipping and tax);
- discounts: their discount totals;
- refunds: money refunded that day, whatever day its order was placed;
- net: gross - discounts - refunds. Shipping and tax are shown beside, outside net sales (as Shopify does)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import InvalidInput
from metco.orders.models import Order
from metco.payments.models import Refund

MAX_DAYS = 366


@dataclass
class Day:
    date: date
    orders: int = 0
    gross: int = 0
    discounts: int = 0
    refunds: int = 0
    shipping: int = 0
    tax: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.discounts - self.refunds


@dataclass
class Report:
    currency: str
    timezone: str
    days: list[Day] = field(default_factory=list)


async def sales(session: AsyncSession, *, store_id: uuid.UUID, currency: str, timezone: str, start: date,
                end: date) -> Report:
    if end < start:
        raise InvalidInput("to", "must not be before from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput("to", f"a report covers at most {MAX_DAYS} days")
    zone = ZoneInfo(timezone)
    since = datetime.combine(start, time(0), zone)
    until = datetime.combine(end + timedelta(days=1), time(0), zone)
    days = {start + timedelta(days=i): Day(start + timedelta(days=i)) for i in range((end - start).days + 1)}
    orders = (await session.scalars(select(Order).where(
        Order.store_id == store_id, Order.placed_at >= since, Order.placed_at < until,
        Order.payment_status.notin_(("failed", "voided"))))).all()
    for order in orders:
        day = days[order.placed_at.astimezone(zone).date()]
        day.orders += 1
        day.gross += order.subtotal
        day.discounts += order.discount_total
        day.shipping += order.shipping_total
        day.tax += order.tax_total
    refunds = (await session.scalars(select(Refund).where(
        Refund.store_id == store_id, Refund.created_at >= since, Refund.created_at < until,
        Refund.status == "succeeded"))).all()
    for refund in refunds:
        days[refund.created_at.astimezone(zone).date()].refunds += refund.amount
    return Report(currency=currency, timezone=timezone, days=list(days.values()))
