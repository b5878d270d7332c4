"""PayPal Checkout through the Orders v2 REST API.

pay() creates an order (intent CAPTURE) keyed by our checkout reference (PayPal-Request-Id) and sends the
shopper to PayPal's approval page. Once they approve, the order must be captured by us: on the
CHECKOUT.ORDER.APPROVED webhook, or when the shopper comes back (status()). Webhooks are verified the way
PayPal documents it: by asking PayPal (POST /v1/notifications/verify-webhook-signature)."""

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from metco.kit.errors import MetcoError
from metco.kit.money import parse_amount, to_decimal_text
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
from metco.payments.signatures import BadSignature, MalformedEvent

TRANSMISSION_HEADERS = ("paypal-auth-algo", "paypal-cert-url", "paypal-transmission-id", "paypal-transmission-sig",
                        "paypal-transmission-time")
KINDS: dict[str, EventKind] = {"CHECKOUT.ORDER.APPROVED": "approved", "PAYMENT.CAPTURE.COMPLETED": "paid",
                               "PAYMENT.CAPTURE.DENIED": "failed", "PAYMENT.CAPTURE.DECLINED": "failed",
                               "CHECKOUT.ORDER.VOIDED": "expired"}


class ProviderUnavailable(MetcoError):
    status = 502
    code = "PROVIDER_UNAVAILABLE"
    title = "The payment provider could not be reached"


_tokens: dict[tuple[str, str], tuple[str, float]] = {}


class PayPalProvider:
    info = ProviderInfo(
        name="paypal", title="PayPal", webhook_header="PAYPAL-TRANSMISSION-SIG",
        fields=(
            SettingField("client_id", "The REST app's client id.", required=True),
            SettingField("client_secret", "The REST app's secret.", secret=True, required=True),
            SettingField("webhook_id", "The id PayPal gave the webhook pointing at webhook_url.", required=True),
            SettingField("mode", "sandbox or live.", choices=("sandbox", "live"), default="sandbox"),
        ))

    # --- HTTP ----------------------------------------------------------------------------------------------

    async def _token(self, config: ProviderConfig, http: httpx.AsyncClient, *, fresh: bool = False) -> str:
        key = (config.api_base or "", str(config.settings.get("client_id")))
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        response = await http.post("/v1/oauth2/token", data={"grant_type": "client_credentials"},
                                   auth=(key[1], config.secret("client_secret")))
        if response.status_code != 200:
            raise ProviderUnavailable(f"PayPal refused the app's credentials ({response.status_code}).")
        body = response.json()
        _tokens[key] = (body["access_token"], time.monotonic() + max(60, int(body.get("expires_in", 3600)) - 120))
        return str(body["access_token"])

    async def _call(self, config: ProviderConfig, method: str, path: str, *, json_body: Any = None,
                    request_id: str | None = None) -> httpx.Response:
        try:
            async with httpx.AsyncClient(base_url=config.api_base or "", timeout=20) as http:
                for attempt in (1, 2):
                    headers = {"Authorization": f"Bearer {await self._token(config, http, fresh=attempt == 2)}",
                               "Prefer": "return=representation"}
                    if request_id:
                        headers["PayPal-Request-Id"] = request_id
                    response = await http.request(method, path, json=json_body, headers=headers)
                    if response.status_code != 401:
                        break
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"PayPal is not reachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable(f"PayPal answered {response.status_code}.")
        return response

    @staticmethod
    def _issue(response: httpx.Response) -> tuple[str, str]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        details = body.get("details") or [{}]
        return (str(details[0].get("issue") or body.get("name") or response.status_code),
                str(details[0].get("description") or body.get("message") or "PayPal refused the payment."))

    # --- the port ------------------------------------------------------------------------------------------

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        body = {
            "intent": "CAPTURE",
            "purchase_units": [{"reference_id": request.reference[:256], "custom_id": request.reference[:127],
                                "description": request.description[:127] or None,
                                "amount": {"currency_code": request.currency,
                                           "value": to_decimal_text(request.amount, request.currency)}}],
            "payment_source": {"paypal": {"experience_context": {
                "return_url": request.return_url, "cancel_url": request.return_url, "user_action": "PAY_NOW",
                "shipping_preference": "NO_SHIPPING"}}},
        }
        response = await self._call(config, "POST", "/v2/checkout/orders", json_body=body, request_id=request.reference)
        if response.status_code not in (200, 201):
            code, message = self._issue(response)
            return PaymentResult("declined", None, decline_code=code, decline_message=message)
        order = response.json()
        link = next((x["href"] for x in order.get("links", []) if x.get("rel") in ("payer-action", "approve")), None)
        return PaymentResult("pending", order["id"], next_action={"type": "redirect", "url": link} if link else None)

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        response = await self._call(config, "POST", f"/v2/checkout/orders/{provider_reference}/capture",
                                    json_body={}, request_id=f"capture-{provider_reference}")
        if response.status_code == 422 and self._issue(response)[0] == "ORDER_ALREADY_CAPTURED":
            return await self._read(config, provider_reference)
        if response.status_code not in (200, 201):
            code, message = self._issue(response)
            if code == "ORDER_NOT_APPROVED":
                return PaymentResult("pending", provider_reference)
            return PaymentResult("declined", provider_reference, decline_code=code, decline_message=message)
        return self._outcome(response.json())

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        return None  # an order that is never captured simply expires at PayPal

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        capture_id = await self._capture_id(config, request.provider_reference or "")
        if capture_id is None:
            return RefundResult(False, failure_message="PayPal has no capture for this payment.")
        body: dict[str, Any] = {"amount": {"value": to_decimal_text(request.amount, request.currency),
                                           "currency_code": request.currency}}
        if request.reason:
            body["note_to_payer"] = request.reason[:255]
        response = await self._call(config, "POST", f"/v2/payments/captures/{capture_id}/refund", json_body=body,
                                    request_id=f"refund-{request.reference}")
        if response.status_code not in (200, 201):
            return RefundResult(False, failure_message=self._issue(response)[1])
        refund = response.json()
        if refund.get("status") in ("FAILED", "CANCELLED"):
            return RefundResult(False, refund.get("id"), failure_message="PayPal could not refund.")
        return RefundResult(True, refund.get("id"))

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        result = await self._read(config, provider_reference)
        if result.outcome == "authorized":  # approved by the shopper: ours to capture now
            return await self.capture(config, provider_reference=provider_reference, amount=amount, currency=currency)
        return result

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not all(lowered.get(h) for h in TRANSMISSION_HEADERS):
            raise BadSignature("PayPal's transmission headers are missing.")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("The body is not JSON.") from exc
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            raise MalformedEvent("A PayPal event needs an id.")
        verification = await self._call(config, "POST", "/v1/notifications/verify-webhook-signature", json_body={
            "auth_algo": lowered["paypal-auth-algo"], "cert_url": lowered["paypal-cert-url"],
            "transmission_id": lowered["paypal-transmission-id"],
            "transmission_sig": lowered["paypal-transmission-sig"],
            "transmission_time": lowered["paypal-transmission-time"],
            "webhook_id": config.settings.get("webhook_id"), "webhook_event": event})
        if verification.status_code != 200 or verification.json().get("verification_status") != "SUCCESS":
            raise BadSignature("PayPal did not confirm this webhook's signature.")
        type_ = str(event.get("event_type") or "")
        resource = event.get("resource") or {}
        if type_.startswith("PAYMENT.CAPTURE."):
            reference = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
        else:
            reference = resource.get("id")
        kind = KINDS.get(type_, "ignored")
        return [WebhookEvent(event_id=event["id"], type=type_, kind=kind if reference else "ignored",
                             reference=reference, message=event.get("summary"))]

    # --- reading orders ------------------------------------------------------------------------------------

    async def _read(self, config: ProviderConfig, order_id: str) -> PaymentResult:
        response = await self._call(config, "GET", f"/v2/checkout/orders/{order_id}")
        if response.status_code != 200:
            code, message = self._issue(response)
            return PaymentResult("declined", order_id, decline_code=code, decline_message=message)
        return self._outcome(response.json())

    @staticmethod
    def _outcome(order: dict[str, Any]) -> PaymentResult:
        status = order.get("status")
        captures = [c for unit in order.get("purchase_units", []) for c in (unit.get("payments") or {}).get(
            "captures", [])]
        if captures:
            capture = captures[-1]
            if capture.get("status") == "COMPLETED":
                amount = capture.get("amount") or {}
                captured = parse_amount(amount["value"], amount["currency_code"]) if amount.get("value") else None
                return PaymentResult("paid", order["id"], captured_amount=captured)
            if capture.get("status") in ("DECLINED", "FAILED"):
                return PaymentResult("declined", order["id"], decline_code=capture.get("status"),
                                     decline_message="PayPal declined the capture.")
            return PaymentResult("pending", order["id"])
        if status == "APPROVED":
            return PaymentResult("authorized", order["id"])  # approved, not yet captured
        if status == "VOIDED":
            return PaymentResult("declined", order["id"], decline_code="voided", decline_message="The order expired.")
        return PaymentResult("pending", order["id"])

    async def _capture_id(self, config: ProviderConfig, order_id: str) -> str | None:
        response = await self._call(config, "GET", f"/v2/checkout/orders/{order_id}")
        if response.status_code != 200:
            return None
        captures = [c for unit in response.json().get("purchase_units", [])
                    for c in (unit.get("payments") or {}).get("captures", [])]
        return str(captures[-1]["id"]) if captures else None
