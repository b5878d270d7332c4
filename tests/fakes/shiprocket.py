"""A fake Shiprocket API (v1 external): login, serviceability, ad-hoc orders, AWB assignment, labels,
cancellation, tracking, and tracking webhooks sent with the merchant's x-api-key token."""

import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

COURIERS = ({"courier_company_id": 10, "courier_name": "Delhivery Surface", "rate": 79.5,
             "estimated_delivery_days": "5"},
            {"courier_company_id": 24, "courier_name": "Xpressbees Air", "rate": 112, "estimated_delivery_days": "2"})


@dataclass
class FakeShiprocket:
    email: str = "api@shop.example"
    password: str = "shiprocket-pass"
    base_url: str = ""
    logins: int = 0
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    _tokens: set[str] = field(default_factory=set)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def app(self) -> Starlette:
        base = "/v1/external"
        return Starlette(routes=[
            Route(f"{base}/auth/login", self._login, methods=["POST"]),
            Route(f"{base}/courier/serviceability/", self._rates, methods=["GET"]),
            Route(f"{base}/orders/create/adhoc", self._order, methods=["POST"]),
            Route(f"{base}/courier/assign/awb", self._awb, methods=["POST"]),
            Route(f"{base}/courier/generate/label", self._label, methods=["POST"]),
            Route(f"{base}/orders/cancel/shipment/awbs", self._cancel, methods=["POST"]),
        ])

    def _denied(self, request: Request) -> JSONResponse | None:
        if self.down:
            return JSONResponse({"message": "Service Unavailable", "status_code": 503}, status_code=503)
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self._tokens:
            return JSONResponse({"message": "Token has expired", "status_code": 401}, status_code=401)
        return None

    async def _login(self, request: Request) -> JSONResponse:
        body = await request.json()
        if (body.get("email"), body.get("password")) != (self.email, self.password):
            return JSONResponse({"message": "Invalid email and password combination", "status_code": 401},
                                status_code=401)
        self.logins += 1
        token = "eyJ" + secrets.token_hex(24)
        self._tokens.add(token)
        return JSONResponse({"id": 1, "email": self.email, "company_id": 99, "token": token})

    async def _rates(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        return JSONResponse({"status": 200, "data": {"available_courier_companies": list(COURIERS)}})

    async def _order(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        body = await request.json()
        if not re.fullmatch(r"\d{6}", str(body.get("billing_pincode", ""))):
            return JSONResponse({"message": "Oops! Invalid Data.", "errors": {
                "billing_pincode": ["The billing pincode must be 6 digits."]}, "status_code": 422}, status_code=422)
        order_id, shipment_id = next(self._ids), next(self._ids) + 1000
        self.orders[str(shipment_id)] = {"order": body, "order_id": order_id, "awb": None, "status": "NEW"}
        return JSONResponse({"order_id": order_id, "shipment_id": shipment_id, "status": "NEW", "status_code": 1})

    async def _awb(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        body = await request.json()
        record = self.orders[str(body["shipment_id"])]
        courier = next((c for c in COURIERS if str(c["courier_company_id"]) == str(body.get("courier_id"))),
                       COURIERS[0])
        record["awb"] = f"1417{next(self._ids):08d}"
        return JSONResponse({"awb_assign_status": 1, "response": {"data": {
            "awb_code": record["awb"], "courier_name": courier["courier_name"],
            "courier_company_id": courier["courier_company_id"], "shipment_id": body["shipment_id"]}}})

    async def _label(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        shipment_id = (await request.json())["shipment_id"][0]
        return JSONResponse({"label_created": 1, "label_url": f"{self.base_url}/labels/{shipment_id}.pdf",
                             "response": "Label has been created and uploaded successfully!"})

    async def _cancel(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        return JSONResponse({"message": "Bulk Shipment cancellation is in progress."})

    @staticmethod
    def webhook(awb: str, status_id: int, label: str, token: str, *,
                when: str = "24 11 2026 11:43:52") -> tuple[bytes, dict[str, str]]:
        event = {"awb": awb, "courier_name": "Delhivery Surface", "current_status": label,
                 "current_status_id": status_id, "shipment_status": label, "shipment_status_id": status_id,
                 "current_timestamp": when, "order_id": "ref", "sr_order_id": 123, "etd": "2026-11-28 18:00:00",
                 "scans": [{"date": when, "activity": label, "location": "Mumbai", "sr-status": status_id,
                            "sr-status-label": label}], "is_return": 0}
        return json.dumps(event).encode(), {"x-api-key": token, "Content-Type": "application/json"}
