"""A fake PayPal REST API: OAuth2 client credentials, Orders v2 (create, read, capture), capture refunds and
webhook signature verification, with PayPal's shapes, status codes and PayPal-Request-Id idempotency.

Webhooks it sends carry PayPal's transmission headers; its verify endpoint answers SUCCESS only for a
transmission it signed itself, for that webhook id and that exact event."""

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def _error(status: int, name: str, issue: str, description: str) -> JSONResponse:
    return JSONResponse({"name": name, "message": description, "details": [{"issue": issue,
                                                                              "description": description}]},
                        status_code=status)


@dataclass
class FakePayPal:
    client_id: str = "fake-client"
    client_secret: str = "fake-secret"
    webhook_id: str = "WH-FAKE-1"
    base_url: str = ""
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    refuse_next_order: bool = False
    deny_next_capture: bool = False
    _tokens: set[str] = field(default_factory=set)
    _idempotent: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/oauth2/token", self._token, methods=["POST"]),
            Route("/v2/checkout/orders", self._create, methods=["POST"]),
            Route("/v2/checkout/orders/{id}", self._get, methods=["GET"]),
            Route("/v2/checkout/orders/{id}/capture", self._capture, methods=["POST"]),
            Route("/v2/payments/captures/{id}/refund", self._refund, methods=["POST"]),
            Route("/v1/notifications/verify-webhook-signature", self._verify, methods=["POST"]),
        ])

    async def _token(self, request: Request) -> JSONResponse:
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_client", "error_description": "Client Authentication failed"},
                                status_code=401)
        self.token_requests += 1
        token = "A21AA" + secrets.token_hex(16)
        self._tokens.add(token)
        return JSONResponse({"scope": "https://uri.paypal.com/services/payments/payment", "access_token": token,
                             "token_type": "Bearer", "app_id": "APP-FAKE", "expires_in": 32400})

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self._tokens

    async def _once(self, request: Request, handler: Any) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        key = request.headers.get("paypal-request-id")
        if key and (request.url.path, key) in self._idempotent:
            status, body = self._idempotent[(request.url.path, key)]
            return JSONResponse(body, status_code=status)
        status, body = await handler(request)
        if key and status < 300:
            self._idempotent[(request.url.path, key)] = (status, body)
        return JSONResponse(body, status_code=status)

    async def _create(self, request: Request) -> JSONResponse:
        async def create(request: Request) -> tuple[int, Any]:
            body = await request.json()
            unit = (body.get("purchase_units") or [{}])[0]
            amount = unit.get("amount") or {}
            if self.refuse_next_order or Decimal(amount.get("value") or "0") <= 0:
                self.refuse_next_order = False
                return 422, {"name": "UNPROCESSABLE_ENTITY", "message": "The requested action could not be performed",
                             "details": [{"issue": "PAYEE_ACCOUNT_RESTRICTED",
                                          "description": "The merchant account is restricted."}]}
            order_id = f"5O{next(self._ids):015d}"
            order = {"id": order_id, "intent": body.get("intent"), "status": "PAYER_ACTION_REQUIRED",
                     "purchase_units": [{**unit, "payments": {"captures": []}}],
                     "links": [{"href": f"https://www.sandbox.paypal.com/checkoutnow?token={order_id}",
                                "rel": "payer-action", "method": "GET"},
                               {"href": f"{self.base_url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"}]}
            self.orders[order_id] = order
            return 200, order
        return await self._once(request, create)

    async def _get(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        order = self.orders.get(request.path_params["id"])
        if order is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "Specified resource ID does not exist.")
        return JSONResponse(order)

    async def _capture(self, request: Request) -> JSONResponse:
        async def capture(request: Request) -> tuple[int, Any]:
            order = self.orders.get(request.path_params["id"])
            if order is None:
                return 404, {"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]}
            if order["status"] == "COMPLETED":
                return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_ALREADY_CAPTURED",
                                                                           "description": "Order already captured."}]}
            if order["status"] != "APPROVED":
                return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_NOT_APPROVED",
                                                                           "description": "Payer has not approved."}]}
            unit = order["purchase_units"][0]
            denied = self.deny_next_capture
            self.deny_next_capture = False
            capture = {"id": f"3C{next(self._ids):015d}", "status": "DECLINED" if denied else "COMPLETED",
                       "amount": unit["amount"], "final_capture": True}
            unit["payments"]["captures"].append(capture)
            order["status"] = "COMPLETED"
            return 201, order
        return await self._once(request, capture)

    async def _refund(self, request: Request) -> JSONResponse:
        async def refund(request: Request) -> tuple[int, Any]:
            capture_id = request.path_params["id"]
            capture = next((c for o in self.orders.values() for u in o["purchase_units"]
                            for c in u["payments"]["captures"] if c["id"] == capture_id), None)
            if capture is None:
                return 404, {"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]}
            body = await request.json()
            value = Decimal((body.get("amount") or capture["amount"])["value"])
            done = sum(Decimal(r["amount"]["value"]) for r in self.refunds if r["capture_id"] == capture_id)
            if value + done > Decimal(capture["amount"]["value"]):
                return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "REFUND_AMOUNT_EXCEEDED",
                                                                           "description": "Refund exceeds capture."}]}
            refund = {"id": f"1R{next(self._ids):015d}", "status": "COMPLETED", "capture_id": capture_id,
                      "amount": {"value": str(value), "currency_code": capture["amount"]["currency_code"]},
                      "note_to_payer": body.get("note_to_payer")}
            self.refunds.append(refund)
            return 201, refund
        return await self._once(request, refund)

    async def _verify(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        body = await request.json()
        expected = self._signature(body.get("transmission_id", ""), body.get("transmission_time", ""),
                                   body.get("webhook_id", ""), json.dumps(body.get("webhook_event"), sort_keys=True))
        ok = (body.get("webhook_id") == self.webhook_id and body.get("auth_algo") == "SHA256withRSA"
              and hmac.compare_digest(expected, body.get("transmission_sig", "")))
        return JSONResponse({"verification_status": "SUCCESS" if ok else "FAILURE"})

    # --- what tests do to it --------------------------------------------------------------------------------

    def _signature(self, transmission_id: str, time_: str, webhook_id: str, event_json: str) -> str:
        crc = zlib.crc32(event_json.encode())
        message = f"{transmission_id}|{time_}|{webhook_id}|{crc}".encode()
        return base64.b64encode(hmac.new(self._key, message, hashlib.sha256).digest()).decode()

    def approve(self, order_id: str) -> None:
        self.orders[order_id]["status"] = "APPROVED"

    def webhook(self, event_type: str, resource: dict[str, Any], *, event_id: str | None = None,
                webhook_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        event = {"id": event_id or f"WH-{next(self._ids):08d}", "event_version": "1.0", "event_type": event_type,
                 "resource_type": "checkout-order" if event_type.startswith("CHECKOUT") else "capture",
                 "summary": event_type.replace(".", " ").lower(), "resource": resource,
                 "create_time": "2026-11-24T12:00:00Z"}
        transmission_id, time_ = secrets.token_hex(8), "2026-11-24T12:00:01Z"
        signature = self._signature(transmission_id, time_, webhook_id or self.webhook_id,
                                    json.dumps(event, sort_keys=True))
        return json.dumps(event).encode(), {
            "Content-Type": "application/json", "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-FAKE",
            "PAYPAL-TRANSMISSION-ID": transmission_id, "PAYPAL-TRANSMISSION-SIG": signature,
            "PAYPAL-TRANSMISSION-TIME": time_}

    def capture_resource(self, order_id: str) -> dict[str, Any]:
        captures = self.orders[order_id]["purchase_units"][0]["payments"]["captures"]
        capture = captures[-1] if captures else {"id": "3CX", "status": "COMPLETED"}
        return {**capture, "supplementary_data": {"related_ids": {"order_id": order_id}}}
