"""A fake BTCPay Server (Greenfield API): invoices, their statuses, refunds as pull payments, and webhooks
signed with BTCPay-Sig, including redeliveries."""

import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class FakeBTCPay:
    store_id: str = "BTCPAYSTORE1"
    api_key: str = "fake-greenfield-key"
    webhook_secret: str = "fake-webhook-secret"
    base_url: str = ""
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    pull_payments: list[dict[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def app(self) -> Starlette:
        base = "/api/v1/stores/{store}"
        return Starlette(routes=[
            Route(f"{base}/invoices", self._invoices, methods=["GET", "POST"]),
            Route(f"{base}/invoices/{{id}}", self._invoice, methods=["GET"]),
            Route(f"{base}/invoices/{{id}}/status", self._mark, methods=["POST"]),
            Route(f"{base}/invoices/{{id}}/refund", self._refund, methods=["POST"]),
        ])

    def _denied(self, request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"token {self.api_key}":
            return JSONResponse({"code": "unauthenticated", "message": "Authentication is required"}, status_code=401)
        if request.path_params["store"] != self.store_id:
            return JSONResponse({"code": "store-not-found", "message": "Store not found"}, status_code=404)
        return None

    async def _invoices(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        if request.method == "GET":
            wanted = request.query_params.getlist("orderId")
            return JSONResponse([i for i in self.invoices.values() if i["metadata"].get("orderId") in wanted])
        body = await request.json()
        try:
            amount = Decimal(str(body.get("amount")))
        except InvalidOperation:
            amount = Decimal(0)
        if amount <= 0:
            return JSONResponse([{"path": "amount", "message": "Amount should be greater than 0"}], status_code=422)
        invoice_id = f"INV{next(self._ids):06d}"
        invoice = {"id": invoice_id, "storeId": self.store_id, "amount": str(body["amount"]),
                   "currency": body.get("currency"), "status": "New", "additionalStatus": "None",
                   "metadata": body.get("metadata") or {}, "checkout": body.get("checkout") or {},
                   "checkoutLink": f"{self.base_url}/i/{invoice_id}", "createdTime": int(time.time()),
                   "expirationTime": int(time.time()) + 900}
        self.invoices[invoice_id] = invoice
        return JSONResponse(invoice)

    async def _invoice(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        invoice = self.invoices.get(request.path_params["id"])
        if invoice is None:
            return JSONResponse({"code": "invoice-not-found", "message": "Invoice not found"}, status_code=404)
        return JSONResponse(invoice)

    async def _mark(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        invoice = self.invoices.get(request.path_params["id"])
        if invoice is None:
            return JSONResponse({"code": "invoice-not-found", "message": "Invoice not found"}, status_code=404)
        invoice["status"] = (await request.json())["status"]
        return JSONResponse(invoice)

    async def _refund(self, request: Request) -> JSONResponse:
        if (denied := self._denied(request)) is not None:
            return denied
        invoice = self.invoices.get(request.path_params["id"])
        if invoice is None or invoice["status"] != "Settled":
            return JSONResponse({"code": "non-refundable", "message": "Cannot refund this invoice"}, status_code=422)
        body = await request.json()
        pull = {"id": f"PP{next(self._ids):06d}", "name": body.get("name"), "description": body.get("description"),
                "amount": body.get("customAmount") or invoice["amount"], "currency": body.get("customCurrency"),
                "invoiceId": invoice["id"], "viewLink": f"{self.base_url}/pull-payments/{secrets.token_hex(4)}"}
        self.pull_payments.append(pull)
        return JSONResponse(pull)

    # --- what tests do to it --------------------------------------------------------------------------------

    def set_status(self, invoice_id: str, status: str) -> None:
        self.invoices[invoice_id]["status"] = status

    def webhook(self, type_: str, invoice_id: str, *, delivery_id: str | None = None,
                redelivery_of: str | None = None, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        delivery = delivery_id or f"DLV{next(self._ids):06d}"
        event = {"deliveryId": delivery, "webhookId": "WEBHOOK1", "originalDeliveryId": redelivery_of or delivery,
                 "isRedelivery": redelivery_of is not None, "type": type_, "timestamp": int(time.time()),
                 "storeId": self.store_id, "invoiceId": invoice_id,
                 "metadata": self.invoices.get(invoice_id, {}).get("metadata", {})}
        body = json.dumps(event).encode()
        signature = hmac.new((secret or self.webhook_secret).encode(), body, hashlib.sha256).hexdigest()
        return body, {"BTCPay-Sig": f"sha256={signature}", "Content-Type": "application/json"}
