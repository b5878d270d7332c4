"""Links to an order that a shopper can open without signing in (in their emails): the order's id signed
with the secret key, accepted wherever the order's access token is."""

import hashlib
import hmac
import uuid

from metco.config import Settings


def link_token(settings: Settings, order_id: uuid.UUID) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return "olk_" + hmac.new(key, f"order-link:{order_id}".encode(), hashlib.sha256).hexdigest()[:48]


def is_link_token(settings: Settings, order_id: uuid.UUID, candidate: str) -> bool:
    return hmac.compare_digest(link_token(settings, order_id), candidate)


def order_url(settings: Settings, *, slug: str, order_id: uuid.UUID) -> str:
    return f"{settings.base_url}/s/{slug}/orders/{order_id}?access_token={link_token(settings, order_id)}"
