"""What checkout hands to orders: a fully priced snapshot, so an order never re-reads a price."""

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DraftLine:
    variant_id: uuid.UUID
    product_id: uuid.UUID
    title: str
    variant_title: str | None
    sku: str | None
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    tax: int
    total: int
    weight_grams: int | None = None


@dataclass(frozen=True)
class DraftDiscount:
    discount_id: uuid.UUID | None
    code: str | None
    title: str
    kind: str
    amount: int


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int
    currency: str


@dataclass(frozen=True)
class OrderDraft:
    email: str
    user_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    cart_id: uuid.UUID | None
    lines: list[DraftLine]
    discounts: list[DraftDiscount]
    totals: Totals
    prices_include_tax: bool
    shipping_address: dict[str, Any] | None
    shipping_method: dict[str, Any] | None
    payment_provider: str
    reservation_reference: str
    meta: dict[str, Any] = field(default_factory=dict)
