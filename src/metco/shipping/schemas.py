import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metco.stores.schemas import check_country


class CarrierRate(BaseModel):
    """Price this rate live from a connected carrier; the rate's own `price` is the fallback when the carrier
    does not answer in time (METCO_CARRIER_RATES_TIMEOUT_SECONDS) or has no such service."""

    model_config = ConfigDict(extra="forbid")

    integration: str = Field(min_length=1, max_length=30, description="easypost or shiprocket")
    service: str | None = Field(None, max_length=100, description="A service of the carrier; the cheapest if absent.")
    markup: int = Field(0, ge=0, le=10_000_000, description="Added to the carrier's price, in minor units.")


class RateIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    price: int = Field(ge=0, le=100_000_000)
    carrier: CarrierRate | None = None
    min_subtotal: int | None = Field(None, ge=0)
    max_subtotal: int | None = Field(None, ge=0)
    min_weight_grams: int | None = Field(None, ge=0)
    max_weight_grams: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _ranges(self) -> "RateIn":
        if self.min_subtotal is not None and self.max_subtotal is not None and self.min_subtotal > self.max_subtotal:
            raise ValueError("min_subtotal must not be above max_subtotal")
        if (self.min_weight_grams is not None and self.max_weight_grams is not None
                and self.min_weight_grams > self.max_weight_grams):
            raise ValueError("min_weight_grams must not be above max_weight_grams")
        return self


class ZoneCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    countries: list[str] = Field(min_length=1, max_length=250)
    rates: list[RateIn] = Field(min_length=1, max_length=50)

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        checked = [check_country(v) for v in values]
        if len(set(checked)) != len(checked):
            raise ValueError("a country is listed twice")
        return checked


class ZoneUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    countries: list[str] | None = Field(None, min_length=1, max_length=250)
    rates: list[RateIn] | None = Field(None, min_length=1, max_length=50)

    _countries = field_validator("countries")(lambda v: None if v is None else ZoneCreate._countries(v))


class RateRead(RateIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID

    @model_validator(mode="before")
    @classmethod
    def _carrier_from_extra(cls, value: Any) -> Any:
        extra = getattr(value, "extra", None)
        if isinstance(extra, dict) and extra.get("carrier"):
            return {c: getattr(value, c) for c in ("id", "name", "price", "min_subtotal", "max_subtotal",
                                                   "min_weight_grams", "max_weight_grams")} | {"carrier": extra["carrier"]}
        return value


class ZoneRead(BaseModel):
    id: uuid.UUID
    name: str
    countries: list[str]
    rates: list[RateRead]
