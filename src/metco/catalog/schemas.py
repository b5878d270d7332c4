import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PRICE = 10_000_000_000  # 100 million in a two-decimal currency
Status = Literal["draft", "active", "archived"]


def _stripped(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


class CategoryCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    handle: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
    parent_id: uuid.UUID | None = None
    description: str | None = Field(None, max_length=5000)
    position: int = Field(0, ge=0, le=100_000)

    _name = field_validator("name")(_stripped)


class CategoryUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    handle: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
    parent_id: uuid.UUID | None = None
    description: str | None = Field(None, max_length=5000)
    position: int | None = Field(None, ge=0, le=100_000)


class CategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    handle: str
    parent_id: uuid.UUID | None
    description: str | None
    position: int
    created_at: datetime


class OptionIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    values: list[str] = Field(min_length=1, max_length=100)

    _name = field_validator("name")(_stripped)

    @field_validator("values")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        cleaned = [_stripped(v) for v in values]
        if len({v.lower() for v in cleaned}) != len(cleaned):
            raise ValueError("values must be distinct")
        if any(len(v) > 100 for v in cleaned):
            raise ValueError("a value is at most 100 characters")
        return cleaned


class VariantIn(BaseModel):
    sku: str | None = Field(None, min_length=1, max_length=100)
    option_values: dict[str, str] = Field(default_factory=dict)
    price: int = Field(ge=0, le=MAX_PRICE)
    compare_at_price: int | None = Field(None, ge=0, le=MAX_PRICE)
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    low_stock_threshold: int | None = Field(None, ge=0, le=1_000_000)


class VariantUpdate(BaseModel):
    sku: str | None = Field(None, min_length=1, max_length=100)
    option_values: dict[str, str] | None = None
    price: int | None = Field(None, ge=0, le=MAX_PRICE)
    compare_at_price: int | None = Field(None, ge=0, le=MAX_PRICE)
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    low_stock_threshold: int | None = Field(None, ge=0, le=1_000_000)


class ProductCreate(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    handle: str | None = Field(None, max_length=255, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
    description: str | None = Field(None, max_length=100_000)
    status: Status = "draft"
    vendor: str | None = Field(None, max_length=255)
    product_type: str | None = Field(None, max_length=255)
    tags: list[str] = Field(default_factory=list, max_length=250)
    category_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    options: list[OptionIn] = Field(default_factory=list, max_length=3)
    variants: list[VariantIn] = Field(min_length=1, max_length=100)

    _title = field_validator("title")(_stripped)


class ProductUpdate(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=255)
    handle: str | None = Field(None, max_length=255, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
    description: str | None = Field(None, max_length=100_000)
    status: Status | None = None
    vendor: str | None = Field(None, max_length=255)
    product_type: str | None = Field(None, max_length=255)
    tags: list[str] | None = Field(None, max_length=250)
    category_ids: list[uuid.UUID] | None = Field(None, max_length=100)


class VariantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    sku: str | None
    title: str
    option_values: dict[str, str]
    price: int
    compare_at_price: int | None
    weight_grams: int | None
    position: int
    low_stock_threshold: int | None


class ImageRead(BaseModel):
    id: uuid.UUID
    url: str
    width: int
    height: int
    alt: str | None
    thumbnail_url: str | None = None


class ProductRead(BaseModel):
    id: uuid.UUID
    title: str
    handle: str
    description: str | None
    status: str
    vendor: str | None
    product_type: str | None
    tags: list[str]
    category_ids: list[uuid.UUID]
    options: list[OptionIn]
    variants: list[VariantRead]
    images: list[ImageRead]
    created_at: datetime
    updated_at: datetime


class PublicVariant(BaseModel):
    id: uuid.UUID
    sku: str | None
    title: str
    option_values: dict[str, str]
    price: int
    compare_at_price: int | None
    available: bool


class PublicProduct(BaseModel):
    id: uuid.UUID
    title: str
    handle: str
    description_html: str
    vendor: str | None
    product_type: str | None
    tags: list[str]
    options: list[OptionIn]
    variants: list[PublicVariant]
    images: list[ImageRead]
    price_min: int
    price_max: int
    available: bool
    currency: str


class PublicStore(BaseModel):
    name: str
    slug: str
    currency: str
    country: str
    logo_url: str | None = None
    brand_color: str = "#1F4E79"
    accent_color: str = "#B4530F"


class ImportRowError(BaseModel):
    row: int
    message: str


class ImportReportRead(BaseModel):
    created: int
    updated: int
    errors: list[ImportRowError]
