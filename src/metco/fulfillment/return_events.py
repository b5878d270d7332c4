"""What happens to a return, as outbox events: enough for a notification (the order's number and the
customer's email) without reading the return back."""

import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class ReturnRequested(Event):
    topic: ClassVar[str] = "returns.requested"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    quantity: int  # units asked back
    reason: str


@dataclass(frozen=True)
class ReturnApproved(Event):
    topic: ClassVar[str] = "returns.approved"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    label_url: str | None
    carrier: str | None
    tracking_number: str | None
    note: str | None


@dataclass(frozen=True)
class ReturnRejected(Event):
    topic: ClassVar[str] = "returns.rejected"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    note: str


@dataclass(frozen=True)
class ReturnReceived(Event):
    topic: ClassVar[str] = "returns.received"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    restocked: bool
    refund_id: uuid.UUID | None
    refund_amount: int | None
    currency: str
