import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FulfillmentState = Literal["pending", "picked", "packed", "shipped", "in_transit", "delivered", "failed", "returned"]


class FulfillmentLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    order_line_id: uuid.UUID
    quantity: int


class TrackingEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str | None
    message: str
    source: str
    occurred_at: datetime


class FulfillmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_id: uuid.UUID
    status: str
    carrier: str
    integration: str
    service: str | None
    tracking_number: str | None
    tracking_url: str | None
    label_url: str | None
    location_id: uuid.UUID | None
    notify_customer: bool
    shipped_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    lines: list[FulfillmentLineRead] = Field(default_factory=list)
    tracking: list[TrackingEventRead] = Field(default_factory=list)


class FulfillmentLineWrite(BaseModel):
    line_id: uuid.UUID
    quantity: int = Field(ge=1, le=100_000)


class FulfillmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[FulfillmentLineWrite] | None = Field(None, max_length=500,
                                                     description="Absent: everything not yet fulfilled.")
    carrier: str | None = Field(None, min_length=1, max_length=50, description="UPS, DHL …; the integration's "
                                                                                "chosen carrier when absent.")
    tracking_number: str | None = Field(None, min_length=1, max_length=100)
    notify_customer: bool = True
    location_id: uuid.UUID | None = None
    integration: str = Field("manual", max_length=30, description="manual, easypost or shiprocket (buys a label)")
    service: str | None = Field(None, max_length=100, description="A rate's service from the integration.")
    status: FulfillmentState = Field("pending", description="Where it starts; `shipped` when it already left.")


class FulfillmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FulfillmentState | None = None
    carrier: str | None = Field(None, min_length=1, max_length=50)
    tracking_number: str | None = Field(None, min_length=1, max_length=100)
    message: str | None = Field(None, max_length=500)


def fulfillment_read(found: Any) -> FulfillmentRead:
    """A fulfillment.service.FulfillmentView, as the API shows it."""
    read = FulfillmentRead.model_validate(found.fulfillment)
    return read.model_copy(update={"lines": [FulfillmentLineRead.model_validate(x) for x in found.lines],
                                   "tracking": [TrackingEventRead.model_validate(x) for x in found.tracking]})
