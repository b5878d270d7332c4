import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class StoreCreated(Event):
    topic: ClassVar[str] = "stores.store_created"

    store_id: uuid.UUID
    owner_id: uuid.UUID


@dataclass(frozen=True)
class StaffInvited(Event):
    topic: ClassVar[str] = "stores.staff_invited"

    invitation_id: uuid.UUID
    store_id: uuid.UUID
    store_name: str
    email: str
    role: str
    invited_by_name: str
    expires_at: datetime
