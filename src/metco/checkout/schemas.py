import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from metco.customers.schemas import Address
from metco.orders.schemas import TotalsRead


class LineAdd(BaseModel):
    variant_id: uuid.UUID
    quantity: int = Field(1, ge=1, le=999)


class LineUpdate(BaseModel):
    quantity: int = Field(ge=1, le=999)


class CodeAdd(BaseModel):
    code: str = Field(min_length=1, max_length=100)

    @field_validator("code")
    @classmethod
    def _normalize(cls, value: str) -> str:
        value = value.strip().upper()
        if not value:
            raise ValueError("must not be blank")
        return value


class RateChoice(BaseModel):
    rate_id: uuid.UUID


class PaymentChoice(BaseModel):
    """A provider and, for card providers, a token made by the provider's own page: never a card number."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(min_length=1, max_length=30)
    token: str | None = Field(None, max_length=255)


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=32)
    accepts_marketing: bool | None = None
    payment: PaymentChoice


class CartLineRead(BaseModel):
    id: uuid.UUID
    variant_id: uuid.UUID | None
    product_id: uuid.UUID | None
    product_handle: str | None
    title: str
    variant_title: str | None
    sku: str | None
    quantity: int
    unit_price: int
    compare_at_price: int | None
    subtotal: int
    discount: int
    total: int
    available: bool


class CartDiscountRead(BaseModel):
    discount_id: uuid.UUID | None
    code: str | None
    title: str
    kind: str
    amount: int


class ShippingRateRead(BaseModel):
    id: uuid.UUID
    name: str
    price: int


class NoticeRead(BaseModel):
    code: str
    message: str


class CartRead(BaseModel):
    id: uuid.UUID
    status: str
    email: str | None
    currency: str
    lines: list[CartLineRead]
    discount_codes: list[str]
    discounts: list[CartDiscountRead]
    shipping_address: dict[str, Any] | None
    shipping_rate: ShippingRateRead | None
    totals: TotalsRead
    notices: list[NoticeRead]
    order_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ShippingAddress(Address):
    pass
