"""Crypto through a BTCPay Server store (Greenfield API, `Authorization: token <api key>`).

pay() makes an invoice (reusing one already made for the same checkout reference, as BTCPay has no
idempotency header) and sends the shopper to its checkout link. The invoice settles (paid), expires or
turns invalid; webhooks carry `BTCPay-Sig: sha256=<HMAC of the body>`. A refund creates a pull payment for
the amount: the customer claims it through its link, so on our side it is done once the pull payment exists."""

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import httpx

from metco.kit.errors import MetcoError
from metco.kit.money import to_decimal_text
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

HEADER = "BTCPay-Sig"
KINDS: dict[str, EventKind] = {"InvoiceSettled": "paid", "InvoiceExpired": "expired", "InvoiceInvalid": "failed"}


class ProviderUnavailable(MetcoError):
    status = 502
    code = "PROVIDER_UNAVAILABLE"
    title = "The payment provider could not be reached"


class BTCPayProvider:
    info = ProviderInfo(
        name="btcpay", title="Bitcoin and other crypto (BTCPay Server)", webhook_header=HEADER,
        fields=(
            SettingField("server_url", "The BTCPay Server's address, e.g. https://btcpay.example.com.", required=True),
            SettingField("store_id", "The BTCPay store's id.", required=True),
            SettingField("api_key", "A Greenfield API key with invoice and refund permissions.", secret=True,
                         required=True),
            SettingField("webhook_secret", "The secret of the webhook pointing at webhook_url.", secret=True,
                         required=True),
        ))

    async def _call(self, config: ProviderConfig, method: str, path: str, *, json_body: Any = None,
                    params: dict[str, Any] | None = None) -> httpx.Response:
        store = config.settings.get("store_id")
        try:
            async with httpx.AsyncClient(base_url=config.api_base or "", timeout=20) as http:
                response = await http.request(method, f"/api/v1/stores/{store}{path}", json=json_body, params=params,
                                              headers={"Authorization": f"token {config.secret('api_key')}"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"The BTCPay Server is not reachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable(f"The BTCPay Server answered {response.status_code}.")
        return response

    @staticmethod
    def _message(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return f"BTCPay answered {response.status_code}."
        if isinstance(body, list):
            return "; ".join(f"{e.get('path')}: {e.get('message')}" for e in body)
        return str(body.get("message") or body.get("code") or response.status_code)

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        existing = await self._call(config, "GET", "/invoices", params={"orderId": request.reference})
        found = existing.json() if existing.status_code == 200 else []
        invoice = found[0] if isinstance(found, list) and found else None
        if invoice is None:
            response = await self._call(config, "POST", "/invoices", json_body={
                "amount": to_decimal_text(request.amount, request.currency), "currency": request.currency,
                "metadata": {"orderId": request.reference, "buyerEmail": request.customer_email},
                "checkout": {"redirectURL": request.return_url, "redirectAutomatically": True}})
            if response.status_code not in (200, 201):
                return PaymentResult("declined", None, decline_code=f"btcpay_{response.status_code}",
                                     decline_message=self._message(response))
            invoice = response.json()
        return PaymentResult("pending", invoice["id"], next_action={"type": "redirect", "url": invoice["checkoutLink"]})

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        response = await self._call(config, "GET", f"/invoices/{provider_reference}")
        if response.status_code != 200:
            return PaymentResult("pending", provider_reference)
        status = response.json().get("status")
        if status == "Settled":
            return PaymentResult("paid", provider_reference, captured_amount=amount)
        if status in ("Expired", "Invalid"):
            return PaymentResult("declined", provider_reference, decline_code=str(status).lower(),
                                 decline_message=f"The invoice is {str(status).lower()}.")
        return PaymentResult("pending", provider_reference)  # New, or Processing (paid, awaiting confirmations)

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        return await self.status(config, provider_reference=provider_reference, amount=amount, currency=currency)

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        response = await self._call(config, "GET", f"/invoices/{provider_reference}")
        if response.status_code == 200 and response.json().get("status") == "New":
            await self._call(config, "POST", f"/invoices/{provider_reference}/status", json_body={"status": "Invalid"})

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        response = await self._call(config, "POST", f"/invoices/{request.provider_reference}/refund", json_body={
            "name": f"Refund {request.reference}", "description": request.reason or "Refund",
            "refundVariant": "Custom", "customAmount": to_decimal_text(request.amount, request.currency),
            "customCurrency": request.currency})
        if response.status_code not in (200, 201):
            return RefundResult(False, failure_message=self._message(response))
        return RefundResult(True, str(response.json().get("id")))

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        given = {k.lower(): v for k, v in headers.items()}.get(HEADER.lower(), "")
        expected = "sha256=" + hmac.new(config.secret("webhook_secret").encode(), body, hashlib.sha256).hexdigest()
        if not given or not config.secret("webhook_secret") or not hmac.compare_digest(expected, given):
            raise BadSignature("The BTCPay-Sig header does not match the body.")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("The body is not JSON.") from exc
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise MalformedEvent("A BTCPay event needs a type.")
        if event.get("storeId") != config.settings.get("store_id"):
            raise MalformedEvent("This event is for another BTCPay store.")
        event_id = str(event.get("originalDeliveryId") or event.get("deliveryId") or "")
        if not event_id:
            raise MalformedEvent("A BTCPay event needs a deliveryId.")
        kind = KINDS.get(event["type"], "ignored")
        return [WebhookEvent(event_id=event_id, type=event["type"], kind=kind, reference=event.get("invoiceId"),
                             message=f"BTCPay: {event['type']}")]
