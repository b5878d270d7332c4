"""A fake Web Push service (like Mozilla's autopush or FCM): it checks the VAPID JWT against the key in the
Authorization header and its own origin, decrypts each message with http_ece (an implementation that is not
ours) using the subscription's private key, and keeps what it decrypted."""

import base64
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    key: ec.EllipticCurvePrivateKey
    auth: bytes


@dataclass
class FakePushService:
    base_url: str = ""
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/push/{sid}", self._push, methods=["POST"])])

    def new_subscription(self) -> dict[str, Any]:
        """What a browser's PushSubscription.toJSON() gives."""
        sid = _b64(os.urandom(9))
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.subscriptions[sid] = Subscription(key, auth)
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.base_url}/push/{sid}", "expirationTime": None,
                "keys": {"p256dh": _b64(public), "auth": _b64(auth)}}

    def check_vapid(self, header: str) -> str | None:
        """Why the Authorization header is not acceptable, or None."""
        try:
            scheme, _, rest = header.partition(" ")
            params = dict(part.strip().split("=", 1) for part in rest.split(","))
            token, key = params["t"], params["k"]
            head, claims, signature = token.split(".")
        except (KeyError, ValueError):
            return "malformed"
        if scheme != "vapid":
            return "not vapid"
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key))
        raw = _unb64(signature)
        if len(raw) != 64:
            return "bad signature length"
        try:
            public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                          f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "bad signature"
        body = json.loads(_unb64(claims))
        if body.get("aud") != self.base_url:
            return "wrong audience"
        if not time.time() < body.get("exp", 0) <= time.time() + 24 * 3600:
            return "bad expiry"
        return None

    async def _push(self, request: Request) -> Response:
        if self.down:
            return Response(status_code=503)
        subscription = self.subscriptions.get(request.path_params["sid"])
        if subscription is None:
            return Response(status_code=410)
        problem = self.check_vapid(request.headers.get("authorization", ""))
        if problem:
            return Response(problem, status_code=403 if problem in ("wrong audience", "bad expiry") else 401)
        if request.headers.get("content-encoding") != "aes128gcm" or not request.headers.get("ttl"):
            return Response("needs aes128gcm and TTL", status_code=400)
        plain = http_ece.decrypt(await request.body(), private_key=subscription.key, auth_secret=subscription.auth,
                                 version="aes128gcm")
        self.received.append({"subscription": request.path_params["sid"], "message": json.loads(plain),
                              "urgency": request.headers.get("urgency")})
        return Response(status_code=201, headers={"Location": f"{self.base_url}/m/{len(self.received)}"})
