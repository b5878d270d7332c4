import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class FulfillmentShipped(Event):
    topic: ClassVar[str] = "fulfillment.shipped"

    fulfillment_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    notify_customer: bool


@dataclass(frozen=True)
class FulfillmentDelivered(Event):
    topic: ClassVar[str] = "fulfillment.delivered"

    fulfillment_id: uuid.UUID
    order_id: uuid.UUID
    store_id: uuid.UUID
    notify_customer: bool
