"""EasyPost: one API for USPS, UPS, FedEx, DHL and more (REST v2, HTTP Basic with the API key).

A shipment is created with both addresses and the parcel, answered with rates; buying a rate gives the
label, the tracking code and a tracker. Tracker updates come as `tracker.updated` webhooks signed with
`X-Hmac-Signature: hmac-sha256-hex=<HMAC-SHA256 of the body under the webhook secret>`."""

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from metco.fulfillment.carriers.ports import (
    Address,
    CarrierConfig,
    CarrierError,
    CarrierInfo,
    RateQuote,
    Shipment,
    ShipmentRequest,
    TrackingUpdate,
)
from metco.kit.integrations import SettingField
from metco.kit.money import parse_amount
from metco.payments.signatures import BadSignature, MalformedEvent

HEADER = "X-Hmac-Signature"
STATUSES = {"in_transit": "in_transit", "out_for_delivery": "in_transit", "available_for_pickup": "in_transit",
            "delivered": "delivered", "return_to_sender": "returned", "failure": "failed", "cancelled": "failed"}
_FROM = (("from_name", "Sender name"), ("from_line1", "Sender street"), ("from_city", "Sender city"),
         ("from_region", "Sender state or region"), ("from_postal_code", "Sender postal code"),
         ("from_country", "Sender country code"), ("from_phone", "Sender phone"), ("from_email", "Sender email"))


def _address(a: Address) -> dict[str, Any]:
    return {"name": a.name, "company": a.company, "street1": a.line1, "street2": a.line2, "city": a.city,
            "state": a.region, "zip": a.postal_code, "country": a.country, "phone": a.phone, "email": a.email}


class EasyPostCarrier:
    info = CarrierInfo(
        name="easypost", title="EasyPost (USPS, UPS, FedEx, DHL …)", sells_labels=True, live_rates=True,
        webhook_header=HEADER,
        fields=(SettingField("api_key", "An EasyPost production or test API key.", secret=True, required=True),
                SettingField("webhook_secret", "The secret of the webhook pointing at webhook_url.", secret=True,
                             required=True),
                *(SettingField(name, label, required=name in ("from_line1", "from_city", "from_postal_code",
                                                              "from_country")) for name, label in _FROM)))

    async def _call(self, config: CarrierConfig, method: str, path: str, body: Any = None) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(base_url=config.api_base or "", timeout=20) as http:
                response = await http.request(method, path, json=body, auth=(config.secret("api_key"), ""))
        except httpx.HTTPError as exc:
            raise CarrierError(f"EasyPost is not reachable: {exc!r}", retryable=True) from exc
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400:
            error = answer.get("error") or {}
            raise CarrierError(str(error.get("message") or f"EasyPost answered {response.status_code}"),
                               retryable=response.status_code >= 500 or response.status_code == 429,
                               details={"code": str(error.get("code") or "")})
        return answer

    async def _shipment(self, config: CarrierConfig, request: ShipmentRequest) -> dict[str, Any]:
        ounces = (Decimal(request.weight_grams) / Decimal("28.3495")).quantize(Decimal("0.1"))
        return await self._call(config, "POST", "/v2/shipments", {"shipment": {
            "to_address": _address(request.ship_to), "from_address": _address(request.ship_from),
            "parcel": {"weight": float(max(ounces, Decimal("0.1")))}, "reference": request.reference}})

    @staticmethod
    def _quotes(shipment: dict[str, Any]) -> list[RateQuote]:
        return [RateQuote(service=f"{r['carrier']}:{r['service']}", name=f"{r['carrier']} {r['service']}",
                          price=parse_amount(str(r["rate"]), r.get("currency") or "USD"),
                          currency=r.get("currency") or "USD", days=r.get("delivery_days"))
                for r in shipment.get("rates", [])]

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]:
        return self._quotes(await self._shipment(config, request))

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment:
        shipment = await self._shipment(config, request)
        rates = shipment.get("rates", [])
        chosen = next((r for r in rates if f"{r['carrier']}:{r['service']}" == request.service), None) if \
            request.service else min(rates, key=lambda r: Decimal(str(r["rate"])), default=None)
        if chosen is None:
            raise CarrierError(f"EasyPost offers no rate '{request.service}' for this parcel" if request.service
                               else "EasyPost offers no rate for this parcel")
        bought = await self._call(config, "POST", f"/v2/shipments/{shipment['id']}/buy", {"rate": {"id": chosen["id"]}})
        selected = bought.get("selected_rate") or chosen
        return Shipment(carrier_reference=bought["id"], tracking_number=bought.get("tracking_code"),
                        tracking_url=(bought.get("tracker") or {}).get("public_url"),
                        label_url=(bought.get("postage_label") or {}).get("label_url"),
                        carrier_name=selected.get("carrier"), service=f"{selected['carrier']}:{selected['service']}",
                        cost=parse_amount(str(selected["rate"]), selected.get("currency") or "USD"))

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]:
        if not tracking_number:
            return []
        tracker = await self._call(config, "POST", "/v2/trackers", {"tracker": {"tracking_code": tracking_number}})
        return [self._update(f"{tracker['id']}:{i}", tracker, detail)
                for i, detail in enumerate(tracker.get("tracking_details", []))]

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None:
        await self._call(config, "POST", f"/v2/shipments/{carrier_reference}/refund")

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        secret = unicodedata.normalize("NFKD", config.secret("webhook_secret")).encode()
        expected = "hmac-sha256-hex=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        given = {k.lower(): v for k, v in headers.items()}.get(HEADER.lower(), "")
        if not secret or not given or not hmac.compare_digest(expected, given):
            raise BadSignature("The X-Hmac-Signature header does not match the body.")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("The body is not JSON.") from exc
        result = event.get("result") or {}
        if event.get("description") != "tracker.updated" or result.get("object") != "Tracker":
            return []
        details = result.get("tracking_details") or [{}]
        return [self._update(str(event.get("id")), result, details[-1])]

    @staticmethod
    def _update(event_id: str, tracker: dict[str, Any], detail: dict[str, Any]) -> TrackingUpdate:
        when = detail.get("datetime")
        occurred = datetime.fromisoformat(when.replace("Z", "+00:00")) if isinstance(when, str) else None
        status = tracker.get("status") or detail.get("status")
        return TrackingUpdate(event_id=event_id, status=STATUSES.get(str(status)), carrier_reference=tracker.get(
            "shipment_id"), tracking_number=tracker.get("tracking_code"), occurred_at=occurred,
            message=str(detail.get("message") or f"EasyPost: {status}"))
