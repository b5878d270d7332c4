"""Prices a cart on every read, from the server's own facts: catalog prices, stock, the store's discounts,
shipping rates and tax rates. A price sent by a client is never read."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import lookup
from metco.checkout import carts
from metco.checkout.models import Cart, CartLine
from metco.checkout.schemas import CartDiscountRead, CartLineRead, CartRead, NoticeRead, ShippingRateRead
from metco.checkout.totals import compute_totals
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.orders.drafts import DraftDiscount, DraftLine, OrderDraft, Totals
from metco.orders.schemas import TotalsRead
from metco.promotions import rules
from metco.promotions import service as promotions_service
from metco.shipping import service as shipping_service
from metco.stores.models import Store
from metco.taxes import service as taxes_service


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    variant: lookup.SellableVariant
    available: bool
    subtotal: int
    discount: int
    tax: int
    total: int

    @property
    def variant_id(self) -> uuid.UUID:
        return self.variant.variant_id

    @property
    def quantity(self) -> int:
        return self.line.quantity


@dataclass(frozen=True)
class PricedDiscount:
    discount_id: uuid.UUID | None
    code: str | None
    title: str
    kind: str
    amount: int


@dataclass(frozen=True)
class Priced:
    lines: list[PricedLine]
    discounts: list[PricedDiscount]
    totals: Totals
    shipping_rate: shipping_service.Rate | None
    needs_shipping: bool
    notices: list[dict[str, str]] = field(default_factory=list)


async def _sellable(session: AsyncSession, store: Store, cart: Cart) -> tuple[list[tuple[CartLine, Any]], list[dict[str, str]]]:
    lines = await carts.CartRepository(session, store.id).lines(cart.id)
    variants = await lookup.variants_for_sale(session, store_id=store.id,
                                              variant_ids=[ln.variant_id for ln in lines if ln.variant_id])
    kept, dropped = [], []
    for line in lines:
        variant = variants.get(line.variant_id) if line.variant_id else None
        if variant is None or not variant.for_sale:
            dropped.append(line)
        else:
            kept.append((line, variant))
    notices = [{"code": "LINE_REMOVED", "message": f"{line.title} is no longer sold and was removed from your cart."}
               for line in dropped]
    if dropped and cart.status == "active":
        await carts.drop_lines(session, cart, [line.id for line in dropped])
        await carts.add_notices(session, cart, notices)
    return kept, notices


async def shipping_rates(session: AsyncSession, store: Store, cart: Cart) -> list[shipping_service.Rate]:
    if not cart.shipping_address:
        return []
    kept, _ = await _sellable(session, store, cart)
    subtotal = sum(v.price * line.quantity for line, v in kept)
    weight = sum((v.weight_grams or 0) * line.quantity for line, v in kept)
    return await shipping_service.rates_for(session, store_id=store.id, country=cart.shipping_address["country"],
                                            subtotal=subtotal, weight_grams=weight, address=cart.shipping_address)


async def _discounts(session: AsyncSession, store: Store, cart: Cart, rule_cart: rules.Cart,
                     codes: list[str]) -> list[rules.Application]:
    rows, _ = await promotions_service.for_cart(session, store_id=store.id, codes=codes, customer_key=cart.email)
    used = await promotions_service.used_by(session, store_id=store.id, discount_ids=[d.id for d in rows],
                                            customer_key=cart.email)
    return rules.choose([promotions_service.as_rule(d, customer_has_used=d.id in used) for d in rows], rule_cart)


async def price(session: AsyncSession, store: Store, cart: Cart) -> Priced:
    kept, notices = await _sellable(session, store, cart)
    available = await inventory_service.available_quantities(
        session, store_id=store.id, variant_ids=[v.variant_id for _, v in kept])
    rate = None
    if cart.shipping_rate_id is not None:
        rate = next((r for r in await shipping_rates(session, store, cart) if r.id == cart.shipping_rate_id), None)
    rule_cart = rules.Cart(
        lines=tuple(rules.Line(line.id, v.product_id, v.category_ids, v.price, line.quantity) for line, v in kept),
        shipping=rate.price if rate else 0, now=utcnow())
    applied = await _discounts(session, store, cart, rule_cart, cart.discount_codes) if kept else []
    per_line: dict[uuid.UUID, int] = {}
    for application in applied:
        for line_id, amount in application.per_line.items():
            per_line[line_id] = per_line.get(line_id, 0) + amount
    address = cart.shipping_address or {}
    tax = await taxes_service.applicable(session, store_id=store.id, country=address.get("country"),
                                         region=address.get("region"))
    totals = compute_totals(
        lines=[(line.id, v.price, line.quantity) for line, v in kept], line_discounts=per_line,
        shipping=rate.price if rate else 0, shipping_discount=sum(a.shipping for a in applied),
        rate_ppm=tax.rate_ppm, shipping_rate_ppm=tax.on_shipping_ppm, prices_include_tax=store.prices_include_tax)
    amounts = {a.line_id: a for a in totals.lines}
    lines = [PricedLine(line, v, available.get(v.variant_id, 0) >= line.quantity, amounts[line.id].subtotal,
                        amounts[line.id].discount, amounts[line.id].tax, amounts[line.id].total) for line, v in kept]
    discounts = [PricedDiscount(a.discount.id, a.discount.code, a.discount.title, a.discount.kind, a.amount)
                 for a in applied]
    return Priced(lines=lines, discounts=discounts, shipping_rate=rate, needs_shipping=bool(kept), notices=notices,
                  totals=Totals(subtotal=totals.subtotal, discount_total=totals.discount_total,
                                shipping_total=totals.shipping_total, tax_total=totals.tax_total, total=totals.total,
                                currency=store.currency))


async def why_code_does_not_apply(session: AsyncSession, store: Store, cart: Cart, code: str) -> tuple[str, str] | None:
    carts._open(cart)
    rows, unknown = await promotions_service.for_cart(session, store_id=store.id, codes=[code], customer_key=cart.email)
    if unknown:
        return "UNKNOWN_CODE", f"'{code}' is not a code of this store."
    discount = rows[0]
    kept, _ = await _sellable(session, store, cart)
    rate = None
    if cart.shipping_rate_id is not None:
        rate = next((r for r in await shipping_rates(session, store, cart) if r.id == cart.shipping_rate_id), None)
    rule_cart = rules.Cart(
        lines=tuple(rules.Line(line.id, v.product_id, v.category_ids, v.price, line.quantity) for line, v in kept),
        shipping=rate.price if rate else 0, now=utcnow())
    used = await promotions_service.used_by(session, store_id=store.id, discount_ids=[discount.id],
                                            customer_key=cart.email)
    if discount.kind == "free_shipping" and rate is None:
        reason = rules.why_not(promotions_service.as_rule(discount, customer_has_used=discount.id in used),
                               rules.Cart(rule_cart.lines, shipping=1, now=rule_cart.now))
    else:
        reason = rules.why_not(promotions_service.as_rule(discount, customer_has_used=discount.id in used), rule_cart)
    return (reason.code, reason.message) if reason else None


async def read(session: AsyncSession, store: Store, cart: Cart) -> CartRead:
    priced = await price(session, store, cart)
    totals = priced.totals
    return CartRead(
        id=cart.id, status=cart.status, email=cart.email, currency=store.currency,
        lines=[CartLineRead(
            id=p.line.id, variant_id=p.variant_id, product_id=p.variant.product_id,
            product_handle=p.variant.product_handle, title=p.variant.product_title,
            variant_title=None if p.variant.variant_title == "Default" else p.variant.variant_title,
            sku=p.variant.sku, quantity=p.quantity, unit_price=p.variant.price,
            compare_at_price=p.variant.compare_at_price, subtotal=p.subtotal, discount=p.discount,
            total=p.subtotal - p.discount, available=p.available) for p in priced.lines],
        discount_codes=cart.discount_codes,
        discounts=[CartDiscountRead(discount_id=d.discount_id, code=d.code, title=d.title, kind=d.kind,
                                    amount=d.amount) for d in priced.discounts],
        shipping_address=cart.shipping_address,
        shipping_rate=ShippingRateRead(id=priced.shipping_rate.id, name=priced.shipping_rate.name,
                                       price=priced.shipping_rate.price) if priced.shipping_rate else None,
        totals=TotalsRead(subtotal=totals.subtotal, discount_total=totals.discount_total,
                          shipping_total=totals.shipping_total, tax_total=totals.tax_total, total=totals.total,
                          currency=totals.currency),
        notices=[NoticeRead(**n) for n in cart.notices], order_id=cart.order_id,
        created_at=cart.created_at, updated_at=cart.updated_at)


def draft(priced: Priced, *, store: Store, cart: Cart, email: str, user_id: uuid.UUID | None,
          customer_id: uuid.UUID | None, provider: str, reference: str) -> OrderDraft:
    rate = priced.shipping_rate
    return OrderDraft(
        email=email, user_id=user_id, customer_id=customer_id, cart_id=cart.id,
        lines=[DraftLine(variant_id=p.variant_id, product_id=p.variant.product_id, title=p.variant.product_title,
                         variant_title=None if p.variant.variant_title == "Default" else p.variant.variant_title,
                         sku=p.variant.sku, unit_price=p.variant.price, quantity=p.quantity, subtotal=p.subtotal,
                         discount=p.discount, tax=p.tax, total=p.total, weight_grams=p.variant.weight_grams)
               for p in priced.lines],
        discounts=[DraftDiscount(d.discount_id, d.code, d.title, d.kind, d.amount) for d in priced.discounts],
        totals=priced.totals, prices_include_tax=store.prices_include_tax, shipping_address=cart.shipping_address,
        shipping_method={"rate_id": str(rate.id), "name": rate.name, "price": rate.price} if rate else None,
        payment_provider=provider, reservation_reference=reference)
