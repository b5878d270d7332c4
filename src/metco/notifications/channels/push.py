"""Web Push (RFC 8030) with VAPID (RFC 8292) and message encryption (RFC 8291, aes128gcm), with
`cryptography` only. Without METCO_VAPID_PRIVATE_KEY the key is derived from METCO_SECRET_KEY, so it is
stable across restarts and push works with no set-up."""

import base64
import json
import os
import struct
import time
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from metco.config import Settings
from metco.notifications.channels.base import DeliveryFailed, OutgoingMessage

RECORD_SIZE = 4096
TTL_SECONDS = 86_400
# The order of the P-256 group: a derived scalar must lie in [1, n - 1].
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_key(settings: Settings) -> ec.EllipticCurvePrivateKey:
    configured = settings.vapid_private_key.get_secret_value().strip() if settings.vapid_private_key else ""
    if configured.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(configured.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("METCO_VAPID_PRIVATE_KEY is not an EC private key")
        return key
    if configured:
        return ec.derive_private_key(int.from_bytes(b64url_decode(configured), "big"), ec.SECP256R1())
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"metco-vapid", info=b"web-push").derive(
        settings.secret_key.get_secret_value().encode())
    return ec.derive_private_key(int.from_bytes(seed, "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())


def _raw_public(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def vapid_public_key(settings: Settings) -> str:
    """The applicationServerKey a browser subscribes with (base64url of the uncompressed P-256 point)."""
    return b64url(_raw_public(vapid_key(settings).public_key()))


def vapid_header(settings: Settings, endpoint: str, *, now: float | None = None) -> str:
    """`Authorization: vapid t=<ES256 JWT>, k=<public key>` for the push service behind `endpoint`."""
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int((now or time.time()) + 12 * 3600),
              "sub": settings.vapid_subject}
    signing_input = b".".join(b64url(json.dumps(x, separators=(",", ":")).encode()).encode()
                              for x in ({"typ": "JWT", "alg": "ES256"}, claims))
    key = vapid_key(settings)
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"vapid t={signing_input.decode()}.{b64url(signature)}, k={b64url(_raw_public(key.public_key()))}"


def encrypt(payload: bytes, *, p256dh: str, auth: str, salt: bytes | None = None,
            server_key: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    """RFC 8291: the body of a push message for the subscription with keys (p256dh, auth), aes128gcm."""
    ua_public_raw = b64url_decode(p256dh)
    ua_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public_raw)
    server_key = server_key or ec.generate_private_key(ec.SECP256R1())
    as_public_raw = _raw_public(server_key.public_key())
    shared = server_key.exchange(ec.ECDH(), ua_public)
    ikm = HKDF(algorithm=hashes.SHA256(), length=32, salt=b64url_decode(auth),
               info=b"WebPush: info\x00" + ua_public_raw + as_public_raw).derive(shared)
    salt = salt or os.urandom(16)
    cek = HKDF(algorithm=hashes.SHA256(), length=16, salt=salt, info=b"Content-Encoding: aes128gcm\x00").derive(ikm)
    nonce = HKDF(algorithm=hashes.SHA256(), length=12, salt=salt, info=b"Content-Encoding: nonce\x00").derive(ikm)
    if len(payload) > RECORD_SIZE - 17 - 86:
        raise ValueError("a push message holds at most about 3993 bytes")
    ciphertext = AESGCM(cek).encrypt(nonce, payload + b"\x02", None)
    return salt + struct.pack("!IB", RECORD_SIZE, len(as_public_raw)) + as_public_raw + ciphertext


class WebPushChannel:
    name = "push"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> str | None:
        p256dh, auth = message.data.get("p256dh"), message.data.get("auth")
        if not p256dh or not auth:
            raise DeliveryFailed("The push subscription has no keys.", permanent=True)
        payload = json.dumps({"title": message.subject or message.sender_name, "body": message.text,
                              "url": message.data.get("url")}).encode()
        try:
            body = encrypt(payload, p256dh=str(p256dh), auth=str(auth))
        except ValueError as exc:
            raise DeliveryFailed(f"The push message cannot be encrypted: {exc}", permanent=True) from exc
        headers = {"TTL": str(TTL_SECONDS), "Content-Encoding": "aes128gcm", "Urgency": "normal",
                   "Content-Type": "application/octet-stream",
                   "Authorization": vapid_header(self.settings, message.recipient)}
        try:
            async with httpx.AsyncClient(timeout=15) as http:
                response = await http.post(message.recipient, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"The push service is not reachable: {exc!r}") from exc
        if response.status_code in (200, 201, 202):
            location: str | None = response.headers.get("location")
            return location
        if response.status_code in (404, 410):
            raise DeliveryFailed("The subscription is gone (the browser unsubscribed).", permanent=True)
        raise DeliveryFailed(f"The push service answered {response.status_code}: {response.text[:200]}",
                             permanent=response.status_code in (400, 403, 413))
