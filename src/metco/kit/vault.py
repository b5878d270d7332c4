"""Secrets at rest: sealed with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from METCO_SECRET_KEY.

A sealed value is useless without the secret key; rotating the key means re-entering the sealed settings."""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from metco.config import Settings


class SealBroken(Exception):
    """The sealed value was not made with this secret key, or was tampered with."""


def _fernet(settings: Settings) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"metco-vault", info=b"provider-secrets").derive(
        settings.secret_key.get_secret_value().encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(settings: Settings, values: dict[str, str]) -> str:
    return _fernet(settings).encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def unseal(settings: Settings, sealed: str | None) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        values: dict[str, str] = json.loads(_fernet(settings).decrypt(sealed.encode()))
    except InvalidToken as exc:
        raise SealBroken("The sealed settings do not open with this secret key.") from exc
    return values
