"""A fake Stripe API: PaymentIntents, refunds and signed webhook events, in Stripe's wire format.

Form-encoded requests with bracketed keys, bearer API keys, `Idempotency-Key` replays, JSON objects with
`"object"`, errors as `{"error": {type, code, decline_code, message}}` with Stripe's status codes (402 for
card errors), and `Stripe-Signature: t=…,v1=…` on events. Test payment methods behave like Stripe's:
pm_card_visa pays, pm_card_chargeDeclined and pm_card_chargeDeclinedInsufficientFunds decline,
pm_card_threeDSecure2Required needs a redirect."""

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DECLINES = {"pm_card_chargeDeclined": "generic_decline",
            "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
            "pm_card_chargeDeclinedExpiredCard": "expired_card"}
NEEDS_ACTION = {"pm_card_threeDSecure2Required", "pm_card_authenticationRequired"}


def _error(status: int, type_: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"type": type_, "message": message, **extra}}, status_code=status)


@dataclass
class FakeStripe:
    api_key: str = "sk_test_fake"
    base_url: str = ""
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    _idempotent: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    refuse_refunds: bool = False

    # --- the API ---------------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/payment_intents", self._create_intent, methods=["POST"]),
            Route("/v1/payment_intents/{id}", self._get_intent, methods=["GET"]),
            Route("/v1/payment_intents/{id}/capture", self._capture, methods=["POST"]),
            Route("/v1/payment_intents/{id}/cancel", self._cancel, methods=["POST"]),
            Route("/v1/refunds", self._refund, methods=["POST"]),
        ])

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    async def _authorized(self, request: Request) -> tuple[dict[str, str], JSONResponse | None]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.requests.append((request.method, request.url.path, form))
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return form, _error(401, "invalid_request_error", "Invalid API Key provided.")
        return form, None

    async def _idempotent_call(self, request: Request, handler: Any) -> JSONResponse:
        form, denied = await self._authorized(request)
        if denied is not None:
            return denied
        key = request.headers.get("idempotency-key")
        if key and (request.url.path, key) in self._idempotent:
            status, body = self._idempotent[(request.url.path, key)]
            return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
        status, body = handler(request, form)
        if key:
            self._idempotent[(request.url.path, key)] = (status, body)
        return JSONResponse(body, status_code=status)

    async def _create_intent(self, request: Request) -> JSONResponse:
        return await self._idempotent_call(request, self._create)

    def _create(self, request: Request, form: dict[str, str]) -> tuple[int, Any]:
        if not form.get("amount", "").isdigit() or int(form["amount"]) < 1:
            return 400, {"error": {"type": "invalid_request_error", "code": "parameter_invalid_integer",
                                   "param": "amount", "message": "Invalid positive integer"}}
        method = form.get("payment_method", "")
        if method not in {"pm_card_visa", *DECLINES, *NEEDS_ACTION}:
            return 400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "param": "payment_method", "message": f"No such PaymentMethod: '{method}'"}}
        intent: dict[str, Any] = {
            "id": self._new_id("pi"), "object": "payment_intent", "amount": int(form["amount"]),
            "currency": form.get("currency", "usd"), "capture_method": form.get("capture_method", "automatic"),
            "payment_method": method, "amount_received": 0, "amount_capturable": 0, "status":
            "requires_confirmation", "next_action": None, "last_payment_error": None, "latest_charge": None,
            "client_secret": None, "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "created": int(time.time()), "livemode": False, "return_url": form.get("return_url"),
        }
        intent["client_secret"] = f"{intent['id']}_secret_fake"
        self.intents[intent["id"]] = intent
        if form.get("confirm") != "true":
            return 200, intent
        if method in DECLINES:
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                            "decline_code": DECLINES[method], "message": "Your card was declined."}
            return 402, {"error": {**intent["last_payment_error"], "payment_intent": intent}}
        if method in NEEDS_ACTION:
            intent["status"] = "requires_action"
            intent["next_action"] = {"type": "redirect_to_url", "redirect_to_url": {
                "url": f"{self.base_url}/3ds/{intent['id']}", "return_url": intent["return_url"]}}
            return 200, intent
        self._authorize(intent)
        return 200, intent

    def _authorize(self, intent: dict[str, Any]) -> None:
        intent["next_action"] = None
        intent["latest_charge"] = self._new_id("ch")
        if intent["capture_method"] == "manual":
            intent["status"], intent["amount_capturable"] = "requires_capture", intent["amount"]
        else:
            intent["status"], intent["amount_received"] = "succeeded", intent["amount"]

    async def _get_intent(self, request: Request) -> JSONResponse:
        _, denied = await self._authorized(request)
        if denied is not None:
            return denied
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return _error(404, "invalid_request_error", "No such payment_intent", code="resource_missing")
        return JSONResponse(intent)

    async def _capture(self, request: Request) -> JSONResponse:
        return await self._idempotent_call(request, self._do_capture)

    def _do_capture(self, request: Request, form: dict[str, str]) -> tuple[int, Any]:
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such"}}
        if intent["status"] != "requires_capture":
            return 400, {"error": {"type": "invalid_request_error", "code": "payment_intent_unexpected_state",
                                   "message": f"This PaymentIntent's status is {intent['status']}."}}
        amount = int(form.get("amount_to_capture") or intent["amount_capturable"])
        if amount > intent["amount_capturable"]:
            return 400, {"error": {"type": "invalid_request_error", "code": "amount_too_large",
                                   "param": "amount_to_capture", "message": "Too large."}}
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        return 200, intent

    async def _cancel(self, request: Request) -> JSONResponse:
        _, denied = await self._authorized(request)
        if denied is not None:
            return denied
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return _error(404, "invalid_request_error", "No such payment_intent", code="resource_missing")
        if intent["status"] in ("succeeded", "canceled"):
            return _error(400, "invalid_request_error", f"This PaymentIntent's status is {intent['status']}.",
                          code="payment_intent_unexpected_state")
        intent.update(status="canceled", amount_capturable=0, next_action=None)
        return JSONResponse(intent)

    async def _refund(self, request: Request) -> JSONResponse:
        return await self._idempotent_call(request, self._do_refund)

    def _do_refund(self, request: Request, form: dict[str, str]) -> tuple[int, Any]:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None:
            return 400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "param": "payment_intent", "message": "No such payment_intent"}}
        refunded = sum(r["amount"] for r in self.refunds if r["payment_intent"] == intent["id"])
        amount = int(form.get("amount") or intent["amount_received"] - refunded)
        if self.refuse_refunds or amount > intent["amount_received"] - refunded:
            return 400, {"error": {"type": "invalid_request_error", "code": "charge_already_refunded"
                                   if self.refuse_refunds else "amount_too_large", "param": "amount",
                                   "message": "Refund amount is greater than unrefunded amount on charge."}}
        refund = {"id": self._new_id("re"), "object": "refund", "amount": amount, "payment_intent": intent["id"],
                  "charge": intent["latest_charge"], "currency": intent["currency"], "status": "succeeded",
                  "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}}
        self.refunds.append(refund)
        return 200, refund

    # --- what tests do to it --------------------------------------------------------------------------------

    def finish_action(self, intent_id: str, *, succeed: bool = True) -> dict[str, Any]:
        """The shopper completes (or fails) 3-D Secure on the redirect page."""
        intent = self.intents[intent_id]
        if succeed:
            self._authorize(intent)
        else:
            intent.update(status="requires_payment_method", next_action=None, last_payment_error={
                "type": "card_error", "code": "payment_intent_authentication_failure",
                "message": "We are unable to authenticate your payment method."})
        return intent

    def event(self, type_: str, intent_id: str, *, event_id: str | None = None) -> dict[str, Any]:
        return {"id": event_id or self._new_id("evt"), "object": "event", "type": type_, "api_version":
                "2025-10-29.clover", "created": int(time.time()), "livemode": False,
                "data": {"object": dict(self.intents[intent_id])}}

    @staticmethod
    def signed(event: dict[str, Any], secret: str, *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return body, {"Stripe-Signature": f"t={timestamp},v1={mac}", "Content-Type": "application/json"}
