import uuid
from decimal import Decimal

from pydantic import BaseModel, Field, field_validator

from metco.stores.schemas import check_country


class TaxRateIn(BaseModel):
    country: str = Field(min_length=2, max_length=2)
    region: str | None = Field(None, min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=100)
    rate: Decimal = Field(ge=0, le=100, max_digits=8, decimal_places=4,
                          description='A percentage as decimal text, e.g. "8.875".')
    applies_to_shipping: bool = False

    _country = field_validator("country")(check_country)


class TaxRateUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    rate: Decimal | None = Field(None, ge=0, le=100, max_digits=8, decimal_places=4)
    applies_to_shipping: bool | None = None


class TaxRateRead(BaseModel):
    id: uuid.UUID
    country: str
    region: str | None
    name: str
    rate: str
    applies_to_shipping: bool
