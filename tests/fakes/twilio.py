"""A fake Twilio REST API: the Messages resource, with Basic auth, Twilio's error codes and Message shape."""

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status_code=status)


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "fake-auth-token"
    sent: list[dict[str, Any]] = field(default_factory=list)
    unsubscribed: set[str] = field(default_factory=set)
    down: bool = False

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create, methods=["POST"])])

    async def _create(self, request: Request) -> JSONResponse:
        if self.down:
            return _error(503, 20503, "Service unavailable")
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("authorization") != expected or request.path_params["sid"] != self.account_sid:
            return _error(401, 20003, "Authenticate")
        form = {k: str(v) for k, v in (await request.form()).items()}
        to, body = form.get("To", ""), form.get("Body", "")
        if not (to.startswith("+") and to[1:].isdigit() and 8 <= len(to) <= 16):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not body:
            return _error(400, 21604, "A 'Body' or 'MediaUrl' parameter is required.")
        sender = form.get("From") or form.get("MessagingServiceSid")
        if not sender:
            return _error(400, 21606, "The 'From' phone number provided is not a valid message-capable number.")
        if to in self.unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        message = {"sid": "SM" + secrets.token_hex(16), "account_sid": self.account_sid, "to": to,
                   "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"), "body": body,
                   "status": "queued", "num_segments": str(len(body) // 153 + 1), "direction": "outbound-api",
                   "date_created": "Tue, 24 Nov 2026 12:00:00 +0000", "price": None, "error_code": None,
                   "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/SMx.json"}
        self.sent.append(message)
        return JSONResponse(message, status_code=201)
