import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from metco.stores.schemas import check_country


class Address(BaseModel):
    """A postal address as the contract names it."""

    name: str = Field(min_length=1, max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    region: str | None = Field(None, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(min_length=2, max_length=2)
    phone: str | None = Field(None, max_length=32)

    _country = field_validator("country")(check_country)

    @field_validator("name", "line1", "city", "postal_code")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class AddressRead(Address):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    is_default: bool


class AddressCreate(Address):
    is_default: bool = False


class CustomerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    name: str | None
    phone: str | None
    registered: bool
    accepts_marketing: bool
    created_at: datetime


class CustomerDetail(CustomerRead):
    addresses: list[AddressRead]
    orders_count: int
    total_spent: int
    currency: str


class Preferences(BaseModel):
    email: bool = True
    sms: bool = False
    push: bool = False
    marketing: bool = False


class GuestDetails(BaseModel):
    email: EmailStr
    name: str | None = None
