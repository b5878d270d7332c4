"""The payment provider port: what checkout and refunds need from any provider. Frozen dataclasses in
and out, never vendor objects; adapters live in payments/providers/, one small file per vendor."""

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

PaymentOutcome = Literal["paid", "authorized", "pending", "declined"]


@dataclass(frozen=True)
class PaymentRequest:
    store_id: uuid.UUID
    reference: str  # ours, e.g. the checkout attempt; also the provider-side idempotency key
    amount: int
    currency: str
    token: str | None
    customer_email: str
    return_url: str
    capture: bool = True


@dataclass(frozen=True)
class PaymentResult:
    outcome: PaymentOutcome
    provider_reference: str | None = None
    next_action: dict[str, Any] | None = None
    decline_code: str | None = None
    decline_message: str | None = None


@dataclass(frozen=True)
class RefundRequest:
    store_id: uuid.UUID
    provider_reference: str | None
    amount: int
    currency: str
    reference: str  # our refund id, also the provider-side idempotency key


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    provider_reference: str | None = None
    failure_message: str | None = None


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    title: str
    finishes_later: bool = False  # redirects, crypto, manual methods
    settings_fields: tuple[str, ...] = field(default_factory=tuple)


class PaymentProvider(Protocol):
    info: ProviderInfo

    async def pay(self, request: PaymentRequest) -> PaymentResult: ...

    async def capture(self, *, provider_reference: str, amount: int, currency: str) -> PaymentResult: ...

    async def void(self, *, provider_reference: str) -> None: ...

    async def refund(self, request: RefundRequest) -> RefundResult: ...
