import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

Status = Literal["queued", "sent", "failed"]
ChannelName = Literal["email", "sms", "push"]


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event: str
    channel: str
    recipient: str
    audience: str
    subject: str | None
    status: str
    transactional: bool
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


class TemplateRead(BaseModel):
    event: str
    channel: str
    subject: str | None
    body: str
    is_default: bool
    transactional: bool = Field(description="Sent by email whatever the customer's email preference.")
    variables: list[str] = Field(description="The values the template can use, e.g. order.total.")


class TemplateWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(None, max_length=300)
    body: str = Field(min_length=1, max_length=50_000)


class PushKeys(BaseModel):
    model_config = ConfigDict(extra="forbid")

    p256dh: str = Field(min_length=40, max_length=200, pattern=r"^[A-Za-z0-9_-]+=*$")
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")


class PushSubscriptionWrite(BaseModel):
    """A browser's PushSubscription.toJSON()."""

    model_config = ConfigDict(extra="ignore")

    endpoint: HttpUrl
    keys: PushKeys


class PushSubscriptionRead(BaseModel):
    id: uuid.UUID
    endpoint: str
    created_at: datetime
