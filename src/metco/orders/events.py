import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class OrderPlaced(Event):
    topic: ClassVar[str] = "orders.order_placed"

    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    total: int
    currency: str
    status: str
    payment_status: str


@dataclass(frozen=True)
class OrderConfirmed(Event):
    topic: ClassVar[str] = "orders.order_confirmed"

    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str


@dataclass(frozen=True)
class OrderCancelled(Event):
    topic: ClassVar[str] = "orders.order_cancelled"

    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    reason: str | None


@dataclass(frozen=True)
class OrderRefunded(Event):
    topic: ClassVar[str] = "orders.order_refunded"

    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    refund_id: uuid.UUID
    amount: int
    currency: str


@dataclass(frozen=True)
class OrderPaymentFailed(Event):
    topic: ClassVar[str] = "orders.payment_failed"

    order_id: uuid.UUID
    store_id: uuid.UUID
    number: int
    email: str
    reason: str | None
