import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metco.fulfillment.schemas import FulfillmentRead, fulfillment_read
from metco.orders.service import OrderView


class TotalsRead(BaseModel):
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int
    currency: str


class OrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    variant_id: uuid.UUID | None
    product_id: uuid.UUID | None
    title: str
    variant_title: str | None
    sku: str | None
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    tax: int
    total: int
    refunded_quantity: int
    fulfilled_quantity: int


class OrderDiscountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    discount_id: uuid.UUID | None
    code: str | None
    title: str
    kind: str
    amount: int


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    provider: str
    provider_reference: str | None = Field(description="The provider's own id, e.g. a Stripe PaymentIntent.")
    status: str
    amount: int
    captured_amount: int
    refunded_amount: int
    currency: str
    failure_code: str | None
    failure_message: str | None
    created_at: datetime


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    payment_id: uuid.UUID
    provider_reference: str | None
    amount: int
    reason: str | None
    status: str
    restock: bool
    lines: list[dict[str, Any]]
    created_at: datetime


class OrderEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: str
    message: str
    data: dict[str, Any]
    actor_id: uuid.UUID | None
    created_at: datetime


class OrderSummary(BaseModel):
    id: uuid.UUID
    number: int
    name: str
    status: str
    payment_status: str
    fulfillment_status: str
    email: str
    customer_id: uuid.UUID | None
    totals: TotalsRead
    placed_at: datetime


class OrderRead(OrderSummary):
    lines: list[OrderLineRead]
    discounts: list[OrderDiscountRead]
    shipping_address: dict[str, Any] | None
    shipping_method: dict[str, Any] | None
    payment_provider: str
    payments: list[PaymentRead]
    refunds: list[RefundRead]
    fulfillments: list[FulfillmentRead]
    timeline: list[OrderEventRead]
    cancelled_at: datetime | None
    cancel_reason: str | None
    expires_at: datetime | None


class PlacedOrderRead(OrderRead):
    """The answer to checkout: the order plus its access token (shown once) and any next step to pay."""

    access_token: str | None = None
    next_action: dict[str, Any] | None = None


class RefundLine(BaseModel):
    line_id: uuid.UUID
    quantity: int = Field(ge=1, le=100_000)


class RefundRequest(BaseModel):
    """Refund an amount, or lines (their share of what was paid), or lines with an amount of your choosing."""

    amount: int | None = Field(None, ge=1)
    lines: list[RefundLine] = Field(default_factory=list, max_length=500)
    restock: bool = False
    reason: str | None = Field(None, max_length=500)


class CaptureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(None, ge=1, le=10**12, description="Less than authorized releases the rest.")


class CancelRequest(BaseModel):
    reason: str | None = Field(None, max_length=500)
    restock: bool = True


OrderStatus = Literal["pending", "confirmed", "shipped", "delivered", "cancelled"]
PaymentStatus = Literal["pending", "authorized", "paid", "partially_refunded", "refunded", "failed", "voided"]
FulfillmentStatus = Literal["unfulfilled", "partially_fulfilled", "fulfilled"]


def summary(order: Any) -> OrderSummary:
    return OrderSummary(
        id=order.id, number=order.number, name=f"#{order.number}", status=order.status,
        payment_status=order.payment_status, fulfillment_status=order.fulfillment_status, email=order.email,
        customer_id=order.customer_id, placed_at=order.placed_at,
        totals=TotalsRead(subtotal=order.subtotal, discount_total=order.discount_total,
                          shipping_total=order.shipping_total, tax_total=order.tax_total, total=order.total,
                          currency=order.currency),
    )


def detail(view: OrderView, *, cls: type[OrderRead] = OrderRead, **extra: Any) -> Any:
    order = view.order
    return cls(
        **summary(order).model_dump(),
        lines=[OrderLineRead.model_validate(line) for line in view.lines],
        discounts=[OrderDiscountRead.model_validate(d) for d in view.discounts],
        shipping_address=order.shipping_address, shipping_method=order.shipping_method,
        payment_provider=order.payment_provider,
        payments=[PaymentRead.model_validate(p) for p in view.payments],
        refunds=[RefundRead.model_validate(r) for r in view.refunds],
        fulfillments=[fulfillment_read(f) for f in view.fulfillments],
        timeline=[OrderEventRead.model_validate(e) for e in view.events],
        cancelled_at=order.cancelled_at, cancel_reason=order.cancel_reason, expires_at=order.expires_at,
        **extra,
    )
