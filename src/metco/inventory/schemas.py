import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class LocationUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=1000)


class LocationCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(None, max_length=1000)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class LocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    is_default: bool
    address: str | None
    created_at: datetime


class LevelRead(BaseModel):
    variant_id: uuid.UUID
    location_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime


class OnHandSet(BaseModel):
    on_hand: int = Field(ge=0, le=10_000_000)
    location_id: uuid.UUID | None = None


class Adjustment(BaseModel):
    delta: int = Field(ge=-10_000_000, le=10_000_000)
    reason: Literal["adjustment", "restock", "return", "cancellation"] = "adjustment"
    location_id: uuid.UUID | None = None
    note: str | None = Field(None, max_length=500)

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be zero")
        return value


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    variant_id: uuid.UUID
    location_id: uuid.UUID
    delta_on_hand: int
    delta_reserved: int
    reason: str
    reference: str | None
    note: str | None
    actor_id: uuid.UUID | None
    created_at: datetime
