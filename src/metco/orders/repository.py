"""Every SQL statement of the orders module."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.repository import StoreRepository
from metco.orders.models import Order, OrderCounter, OrderDiscount, OrderEvent, OrderLine


async def next_number(session: AsyncSession, store_id: uuid.UUID) -> int:
    """The store's next order number, by an atomic increment (the row lock is held until commit)."""
    stmt = (update(OrderCounter).where(OrderCounter.store_id == store_id)
            .values(last_number=OrderCounter.last_number + 1).returning(OrderCounter.last_number))
    number = (await session.execute(stmt)).scalar_one_or_none()
    if number is not None:
        return int(number)
    try:
        async with session.begin_nested():
            await session.execute(insert(OrderCounter).values(store_id=store_id, last_number=1001))
        return 1001
    except IntegrityError:  # another checkout made the counter first
        return await next_number(session, store_id)


class OrderRepository(StoreRepository[Order]):
    model = Order
    not_found = "No such order in this store."

    def filtered(self, *, status: str | None, payment_status: str | None, fulfillment_status: str | None,
                 q: str | None, customer_id: uuid.UUID | None = None) -> Select[Any]:
        stmt = self.select()
        for column, value in ((Order.status, status), (Order.payment_status, payment_status),
                              (Order.fulfillment_status, fulfillment_status), (Order.customer_id, customer_id)):
            if value is not None:
                stmt = stmt.where(column == value)
        if q:
            text = q.strip().lstrip("#")
            conditions: list[Any] = [Order.email.like(f"%{text.lower()}%")]
            if text.isdigit():
                conditions.append(Order.number == int(text))
            stmt = stmt.where(or_(*conditions))
        return stmt

    def of_user(self, user_id: uuid.UUID) -> Select[Any]:
        return self.select().where(Order.user_id == user_id)

    async def lock(self, order_id: uuid.UUID) -> Order:
        stmt = self.select().where(Order.id == order_id).with_for_update()
        order = (await self.session.scalars(stmt)).first()
        if order is None:
            from metco.kit.errors import NotFound

            raise NotFound(self.not_found)
        return order

    async def lines(self, order_id: uuid.UUID) -> list[OrderLine]:
        stmt = select(OrderLine).where(OrderLine.store_id == self.store_id, OrderLine.order_id == order_id)
        return list((await self.session.scalars(stmt.order_by(OrderLine.id))).all())

    async def discounts(self, order_id: uuid.UUID) -> list[OrderDiscount]:
        stmt = select(OrderDiscount).where(OrderDiscount.store_id == self.store_id, OrderDiscount.order_id == order_id)
        return list((await self.session.scalars(stmt.order_by(OrderDiscount.id))).all())

    async def events(self, order_id: uuid.UUID) -> list[OrderEvent]:
        stmt = select(OrderEvent).where(OrderEvent.store_id == self.store_id, OrderEvent.order_id == order_id)
        return list((await self.session.scalars(stmt.order_by(OrderEvent.id))).all())

    async def customer_stats(self, customer_id: uuid.UUID) -> tuple[int, int]:
        stmt = select(func.count(), func.coalesce(func.sum(Order.total), 0)).where(
            Order.store_id == self.store_id, Order.customer_id == customer_id, Order.status != "cancelled")
        count, total = (await self.session.execute(stmt)).one()
        return int(count), int(total)


def lapsed_unpaid(now: datetime, limit: int) -> Select[Any]:
    """Across stores (a scheduled job): pending orders whose payment window has closed."""
    return (select(Order).where(Order.status == "pending", Order.payment_status == "pending",
                                Order.expires_at.is_not(None), Order.expires_at <= now)
            .order_by(Order.id).limit(limit).with_for_update(skip_locked=True))
