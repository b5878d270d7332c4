import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

Kind = Literal["percentage", "fixed_amount", "free_shipping", "buy_x_get_y"]


class DiscountFields(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    kind: Kind
    value: int = Field(0, ge=0, le=10_000_000_000)
    min_quantity: int | None = Field(None, ge=1, le=100_000)
    min_subtotal: int | None = Field(None, ge=0)
    product_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    category_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    buy_quantity: int | None = Field(None, ge=1, le=1000)
    get_quantity: int | None = Field(None, ge=1, le=1000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = Field(None, ge=1)
    once_per_customer: bool = False
    combines: bool = False

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a time zone, e.g. 2026-12-01T00:00:00Z")
        return value


def check_discount(d: DiscountFields) -> DiscountFields:
    """Rules across fields; raise ValueError naming the field first."""
    if d.kind == "percentage" and not 1 <= d.value <= 100:
        raise ValueError("value: a percentage is 1 to 100")
    if d.kind == "fixed_amount" and d.value < 1:
        raise ValueError("value: a fixed amount is at least 1 minor unit")
    if d.kind == "buy_x_get_y" and (d.buy_quantity is None or d.get_quantity is None):
        raise ValueError("buy_quantity: buy_x_get_y needs buy_quantity and get_quantity")
    if d.starts_at and d.ends_at and d.starts_at >= d.ends_at:
        raise ValueError("ends_at: must be after starts_at")
    return d


class DiscountCreate(DiscountFields):
    @model_validator(mode="after")
    def _rules(self) -> "DiscountCreate":
        check_discount(self)
        return self


class DiscountUpdate(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    value: int | None = Field(None, ge=0, le=10_000_000_000)
    min_quantity: int | None = Field(None, ge=1)
    min_subtotal: int | None = Field(None, ge=0)
    product_ids: list[uuid.UUID] | None = None
    category_ids: list[uuid.UUID] | None = None
    buy_quantity: int | None = Field(None, ge=1)
    get_quantity: int | None = Field(None, ge=1)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = Field(None, ge=1)
    once_per_customer: bool | None = None
    combines: bool | None = None


class DiscountRead(DiscountFields):
    id: uuid.UUID
    times_used: int
    remaining: int | None
    active: bool
    created_at: datetime
