import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class LowStock(Event):
    topic: ClassVar[str] = "inventory.low_stock"

    store_id: uuid.UUID
    variant_id: uuid.UUID
    available: int
    threshold: int
