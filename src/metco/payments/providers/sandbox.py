"""The built-in sandbox: test tokens behave like a card network, with no network at all.

tok_visa pays, tok_visa_authorize authorizes only, tok_chargeDeclined declines, tok_insufficientFunds
declines for lack of funds, tok_pending stays pending until its confirmation webhook. Its callbacks are
signed like Stripe's, in the Sandbox-Signature header, with a per-store key derived from the secret key."""

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from typing import Any

from metco.config import Settings
from metco.payments.ports import (
    EventKind,
    PaymentRequest,
    PaymentResult,
    ProviderConfig,
    ProviderInfo,
    RefundRequest,
    RefundResult,
    WebhookEvent,
)
from metco.payments.signatures import MalformedEvent, verify

HEADER = "Sandbox-Signature"
DECLINES = {
    "tok_chargeDeclined": ("card_declined", "Your card was declined."),
    "tok_insufficientFunds": ("insufficient_funds", "Your card has insufficient funds."),
    "tok_expiredCard": ("expired_card", "Your card has expired."),
}
KINDS: dict[str, EventKind] = {"payment.succeeded": "paid", "payment.authorized": "authorized",
                               "payment.failed": "failed", "payment.expired": "expired"}


def webhook_secret(settings: Settings, store_id: uuid.UUID) -> str:
    """The per-store key the sandbox signs its callbacks with (derived, so nothing to configure)."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"sandbox-webhook:{store_id}".encode(), hashlib.sha256).hexdigest()


class SandboxProvider:
    info = ProviderInfo(name="sandbox", title="Test card (sandbox)", enabled_by_default=True, webhook_header=HEADER)

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        reference = f"sbx_{uuid.uuid5(uuid.NAMESPACE_URL, request.reference).hex}"
        token = request.token or ""
        if token in DECLINES:
            code, message = DECLINES[token]
            return PaymentResult("declined", reference, decline_code=code, decline_message=message)
        if token == "tok_pending":
            return PaymentResult("pending", reference)
        if token == "tok_visa_authorize" or (token == "tok_visa" and not request.capture):
            return PaymentResult("authorized", reference)
        if token == "tok_visa":
            return PaymentResult("paid", reference)
        return PaymentResult("declined", reference, decline_code="invalid_token",
                             decline_message="This test token is not known to the sandbox; use tok_visa.")

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        return PaymentResult("paid", provider_reference, captured_amount=amount)

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        return None

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        return RefundResult(True, f"sbx_re_{uuid.uuid5(uuid.NAMESPACE_URL, request.reference).hex}")

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        return PaymentResult("pending", provider_reference)  # the sandbox only moves by its callbacks

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        verify(config.secret("webhook_secret"), body, headers.get(HEADER.lower()))
        event = _json(body)
        if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
            raise MalformedEvent("An event needs a string 'id' and 'type'.")
        data = event.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("reference"), str):
            raise MalformedEvent("An event needs data.reference, the payment's provider reference.")
        return [WebhookEvent(event_id=event["id"], type=event["type"], kind=KINDS.get(event["type"], "ignored"),
                             reference=data["reference"], message=data.get("message"))]


def _json(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise MalformedEvent("The body is not JSON.") from exc
    if not isinstance(event, dict):
        raise MalformedEvent("The body is not a JSON object.")
    return event
