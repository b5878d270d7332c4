"""Carts: lines, codes, address and shipping choice. Prices are never stored; pricing.py computes them."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import lookup
from metco.checkout.errors import CartClosed, CartNotFound, VariantNotForSale
from metco.checkout.models import Cart, CartLine
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.errors import Conflict, NotFound
from metco.kit.repository import StoreRepository

MAX_QUANTITY = 999
CART_LIFETIME = timedelta(days=30)


class NotEnoughStock(Conflict):
    code = "OUT_OF_STOCK"
    title = "Not enough stock"


class CartRepository(StoreRepository[Cart]):
    model = Cart
    not_found = "No such cart."

    async def lines(self, cart_id: uuid.UUID) -> list[CartLine]:
        stmt = select(CartLine).where(CartLine.store_id == self.store_id, CartLine.cart_id == cart_id)
        return list((await self.session.scalars(stmt.order_by(CartLine.id))).all())

    async def active_of_user(self, user_id: uuid.UUID) -> list[Cart]:
        stmt = self.select().where(Cart.user_id == user_id, Cart.status == "active").order_by(Cart.id)
        return list((await self.session.scalars(stmt)).all())


async def create(session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID | None) -> Cart:
    repo = CartRepository(session, store_id)
    if user_id is not None:
        existing = await repo.active_of_user(user_id)
        if existing:
            return existing[-1]
    cart = repo.add(Cart(user_id=user_id))
    await session.flush()
    return cart


async def load(session: AsyncSession, *, store_id: uuid.UUID, cart_id: uuid.UUID, user_id: uuid.UUID | None) -> Cart:
    """The cart, if the caller may use it: a guest cart is anyone's who holds its id; a signed-in shopper's
    cart is theirs alone. A signed-in shopper who uses a guest cart claims it, and their older cart merges in."""
    repo = CartRepository(session, store_id)
    cart = await repo.get(cart_id)
    if cart is None or cart.status == "merged" or (cart.user_id is not None and cart.user_id != user_id):
        raise CartNotFound("No such cart.")
    if user_id is not None and cart.user_id is None and cart.status == "active":
        await _claim(session, repo, cart, user_id)
    return cart


async def _claim(session: AsyncSession, repo: CartRepository, cart: Cart, user_id: uuid.UUID) -> None:
    lines = {line.variant_id: line for line in await repo.lines(cart.id)}
    for older in await repo.active_of_user(user_id):
        for line in await repo.lines(older.id):
            if line.variant_id in lines:
                lines[line.variant_id].quantity = min(MAX_QUANTITY, lines[line.variant_id].quantity + line.quantity)
                await session.delete(line)
            else:
                line.cart_id = cart.id
                lines[line.variant_id] = line
        older.status = "merged"
    cart.user_id = user_id
    await session.flush()


def _open(cart: Cart) -> None:
    if cart.status != "active":
        raise CartClosed("This cart was already checked out; start a new one.", order_id=str(cart.order_id))
    cart.last_activity_at = utcnow()


async def _check_stock(session: AsyncSession, cart: Cart, variant_id: uuid.UUID, quantity: int) -> None:
    available = (await inventory_service.available_quantities(
        session, store_id=cart.store_id, variant_ids=[variant_id])).get(variant_id, 0)
    if quantity > available:
        raise NotEnoughStock(f"Only {available} of this item are available.", variant_id=str(variant_id),
                             available=available, requested=quantity)


async def add_line(session: AsyncSession, cart: Cart, *, variant_id: uuid.UUID, quantity: int) -> CartLine:
    _open(cart)
    variant = (await lookup.variants_for_sale(session, store_id=cart.store_id, variant_ids=[variant_id])).get(variant_id)
    if variant is None:
        raise VariantNotForSale("is not a product variant of this store")
    if not variant.for_sale:
        raise VariantNotForSale()
    repo = CartRepository(session, cart.store_id)
    line = next((ln for ln in await repo.lines(cart.id) if ln.variant_id == variant_id), None)
    wanted = quantity + (line.quantity if line else 0)
    if wanted > MAX_QUANTITY:
        raise Conflict(f"A cart holds at most {MAX_QUANTITY} of one item.", variant_id=str(variant_id))
    await _check_stock(session, cart, variant_id, wanted)
    title = f"{variant.product_title} — {variant.variant_title}" if variant.variant_title != "Default" \
        else variant.product_title
    if line is None:
        line = CartLine(store_id=cart.store_id, cart_id=cart.id, variant_id=variant_id, title=title, quantity=wanted)
        session.add(line)
    else:
        line.quantity = wanted
    await session.flush()
    return line


async def _line(session: AsyncSession, cart: Cart, line_id: uuid.UUID) -> CartLine:
    line = next((ln for ln in await CartRepository(session, cart.store_id).lines(cart.id) if ln.id == line_id), None)
    if line is None:
        raise NotFound("No such line in this cart.")
    return line


async def update_line(session: AsyncSession, cart: Cart, *, line_id: uuid.UUID, quantity: int) -> None:
    _open(cart)
    line = await _line(session, cart, line_id)
    if line.variant_id is None:
        raise VariantNotForSale("is no longer sold; remove the line")
    await _check_stock(session, cart, line.variant_id, quantity)
    line.quantity = quantity
    await session.flush()


async def remove_line(session: AsyncSession, cart: Cart, *, line_id: uuid.UUID) -> None:
    _open(cart)
    await session.delete(await _line(session, cart, line_id))
    await session.flush()


async def set_codes(session: AsyncSession, cart: Cart, codes: list[str]) -> None:
    _open(cart)
    cart.discount_codes = codes
    await session.flush()


async def set_shipping_address(session: AsyncSession, cart: Cart, address: dict[str, Any]) -> None:
    _open(cart)
    if (cart.shipping_address or {}).get("country") != address.get("country"):
        cart.shipping_rate_id = None  # rates depend on the country
    cart.shipping_address = address
    await session.flush()


async def set_shipping_rate(session: AsyncSession, cart: Cart, rate_id: uuid.UUID | None) -> None:
    _open(cart)
    cart.shipping_rate_id = rate_id
    await session.flush()


async def add_notices(session: AsyncSession, cart: Cart, notices: list[dict[str, str]]) -> None:
    cart.notices = [*cart.notices, *notices][-10:]
    await session.flush()


async def drop_lines(session: AsyncSession, cart: Cart, line_ids: list[uuid.UUID]) -> None:
    if line_ids:
        await session.execute(delete(CartLine).where(CartLine.store_id == cart.store_id, CartLine.id.in_(line_ids)))
        await session.flush()


async def complete(session: AsyncSession, cart: Cart, *, order_id: uuid.UUID, email: str) -> None:
    cart.status = "completed"
    cart.order_id = order_id
    cart.email = email
    await session.flush()


async def delete_stale(session: AsyncSession, *, now: datetime) -> int:
    """Active carts untouched for 30 days are dropped (a scheduled job, across stores)."""
    result = await session.execute(
        delete(Cart).where(Cart.status.in_(("active", "merged")), Cart.last_activity_at < now - CART_LIFETIME))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
