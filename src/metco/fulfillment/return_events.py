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


@dataclass(frozen=True)
class ReturnDecided(Event):
    topic: ClassVar[str] = "returns.decided"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    status: str  # approved | rejected


@dataclass(frozen=True)
class ReturnReceived(Event):
    topic: ClassVar[str] = "returns.received"

    return_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    refund_amount: int | None
