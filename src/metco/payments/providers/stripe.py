"""Cards through Stripe PaymentIntents, with the official SDK (async, over httpx).

The storefront's card form (Stripe.js) turns the card into a PaymentMethod; checkout sends only its id
(`pm_…`) as the token. The intent is created and confirmed in one call, keyed by our checkout reference so a
retried checkout never charges twice. Capture is automatic or manual per the store's `capture_method`;
3-D Secure and other redirects come back as `next_action`, and the order waits for the intent's webhook (or
the shopper's return) to confirm it."""

import json
from collections.abc import Mapping
from typing import Any

import stripe

from metco.kit.errors import MetcoError
from metco.payments.ports import (
    EventKind,
    PaymentRequest,
    PaymentResult,
    ProviderConfig,
    ProviderInfo,
    RefundRequest,
    RefundResult,
    SettingField,
    WebhookEvent,
)
from metco.payments.signatures import MalformedEvent, verify

API_VERSION = "2025-10-29.clover"
HEADER = "Stripe-Signature"
KINDS: dict[str, EventKind] = {
    "payment_intent.succeeded": "paid",
    "payment_intent.amount_capturable_updated": "authorized",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "expired",
}


class ProviderUnavailable(MetcoError):
    status = 502
    code = "PROVIDER_UNAVAILABLE"
    title = "The payment provider could not be reached"


_clients: dict[tuple[str, str], stripe.StripeClient] = {}


def _client(config: ProviderConfig) -> stripe.StripeClient:
    key = (config.secret("secret_key"), config.api_base or "https://api.stripe.com")
    client = _clients.get(key)
    if client is None:
        client = stripe.StripeClient(key[0], base_addresses={"api": key[1]}, stripe_version=API_VERSION,
                                     http_client=stripe.HTTPXClient(), max_network_retries=2)
        _clients[key] = client
    return client


def _result(resource: Any) -> PaymentResult:
    """A PaymentIntent, as our outcome."""
    intent: dict[str, Any] = resource.to_dict()
    status = intent["status"]
    received = intent.get("amount_received") or None
    if status == "succeeded":
        return PaymentResult("paid", intent["id"], captured_amount=received)
    if status == "requires_capture":
        return PaymentResult("authorized", intent["id"])
    if status == "requires_action":
        action = intent.get("next_action") or {}
        url = (action.get("redirect_to_url") or {}).get("url")
        next_action = {"type": "redirect", "url": url} if url else {"type": "stripe_sdk", "client_secret":
                                                                    intent.get("client_secret")}
        return PaymentResult("pending", intent["id"], next_action=next_action)
    if status == "processing":
        return PaymentResult("pending", intent["id"])
    error = intent.get("last_payment_error") or {}
    return PaymentResult("declined", intent["id"], decline_code=error.get("decline_code") or error.get("code")
                         or status, decline_message=error.get("message") or "The card was not charged.")


def _unavailable(exc: stripe.StripeError) -> ProviderUnavailable:
    return ProviderUnavailable(f"Stripe answered: {exc.user_message or exc}")


class StripeProvider:
    info = ProviderInfo(
        name="stripe", title="Cards (Stripe)", webhook_header=HEADER,
        fields=(
            SettingField("publishable_key", "pk_live_… or pk_test_…, used by the storefront's card form.",
                         required=True),
            SettingField("secret_key", "sk_live_… or sk_test_… (or a restricted key).", secret=True, required=True),
            SettingField("webhook_secret", "whsec_…, the signing secret of the endpoint pointing at webhook_url.",
                         secret=True, required=True),
            SettingField("capture_method", "automatic captures at checkout; manual authorizes, staff capture later.",
                         choices=("automatic", "manual"), default="automatic"),
        ))

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        if not request.token:
            return PaymentResult("declined", None, decline_code="missing_payment_method",
                                 decline_message="No card was given: the card form sends a payment method id.")
        params: dict[str, Any] = {
            "amount": request.amount, "currency": request.currency.lower(), "payment_method": request.token,
            "confirm": True, "capture_method": "automatic" if request.capture else "manual",
            "return_url": request.return_url, "receipt_email": request.customer_email,
            "description": request.description or None,
            "metadata": {"metco_reference": request.reference, "metco_store_id": str(request.store_id)},
            "payment_method_types": ["card"],
        }
        try:
            intent = await _client(config).v1.payment_intents.create_async(
                {k: v for k, v in params.items() if v is not None},  # type: ignore[arg-type]
                {"idempotency_key": request.reference})
        except stripe.CardError as exc:
            error = exc.error
            intent_id = error.payment_intent.id if error and error.payment_intent else None
            decline = (error.decline_code if error else None) or exc.code or "card_declined"
            return PaymentResult("declined", intent_id, decline_code=decline,
                                 decline_message=exc.user_message or "Your card was declined.")
        except stripe.InvalidRequestError as exc:
            return PaymentResult("declined", None, decline_code=exc.code or "invalid_request",
                                 decline_message=exc.user_message or "Stripe refused the payment.")
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return _result(intent)

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        try:
            intent = await _client(config).v1.payment_intents.capture_async(
                provider_reference, {"amount_to_capture": amount}, {"idempotency_key": f"capture:{provider_reference}"})
        except stripe.InvalidRequestError as exc:
            return PaymentResult("declined", provider_reference, decline_code=exc.code,
                                 decline_message=exc.user_message or str(exc))
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return _result(intent)

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        try:
            await _client(config).v1.payment_intents.cancel_async(provider_reference)
        except stripe.InvalidRequestError:
            return None  # already final on Stripe's side: nothing to release
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        params: dict[str, Any] = {"payment_intent": request.provider_reference, "amount": request.amount,
                                  "metadata": {"metco_refund_id": request.reference}}
        if request.reason:
            params["metadata"]["reason"] = request.reason[:500]
        try:
            refund = await _client(config).v1.refunds.create_async(
                params, {"idempotency_key": f"refund:{request.reference}"})  # type: ignore[arg-type]
        except stripe.InvalidRequestError as exc:
            return RefundResult(False, failure_message=exc.user_message or str(exc))
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        if refund.status in ("failed", "canceled"):
            return RefundResult(False, refund.id, failure_message=refund.failure_reason or "refused")
        return RefundResult(True, refund.id)

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        try:
            intent = await _client(config).v1.payment_intents.retrieve_async(provider_reference)
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        if intent.status == "requires_payment_method" and not intent.last_payment_error:
            return PaymentResult("pending", provider_reference)  # still waiting for the shopper
        return _result(intent)

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        verify(config.secret("webhook_secret"), body, headers.get(HEADER.lower()))
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("The body is not JSON.") from exc
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
            raise MalformedEvent("A Stripe event needs an 'id' and a 'type'.")
        obj = (event.get("data") or {}).get("object") or {}
        kind = KINDS.get(event["type"], "ignored")
        reference = obj.get("id") if obj.get("object") == "payment_intent" else None
        error = obj.get("last_payment_error") or {}
        return [WebhookEvent(event_id=event["id"], type=event["type"], kind=kind if reference else "ignored",
                             reference=reference, message=error.get("message"))]
