import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class CustomerWrote(Event):
    """A customer wrote while nobody from the store was online: the staff hear of it by email."""

    topic: ClassVar[str] = "support.customer_wrote"

    store_id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID


@dataclass(frozen=True)
class StaffReplied(Event):
    """Staff answered while the customer was not connected: the customer gets the reply by email."""

    topic: ClassVar[str] = "support.staff_replied"

    store_id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
