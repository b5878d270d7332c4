import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from metco.kit.outbox import Event


@dataclass(frozen=True)
class PasswordResetRequested(Event):
    topic: ClassVar[str] = "identity.password_reset_requested"

    user_id: uuid.UUID
    email: str
    name: str
    token: str  # the raw token: the email that carries it is sent from the outbox
    expires_at: datetime
