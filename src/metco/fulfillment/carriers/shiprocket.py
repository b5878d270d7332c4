"""Shiprocket (India's shipping aggregator), REST API v1 "external": a JWT from /auth/login (valid ten days,
kept nine), ad-hoc orders, courier (AWB) assignment, labels, tracking by AWB, cancellation. Tracking webhooks
carry the token the merchant configured in the `x-api-key` header; they have no event id, so one is made
from the AWB, the status and its time (a replay is then the same event)."""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from metco.fulfillment.carriers.ports import (
    CarrierConfig,
    CarrierError,
    CarrierInfo,
    RateQuote,
    Shipment,
    ShipmentRequest,
    TrackingUpdate,
)
from metco.kit.integrations import SettingField
from metco.kit.money import to_decimal_text
from metco.payments.signatures import BadSignature, MalformedEvent

HEADER = "x-api-key"
IST = timezone(timedelta(hours=5, minutes=30))
TOKEN_LIFETIME = 9 * 24 * 3600
# Shiprocket's shipment status ids, as ours (None: worth recording, not a move).
STATUSES: dict[int, str | None] = {6: "shipped", 42: "shipped", 17: "in_transit", 18: "in_transit", 38: "in_transit",
                                   7: "delivered", 8: "failed", 9: "returned", 10: "returned", 12: None, 21: None}
_tokens: dict[tuple[str, str], tuple[str, float]] = {}


class ShiprocketCarrier:
    info = CarrierInfo(
        name="shiprocket", title="Shiprocket (India)", sells_labels=True, live_rates=True, webhook_header=HEADER,
        fields=(SettingField("email", "The API user's email.", required=True),
                SettingField("password", "The API user's password.", secret=True, required=True),
                SettingField("pickup_location", "The pickup location's nickname in Shiprocket.", required=True),
                SettingField("webhook_token", "The token Shiprocket sends in x-api-key with tracking updates.",
                             secret=True, required=True),
                SettingField("from_postal_code", "The pickup pincode (for live rates)."),
                SettingField("from_name", "Sender name."), SettingField("from_phone", "Sender phone.")))

    async def _token(self, config: CarrierConfig, http: httpx.AsyncClient, *, fresh: bool) -> str:
        key = (config.api_base or "", str(config.settings.get("email")))
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        response = await http.post("/v1/external/auth/login", json={"email": key[1],
                                                                     "password": config.secret("password")})
        if response.status_code != 200:
            raise CarrierError(f"Shiprocket refused the login ({response.status_code}).")
        token = str(response.json()["token"])
        _tokens[key] = (token, time.monotonic() + TOKEN_LIFETIME)
        return token

    async def _call(self, config: CarrierConfig, method: str, path: str, *, body: Any = None,
                    params: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(base_url=config.api_base or "", timeout=20) as http:
                for fresh in (False, True):
                    token = await self._token(config, http, fresh=fresh)
                    response = await http.request(method, path, json=body, params=params,
                                                  headers={"Authorization": f"Bearer {token}"})
                    if response.status_code != 401:
                        break
        except httpx.HTTPError as exc:
            raise CarrierError(f"Shiprocket is not reachable: {exc!r}", retryable=True) from exc
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400:
            raise CarrierError(str(answer.get("message") or f"Shiprocket answered {response.status_code}"),
                               retryable=response.status_code >= 500 or response.status_code == 429)
        return answer

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]:
        pickup = config.settings.get("from_postal_code")
        if not pickup:
            return []
        answer = await self._call(config, "GET", "/v1/external/courier/serviceability/", params={
            "pickup_postcode": pickup, "delivery_postcode": request.ship_to.postal_code,
            "weight": str(Decimal(request.weight_grams) / 1000), "cod": 0})
        quotes = []
        for courier in (answer.get("data") or {}).get("available_courier_companies", []):
            try:
                paise = int((Decimal(str(courier["rate"])) * 100).to_integral_value())
            except (InvalidOperation, KeyError):
                continue
            quotes.append(RateQuote(service=str(courier["courier_company_id"]), name=str(courier["courier_name"]),
                                    price=paise, currency="INR", days=_int(courier.get("estimated_delivery_days"))))
        return quotes

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment:
        to = request.ship_to
        first, _, last = to.name.partition(" ")
        order = await self._call(config, "POST", "/v1/external/orders/create/adhoc", body={
            "order_id": request.reference, "order_date": datetime.now(IST).strftime("%Y-%m-%d %H:%M"),
            "pickup_location": config.settings.get("pickup_location"), "billing_customer_name": first,
            "billing_last_name": last or first, "billing_address": to.line1, "billing_address_2": to.line2 or "",
            "billing_city": to.city, "billing_pincode": to.postal_code, "billing_state": to.region or "",
            "billing_country": to.country, "billing_email": to.email or "", "billing_phone": to.phone or "",
            "shipping_is_billing": True, "payment_method": "Prepaid",
            "order_items": [{"name": line.title, "sku": line.sku or line.title[:50], "units": line.quantity,
                             "selling_price": to_decimal_text(line.unit_price, request.currency)}
                            for line in request.lines],
            "sub_total": to_decimal_text(sum(x.unit_price * x.quantity for x in request.lines), request.currency),
            "length": 20, "breadth": 15, "height": 10, "weight": str(Decimal(request.weight_grams) / 1000)})
        shipment_id = order.get("shipment_id")
        if not shipment_id:
            raise CarrierError(str(order.get("message") or "Shiprocket made no shipment"))
        assign: dict[str, Any] = {"shipment_id": shipment_id}
        if request.service:
            assign["courier_id"] = request.service
        awb = await self._call(config, "POST", "/v1/external/courier/assign/awb", body=assign)
        data = ((awb.get("response") or {}).get("data")) or {}
        if awb.get("awb_assign_status") != 1 or not data.get("awb_code"):
            raise CarrierError(str(awb.get("message") or "Shiprocket assigned no courier"))
        label = await self._call(config, "POST", "/v1/external/courier/generate/label",
                                 body={"shipment_id": [shipment_id]})
        code = str(data["awb_code"])
        return Shipment(carrier_reference=str(shipment_id), tracking_number=code,
                        tracking_url=f"https://shiprocket.co/tracking/{code}", label_url=label.get("label_url"),
                        carrier_name=data.get("courier_name"), service=str(data.get("courier_company_id") or ""))

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]:
        if not tracking_number:
            return []
        answer = await self._call(config, "GET", f"/v1/external/courier/track/awb/{tracking_number}")
        activities = (answer.get("tracking_data") or {}).get("shipment_track_activities") or []
        return [TrackingUpdate(event_id=f"{tracking_number}:{a.get('sr-status')}:{a.get('date')}",
                               status=STATUSES.get(_int(a.get("sr-status")) or -1), tracking_number=tracking_number,
                               message=str(a.get("activity") or "")) for a in activities]

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None:
        await self._call(config, "POST", "/v1/external/orders/cancel/shipment/awbs", body={"awbs": [carrier_reference]})

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        given = {k.lower(): v for k, v in headers.items()}.get(HEADER, "")
        expected = config.secret("webhook_token")
        if not expected or not given or not hmac.compare_digest(expected, given):
            raise BadSignature("The x-api-key header is not this store's Shiprocket token.")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("The body is not JSON.") from exc
        awb = event.get("awb")
        if not awb:
            raise MalformedEvent("A Shiprocket update needs an awb.")
        status_id = _int(event.get("shipment_status_id") or event.get("current_status_id"))
        stamp = str(event.get("current_timestamp") or "")
        try:
            occurred = datetime.strptime(stamp, "%d %m %Y %H:%M:%S").replace(tzinfo=IST)
        except ValueError:
            occurred = None
        label = str(event.get("current_status") or event.get("shipment_status") or "update")
        event_id = hashlib.sha256(f"{awb}|{status_id}|{stamp}".encode()).hexdigest()[:40]
        return [TrackingUpdate(event_id=event_id, status=STATUSES.get(status_id or -1), tracking_number=str(awb),
                               occurred_at=occurred, message=f"Shiprocket: {label.title()}")]


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
