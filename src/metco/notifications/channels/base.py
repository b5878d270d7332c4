"""The channel port: a rendered message in, the provider's message id out, or DeliveryFailed."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: uuid.UUID
    channel: str  # email | sms | push
    recipient: str  # an email address, an E.164 phone number, or a push subscription's endpoint
    text: str  # the plain-text body (the whole message for SMS and push)
    subject: str | None = None  # email subject, push title
    html: str | None = None  # email only
    sender_name: str = "Metco"
    headers: Mapping[str, str] = field(default_factory=dict)  # email only: Message-ID, List-Unsubscribe …
    data: Mapping[str, Any] = field(default_factory=dict)  # push: url, and the subscription's keys p256dh, auth


class DeliveryFailed(Exception):
    """The channel did not take the message. `permanent` failures (a number that does not exist, a push
    subscription that is gone) are not retried; the others are, with backoff."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    async def send(self, message: OutgoingMessage) -> str | None:
        """Delivers the message; returns the provider's id for it when there is one."""
        ...
