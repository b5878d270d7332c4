"""The browser's session: a small signed cookie (HMAC-SHA256 under the secret key) holding the shopper's or
merchant's access token, their cart per store, a CSRF token and a one-shot flash message. HttpOnly,
SameSite=Lax, and Secure whenever the site is served over https."""

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from fastapi import Request, Response

from metco.config import Settings

COOKIE = "metco_session"
MAX_AGE = 30 * 24 * 3600


def _sign(settings: Settings, payload: bytes) -> str:
    key = hashlib.sha256(b"web-session:" + settings.secret_key.get_secret_value().encode()).digest()
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode().rstrip("=")


class _Tracked(dict[str, Any]):
    """The session's data: any change marks the session to be saved."""

    def __init__(self, owner: "WebSession", data: dict[str, Any]) -> None:
        super().__init__(data)
        self._owner = owner

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._owner.changed = True

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._owner.changed = True

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        if key in self:
            self._owner.changed = True
        return super().pop(key, *default)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        super().update(*args, **kwargs)
        self._owner.changed = True


class WebSession:
    def __init__(self, data: dict[str, Any]) -> None:
        self.changed = False
        self.data: dict[str, Any] = _Tracked(self, data)

    @classmethod
    def load(cls, request: Request, settings: Settings) -> "WebSession":
        raw = request.cookies.get(COOKIE, "")
        body, _, signature = raw.rpartition(".")
        if body and hmac.compare_digest(_sign(settings, body.encode()), signature):
            try:
                data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
                if isinstance(data, dict):
                    return cls(data)
            except ValueError:
                pass
        return cls({})

    def save(self, response: Response, settings: Settings) -> None:
        if not self.changed:
            return
        body = base64.urlsafe_b64encode(json.dumps(dict(self.data), separators=(",", ":")).encode()).decode().rstrip("=")
        response.set_cookie(COOKIE, f"{body}.{_sign(settings, body.encode())}", max_age=MAX_AGE, httponly=True,
                            samesite="lax", secure=settings.base_url.startswith("https://"), path="/")

    @property
    def csrf(self) -> str:
        token = self.data.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(24)
            self.data["csrf"] = token
            self.changed = True
        return token

    def csrf_ok(self, candidate: str | None) -> bool:
        token = self.data.get("csrf")
        return isinstance(token, str) and candidate is not None and hmac.compare_digest(token, candidate)

    @property
    def token(self) -> str | None:
        value = self.data.get("token")
        return value if isinstance(value, str) else None

    def sign_in(self, token: str, name: str) -> None:
        self.data.update(token=token, name=name, csrf=secrets.token_urlsafe(24))  # a new CSRF token per sign-in
        self.changed = True

    def sign_out(self) -> None:
        for key in ("token", "name"):
            self.data.pop(key, None)
        self.data["csrf"] = secrets.token_urlsafe(24)
        self.changed = True

    def cart(self, slug: str) -> str | None:
        value = (self.data.get("carts") or {}).get(slug)
        return value if isinstance(value, str) else None

    def set_cart(self, slug: str, cart_id: str | None) -> None:
        carts = dict(self.data.get("carts") or {})
        if cart_id is None:
            carts.pop(slug, None)
        else:
            carts[slug] = cart_id
        self.data["carts"] = carts
        self.changed = True

    def flash(self, message: str, kind: str = "info") -> None:
        self.data["flash"] = {"message": message, "kind": kind}
        self.changed = True

    def take_flash(self) -> dict[str, str] | None:
        value = self.data.pop("flash", None)
        if value is not None:
            self.changed = True
        return value if isinstance(value, dict) else None
