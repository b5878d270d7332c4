"""The payment provider port: what checkout, refunds and webhooks need from any provider. Frozen dataclasses
in and out, never vendor objects; adapters live in payments/providers/, one small file per vendor.

Every call gets the store's `ProviderConfig` (its settings and decrypted secrets), so one adapter serves
every store."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from metco.kit.integrations import IntegrationConfig
from metco.kit.integrations import SettingField as SettingField

PaymentOutcome = Literal["paid", "authorized", "pending", "declined"]
# What a provider's callback means for the payment it names, whatever the vendor calls it.
EventKind = Literal["paid", "authorized", "failed", "expired", "approved", "ignored"]


ProviderConfig = IntegrationConfig


@dataclass(frozen=True)
class PaymentRequest:
    store_id: uuid.UUID
    reference: str  # ours, e.g. the checkout attempt; also the provider-side idempotency key
    amount: int
    currency: str
    token: str | None  # a provider-side token or payment method id, never a card number
    customer_email: str
    return_url: str
    capture: bool = True
    description: str = ""


@dataclass(frozen=True)
class PaymentResult:
    outcome: PaymentOutcome
    provider_reference: str | None = None
    next_action: dict[str, Any] | None = None
    decline_code: str | None = None
    decline_message: str | None = None
    captured_amount: int | None = None  # when it differs from the requested amount


@dataclass(frozen=True)
class RefundRequest:
    store_id: uuid.UUID
    provider_reference: str | None
    amount: int
    currency: str
    reference: str  # our refund id, also the provider-side idempotency key
    reason: str | None = None


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    provider_reference: str | None = None
    failure_message: str | None = None


@dataclass(frozen=True)
class WebhookEvent:
    """One verified callback. `event_id` makes replays harmless; `reference` names our payment."""

    event_id: str
    type: str  # the vendor's own name for it, kept for the record
    kind: EventKind
    reference: str | None
    message: str | None = None


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    title: str
    finishes_later: bool = False  # manual methods: the order is confirmed while the money is still to come
    enabled_by_default: bool = False
    fields: tuple[SettingField, ...] = field(default_factory=tuple)
    webhook_header: str | None = None  # the header its callbacks are signed in


class PaymentProvider(Protocol):
    info: ProviderInfo

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult: ...

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult: ...

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None: ...

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult: ...

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        """Where the payment stands now, finishing it where the provider needs us to (PayPal's capture
        after approval). Called when the shopper comes back from a redirect, so a late webhook costs nothing."""
        ...

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        """Verifies the callback (raises BadSignature) and says what it means; unknown types are 'ignored'."""
        ...
