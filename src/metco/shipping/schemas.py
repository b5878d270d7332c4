import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metco.stores.schemas import check_country


class RateIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    price: int = Field(ge=0, le=100_000_000)
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


class ZoneRead(BaseModel):
    id: uuid.UUID
    name: str
    countries: list[str]
    rates: list[RateRead]
