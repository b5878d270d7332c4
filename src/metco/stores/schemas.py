import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, field_validator

from metco.stores import locale
from metco.stores.roles import Role

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Words that name platform pages or are easily mistaken for them.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "s", "www", "app", "apps", "static", "media", "assets", "docs", "redoc", "auth", "login",
     "logout", "signup", "register", "account", "accounts", "me", "healthz", "readyz", "openapi", "metco",
     "dashboard", "help", "support", "status", "store", "stores", "shop", "shops", "checkout", "cart",
     "webhooks", "ws", "mail", "email", "billing", "pricing", "about", "legal", "terms", "privacy",
     "security", "blog", "root", "system", "null", "undefined", "new", "edit", "settings"}
)


def check_slug(value: str) -> str:
    if not SLUG_PATTERN.match(value):
        raise ValueError("use 1 to 63 lower-case letters, digits and inner hyphens")
    if value in RESERVED_SLUGS:
        raise ValueError(f"'{value}' is reserved; choose another")
    return value


def check_currency(value: str) -> str:
    value = value.strip().upper()
    if not locale.is_currency(value):
        raise ValueError("must be an ISO 4217 currency code such as USD or EUR")
    return value


def check_country(value: str) -> str:
    value = value.strip().upper()
    if not locale.is_country(value):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as US or DE")
    return value


def check_timezone(value: str) -> str:
    if not locale.is_timezone(value):
        raise ValueError("must be an IANA time zone such as Europe/Berlin")
    return value


def check_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


class StoreCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, max_length=63)
    currency: str = Field(min_length=3, max_length=3)
    country: str = Field(min_length=2, max_length=2)
    timezone: str = Field("UTC", max_length=64)
    email: EmailStr | None = None
    prices_include_tax: bool = False

    _name = field_validator("name")(check_name)
    _slug = field_validator("slug")(lambda v: None if v is None else check_slug(v))
    _currency = field_validator("currency")(check_currency)
    _country = field_validator("country")(check_country)
    _timezone = field_validator("timezone")(check_timezone)


class StoreUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, max_length=63)
    currency: str | None = Field(None, min_length=3, max_length=3)
    country: str | None = Field(None, min_length=2, max_length=2)
    timezone: str | None = Field(None, max_length=64)
    email: EmailStr | None = None
    prices_include_tax: bool | None = None
    logo_url: HttpUrl | None = Field(None, description="An https image shown on the storefront and in emails.")
    brand_color: str | None = Field(None, pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB, for headers.")
    accent_color: str | None = Field(None, pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB, for buttons and links.")
    return_window_days: int | None = Field(None, ge=0, le=365, description="Days after delivery a return may be asked.")

    _name = field_validator("name")(lambda v: None if v is None else check_name(v))
    _slug = field_validator("slug")(lambda v: None if v is None else check_slug(v))
    _currency = field_validator("currency")(lambda v: None if v is None else check_currency(v))
    _country = field_validator("country")(lambda v: None if v is None else check_country(v))
    _timezone = field_validator("timezone")(lambda v: None if v is None else check_timezone(v))


class StoreRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    currency: str
    country: str
    timezone: str
    email: str | None
    prices_include_tax: bool
    logo_url: str | None = None
    brand_color: str = "#1F4E79"
    accent_color: str = "#B4530F"
    return_window_days: int = 30
    created_at: datetime
    updated_at: datetime


class StaffRead(BaseModel):
    user_id: uuid.UUID
    email: str
    name: str
    role: str
    permissions: list[str]
    joined_at: datetime


class RoleUpdate(BaseModel):
    role: Role


class InvitationCreate(BaseModel):
    email: EmailStr = Field(max_length=320)
    role: Role


class InvitationRead(BaseModel):
    id: uuid.UUID
    store_id: uuid.UUID
    store_name: str
    store_slug: str
    email: str
    role: str
    status: Literal["pending", "accepted", "rejected", "expired"]
    expires_at: datetime
    created_at: datetime
