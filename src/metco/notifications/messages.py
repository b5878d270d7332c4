"""The outbox event that carries one notification to its channel."""

import uuid
from dataclasses import dataclass
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class DeliverNotification(Event):
    topic: ClassVar[str] = "notifications.deliver"

    notification_id: uuid.UUID
