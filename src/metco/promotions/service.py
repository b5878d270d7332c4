"""Discounts: the store's admin of them, and their uses by checkouts, counted atomically."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import lookup
from metco.kit.clock import utcnow
from metco.kit.errors import Conflict, InvalidInput
from metco.kit.pagination import paginate
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.promotions import rules
from metco.promotions.models import Discount, DiscountRedemption
from metco.promotions.schemas import DiscountCreate, DiscountFields, DiscountUpdate, check_discount


class DiscountNotUsable(Conflict):
    code = "DISCOUNT_NOT_USABLE"
    title = "This discount cannot be used now"


class DiscountRepository(StoreRepository[Discount]):
    model = Discount
    not_found = "No such discount in this store."

    async def by_code(self, code: str) -> Discount | None:
        return (await self.session.scalars(self.select().where(Discount.code_key == code.strip().upper()))).first()

    async def automatic(self) -> list[Discount]:
        return list((await self.session.scalars(self.select().where(Discount.code_key.is_(None)))).all())


def as_rule(discount: Discount, *, customer_has_used: bool = False) -> rules.Discount:
    return rules.Discount(
        id=discount.id, title=discount.title, code=discount.code, kind=discount.kind, value=discount.value,
        combines=discount.combines, min_quantity=discount.min_quantity, min_subtotal=discount.min_subtotal,
        product_ids=frozenset(uuid.UUID(p) for p in discount.product_ids),
        category_ids=frozenset(uuid.UUID(c) for c in discount.category_ids),
        buy_quantity=discount.buy_quantity, get_quantity=discount.get_quantity, starts_at=discount.starts_at,
        ends_at=discount.ends_at, usage_limit=discount.usage_limit, times_used=discount.times_used,
        once_per_customer=discount.once_per_customer, customer_has_used=customer_has_used)


async def _check_targets(session: AsyncSession, store_id: uuid.UUID, data: DiscountFields) -> None:
    from metco.catalog.repository import CategoryRepository, ProductRepository

    if data.category_ids and set(data.category_ids) - await CategoryRepository(session, store_id).ids_in_store(
            data.category_ids):
        raise InvalidInput("category_ids", "names a category that is not in this store")
    products = ProductRepository(session, store_id)
    for product_id in data.product_ids:
        if await products.get(product_id) is None:
            raise InvalidInput("product_ids", "names a product that is not in this store")


def _apply(discount: Discount, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field in ("product_ids", "category_ids"):
            value = [str(v) for v in value or []]
        setattr(discount, field, value)
    discount.code_key = discount.code.upper() if discount.code else None


async def _flush(session: AsyncSession, code: str | None) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"The code '{code}' is already used in this store.", field="code") from exc


async def create_discount(session: AsyncSession, scope: StoreScope, *, data: DiscountCreate) -> Discount:
    await _check_targets(session, scope.store_id, data)
    discount = DiscountRepository(session, scope.store_id).add(Discount())
    _apply(discount, data.model_dump())
    await _flush(session, data.code)
    return discount


async def update_discount(session: AsyncSession, scope: StoreScope, discount_id: uuid.UUID, *,
                          data: DiscountUpdate) -> Discount:
    discount = await DiscountRepository(session, scope.store_id).get_or_404(discount_id)
    changes = data.model_dump(exclude_unset=True)
    current = {f: getattr(discount, f) for f in DiscountFields.model_fields}
    try:
        merged = check_discount(DiscountFields(**(current | changes)))
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise InvalidInput(field if message else "body", message or str(exc)) from exc
    await _check_targets(session, scope.store_id, merged)
    _apply(discount, changes)
    await _flush(session, discount.code)
    return discount


async def get_discount(session: AsyncSession, scope: StoreScope, discount_id: uuid.UUID) -> Discount:
    return await DiscountRepository(session, scope.store_id).get_or_404(discount_id)


async def list_discounts(session: AsyncSession, scope: StoreScope, *, code: str | None, limit: int,
                         cursor: str | None) -> tuple[list[Discount], str | None]:
    stmt = DiscountRepository(session, scope.store_id).select()
    if code:
        stmt = stmt.where(Discount.code_key == code.upper())
    return await paginate(session, stmt, key=Discount.id, limit=limit, cursor=cursor, descending=True)


async def delete_discount(session: AsyncSession, scope: StoreScope, discount_id: uuid.UUID) -> None:
    await session.delete(await DiscountRepository(session, scope.store_id).get_or_404(discount_id))
    await session.flush()


def is_active(discount: Discount, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return ((discount.starts_at is None or discount.starts_at <= now) and (discount.ends_at is None or now < discount.ends_at)
            and (discount.usage_limit is None or discount.times_used < discount.usage_limit))


# ---- checkout ----

async def for_cart(session: AsyncSession, *, store_id: uuid.UUID, codes: list[str],
                   customer_key: str | None) -> tuple[list[Discount], list[str]]:
    """The entered codes' discounts and the automatic ones; also the entered codes that name nothing."""
    repo = DiscountRepository(session, store_id)
    found, unknown = [], []
    for code in codes:
        discount = await repo.by_code(code)
        (found.append(discount) if discount else unknown.append(code))
    return found + await repo.automatic(), unknown


async def used_by(session: AsyncSession, *, store_id: uuid.UUID, discount_ids: list[uuid.UUID],
                  customer_key: str | None) -> set[uuid.UUID]:
    if not customer_key or not discount_ids:
        return set()
    stmt = select(DiscountRedemption.discount_id).where(
        DiscountRedemption.store_id == store_id, DiscountRedemption.discount_id.in_(discount_ids),
        DiscountRedemption.customer_key == customer_key.lower(), DiscountRedemption.status != "released")
    return set(await session.scalars(stmt))


async def redeem(session: AsyncSession, *, store_id: uuid.UUID, discount_id: uuid.UUID, reference: str,
                 customer_key: str, amount: int) -> None:
    """Takes one use: an atomic conditional increment, so a limit of 10 is never an 11th."""
    discount = await DiscountRepository(session, store_id).get_or_404(discount_id)
    if discount.once_per_customer and discount_id in await used_by(
            session, store_id=store_id, discount_ids=[discount_id], customer_key=customer_key):
        raise DiscountNotUsable("This code was already used by this customer.")
    result = await session.execute(
        update(Discount)
        .where(Discount.id == discount_id, Discount.store_id == store_id,
               (Discount.usage_limit.is_(None)) | (Discount.times_used < Discount.usage_limit))
        .values(times_used=Discount.times_used + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DiscountNotUsable("This code has been used as many times as it may be.")
    session.add(DiscountRedemption(store_id=store_id, discount_id=discount_id, reference=reference,
                                   customer_key=customer_key.lower(), amount=amount))
    await session.flush()


async def confirm_redemptions(session: AsyncSession, *, store_id: uuid.UUID, reference: str,
                              order_reference: str) -> None:
    await session.execute(
        update(DiscountRedemption)
        .where(DiscountRedemption.store_id == store_id, DiscountRedemption.reference == reference,
               DiscountRedemption.status == "held")
        .values(status="redeemed", order_reference=order_reference).execution_options(synchronize_session=False))


async def release_redemptions(session: AsyncSession, *, store_id: uuid.UUID, reference: str) -> None:
    held = list(await session.scalars(select(DiscountRedemption).where(
        DiscountRedemption.store_id == store_id, DiscountRedemption.reference == reference,
        DiscountRedemption.status != "released").order_by(DiscountRedemption.discount_id).with_for_update()))
    for redemption in held:
        redemption.status = "released"
        await session.execute(update(Discount).where(Discount.id == redemption.discount_id, Discount.times_used > 0)
                              .values(times_used=Discount.times_used - 1).execution_options(synchronize_session=False))
    await session.flush()


async def usage_count(session: AsyncSession, discount_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(DiscountRedemption.discount_id == discount_id,
                                      DiscountRedemption.status != "released")
    return int((await session.execute(stmt)).scalar_one())


__all__ = ["as_rule", "for_cart", "lookup"]
