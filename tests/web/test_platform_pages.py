"""The platform's pages and a shopper's account over HTTP: signup to a live store, sign in and out, the
account's orders, addresses and preferences."""

import io
import re

import httpx
from PIL import Image

from tests.shop import open_shop
from tests.web.conftest import csrf_of


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


async def test_a_newcomer_signs_up_and_opens_a_store(browser: httpx.AsyncClient) -> None:
    home = await browser.get("/")
    assert home.status_code == 200 and "Start your store" in home.text
    token = csrf_of(home.text)
    setup = await browser.post("/signup", data={"csrf_token": token, "name": "Nia", "email": "nia@example.com",
                                                "password": "a good passphrase"})
    assert "Set up your store" in setup.text and 'aria-current="step">Store' in setup.text
    token = csrf_of(setup.text)  # a new CSRF token after signing in
    step2 = await browser.post("/setup/store", data={"csrf_token": token, "name": "Nia's Candles", "country": "US",
                                                     "currency": "USD", "timezone": "America/New_York",
                                                     "address": "5 Wick Lane, Salem"})
    assert 'aria-current="step">First product' in step2.text
    store_id = re.search(r'name="store_id" value="([^"]+)"', step2.text).group(1)  # type: ignore[union-attr]
    step3 = await browser.post("/setup/product", data={"csrf_token": token, "store_id": store_id,
                                                       "title": "Beeswax Candle", "price": "18.50", "stock": "12"},
                               files={"photo": ("candle.png", _png(), "image/png")})
    assert 'aria-current="step">Payment and shipping' in step3.text, step3.text[-2000:]
    live = await browser.post("/setup/payment", data={"csrf_token": token, "store_id": store_id, "sandbox": "on",
                                                      "manual": "on", "shipping": "4.00"})
    assert "Your store is live!" in live.text and "Beeswax Candle" in live.text and "$18.50" in live.text
    assert str(live.url.path) == "/s/nias-candles/"
    product = await browser.get("/s/nias-candles/products/beeswax-candle")
    assert re.search(r'<img src="/media/[^"]+" alt="Beeswax Candle" width="\d+" height="\d+"', product.text)
    stale = await browser.post("/signup", data={"csrf_token": csrf_of(home.text), "name": "X",
                                                "email": "x@example.com", "password": "short"})
    assert stale.status_code == 403  # the token changed when she signed in
    bad = await browser.post("/signup", data={"csrf_token": csrf_of((await browser.get("/")).text), "name": "X",
                                              "email": "x@example.com", "password": "short"})
    assert bad.status_code == 200 and 'aria-invalid="true" aria-describedby="e-password"' in bad.text


async def test_merchant_sign_in_and_out(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    page = await browser.get("/login")
    token = csrf_of(page.text)
    wrong = await browser.post("/login", data={"csrf_token": token, "email": shop.owner.email, "password": "nope"})
    assert "Sign in" in wrong.text and "flash-error" in wrong.text
    signed = await browser.post("/login", data={"csrf_token": token, "email": shop.owner.email,
                                                "password": "correct horse battery staple"})
    assert str(signed.url.path) == f"/s/{shop.slug}/"
    out = await browser.post("/logout", data={"csrf_token": csrf_of((await browser.get("/")).text)})
    assert "You are signed out." in out.text


async def test_a_shopper_account_with_orders_addresses_and_preferences(client: httpx.AsyncClient,
                                                                       browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    page = await browser.get(f"/s/{shop.slug}/account")
    token = csrf_of(page.text)
    made = await browser.post(f"/s/{shop.slug}/account/signup", data={
        "csrf_token": token, "name": "Sam", "email": "sam.web@example.com", "password": "long enough pass"})
    assert "Hello, Sam" in made.text and "No orders yet." in made.text
    token = csrf_of(made.text)
    saved = await browser.post(f"/s/{shop.slug}/account/addresses", data={
        "csrf_token": token, "name": "Sam", "line1": "9 Elm St", "city": "Springfield", "postal_code": "62701",
        "country": "US"})
    assert "9 Elm St" in saved.text
    prefs = await browser.post(f"/s/{shop.slug}/account/preferences", data={"csrf_token": token, "sms": "on"})
    assert "preferences are saved" in prefs.text
    assert re.search(r'name="sms" checked', prefs.text) and not re.search(r'name="email" checked', prefs.text)
    out = await browser.post(f"/s/{shop.slug}/account/logout", data={"csrf_token": token})
    assert "You are signed out." in out.text
    token = csrf_of((await browser.get(f"/s/{shop.slug}/account")).text)
    back = await browser.post(f"/s/{shop.slug}/account/login", data={
        "csrf_token": token, "email": "sam.web@example.com", "password": "long enough pass"})
    assert "Hello, Sam" in back.text


async def test_a_shopper_turns_on_browser_notifications(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    shop = await open_shop(client)
    page = await browser.get(f"/s/{shop.slug}/account")
    made = await browser.post(f"/s/{shop.slug}/account/signup", data={
        "csrf_token": csrf_of(page.text), "name": "Pia", "email": "pia@example.com", "password": "long enough pass"})
    token = re.search(r'data-csrf="([^"]+)"', made.text).group(1)  # type: ignore[union-attr]
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    subscription = {"endpoint": "https://push.example.net/send/abc123", "expirationTime": None,
                    "keys": {"p256dh": base64.urlsafe_b64encode(public).decode().rstrip("="),
                             "auth": base64.urlsafe_b64encode(b"0123456789abcdef").decode().rstrip("=")}}
    refused = await browser.post(f"/s/{shop.slug}/account/push", json=subscription)
    assert refused.status_code == 403
    accepted = await browser.post(f"/s/{shop.slug}/account/push", json=subscription, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201, accepted.text
    account = await browser.get(f"/s/{shop.slug}/account")
    assert re.search(r'name="push" checked', account.text)
    worker = await browser.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript") and "showNotification" in worker.text
    assert 'class="chat-widget"' in account.text
