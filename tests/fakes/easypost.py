"""A fake EasyPost API (v2): shipments with rates, buying a rate (label, tracking code, tracker), refunds,
trackers, and `tracker.updated` webhooks signed with X-Hmac-Signature."""

import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

RATES = (("USPS", "Priority", "7.58", 2), ("UPS", "Ground", "9.10", 4), ("FedEx", "2Day", "18.40", 2))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "errors": []}}, status_code=status)


@dataclass
class FakeEasyPost:
    api_key: str = "EZTKfake"
    webhook_secret: str = "easypost-webhook-secret"
    base_url: str = ""
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)
    bought: list[str] = field(default_factory=list)
    down: bool = False
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v2/shipments", self._create, methods=["POST"]),
            Route("/v2/shipments/{id}/buy", self._buy, methods=["POST"]),
            Route("/v2/shipments/{id}/refund", self._refund, methods=["POST"]),
            Route("/v2/trackers", self._tracker, methods=["POST"]),
        ])

    def _denied(self, request: Request) -> JSONResponse | None:
        if self.down:
            return _error(503, "SERVICE.UNAVAILABLE", "Service unavailable")
        expected = "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode()
        if request.headers.get("authorization") != expected:
            return _error(401, "APIKEY.REQUIRED", "Invalid or missing API key")
        return None

    async def _create(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        shipment = (await request.json()).get("shipment") or {}
        to = shipment.get("to_address") or {}
        if not to.get("street1") or not to.get("zip") or not (shipment.get("parcel") or {}).get("weight"):
            return _error(422, "SHIPMENT.INVALID_PARAMS", "to_address.street1, zip and parcel.weight are required")
        shipment_id = f"shp_{next(self._ids):08d}"
        record = {"id": shipment_id, "object": "Shipment", "to_address": to, "from_address": shipment["from_address"],
                  "parcel": shipment["parcel"], "reference": shipment.get("reference"), "tracking_code": None,
                  "rates": [{"id": f"rate_{shipment_id}_{i}", "object": "Rate", "carrier": c, "service": s,
                             "rate": r, "currency": "USD", "delivery_days": d, "shipment_id": shipment_id}
                            for i, (c, s, r, d) in enumerate(RATES)]}
        self.shipments[shipment_id] = record
        return JSONResponse(record, status_code=201)

    async def _buy(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        shipment = self.shipments.get(request.path_params["id"])
        if shipment is None:
            return _error(404, "NOT_FOUND", "The requested resource could not be found.")
        if shipment["tracking_code"]:
            return _error(422, "SHIPMENT.POSTAGE.EXISTS", "Postage already exists for this shipment.")
        rate_id = ((await request.json()).get("rate") or {}).get("id")
        rate = next((r for r in shipment["rates"] if r["id"] == rate_id), None)
        if rate is None:
            return _error(422, "SHIPMENT.RATE.INVALID", "Rate not found")
        code = f"EZ{next(self._ids):010d}"
        shipment.update(tracking_code=code, selected_rate=rate,
                        postage_label={"label_url": f"{self.base_url}/labels/{shipment['id']}.png"},
                        tracker={"id": f"trk_{shipment['id']}", "public_url": f"https://track.easypost.com/{code}"})
        self.bought.append(shipment["id"])
        return JSONResponse(shipment)

    async def _refund(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        shipment = self.shipments[request.path_params["id"]]
        shipment["refund_status"] = "submitted"
        return JSONResponse(shipment)

    async def _tracker(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        code = ((await request.json()).get("tracker") or {}).get("tracking_code")
        return JSONResponse({"id": f"trk_{code}", "object": "Tracker", "tracking_code": code, "status": "pre_transit",
                             "tracking_details": []})

    def webhook(self, shipment_id: str, status: str, *, event_id: str | None = None, secret: str | None = None,
                when: str = "2026-11-24T12:00:00Z") -> tuple[bytes, dict[str, str]]:
        shipment = self.shipments[shipment_id]
        event = {"id": event_id or f"evt_{next(self._ids):08d}", "object": "Event", "description": "tracker.updated",
                 "mode": "test", "result": {
                     "id": f"trk_{shipment_id}", "object": "Tracker", "shipment_id": shipment_id,
                     "tracking_code": shipment["tracking_code"], "status": status, "carrier": "UPS",
                     "tracking_details": [{"object": "TrackingDetail", "status": status, "datetime": when,
                                           "message": f"Parcel {status.replace('_', ' ')}"}]}}
        body = json.dumps(event).encode()
        signature = hmac.new((secret or self.webhook_secret).encode(), body, hashlib.sha256).hexdigest()
        return body, {"X-Hmac-Signature": f"hmac-sha256-hex={signature}", "Content-Type": "application/json"}
