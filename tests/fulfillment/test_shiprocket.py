"""Shiprocket against a local fake: login once, an order with an AWB and a label, a refusal that creates
nothing, and tracking webhooks (wrong token, replays, out of order, RTO)."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fakes.server import serve
from tests.fakes.shiprocket import FakeShiprocket
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop

TOKEN = "sr-webhook-token"
MUMBAI = {"name": "Asha Rao", "line1": "12 Marine Drive", "city": "Mumbai", "region": "MH",
          "postal_code": "400020", "country": "IN", "phone": "+919820000000"}


@pytest.fixture(scope="module")
def fake_shiprocket() -> Iterator[FakeShiprocket]:
    fake = FakeShiprocket()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def shiprocket(app: FastAPI, fake_shiprocket: FakeShiprocket) -> AsyncIterator[FakeShiprocket]:
    before = app.state.settings.shiprocket_api_base
    app.state.settings.shiprocket_api_base = fake_shiprocket.base_url
    yield fake_shiprocket
    app.state.settings.shiprocket_api_base = before


async def _shop(client: httpx.AsyncClient, fake: FakeShiprocket, **extra: Any) -> tuple[Shop, httpx.Response]:
    shop = await open_shop(client)
    await client.post(f"/stores/{shop.id}/shipping-zones", headers=shop.owner.headers, json={
        "name": "India", "countries": ["IN"], "rates": [{"name": "Standard", "price": 800}]})
    response = await client.put(f"/stores/{shop.id}/carriers/shiprocket", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"email": fake.email, "password": fake.password, "pickup_location": "Primary",
                                      "webhook_token": TOKEN, "from_postal_code": "110001", **extra}})
    return shop, response


async def _order(client: httpx.AsyncClient, shop: Shop, address: dict[str, str] = MUMBAI) -> dict[str, Any]:
    cart = await cart_with(client, shop, ship=False)
    await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-address", json=address)
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")).json()
    await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rate", json={"rate_id": rates[0]["id"]})
    response = await checkout(client, shop, cart["id"])
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _send(client: httpx.AsyncClient, shop: Shop, message: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = message
    return await client.post(f"/webhooks/carriers/shiprocket/{shop.id}", content=body, headers=headers)


async def test_connecting_needs_the_password(client: httpx.AsyncClient, shiprocket: FakeShiprocket) -> None:
    _, refused = await _shop(client, shiprocket, password=None)
    assert_problem(refused, 422, field="settings.password")
    _, connected = await _shop(client, shiprocket)
    assert connected.json()["secrets_set"] == ["password", "webhook_token"]
    assert shiprocket.password not in connected.text


async def test_an_awb_and_a_label_with_one_login(client: httpx.AsyncClient, shiprocket: FakeShiprocket) -> None:
    shop, _ = await _shop(client, shiprocket, email="once@shop.example")
    shiprocket.email = "once@shop.example"
    try:
        logins = shiprocket.logins
        made = []
        for _ in range(2):
            order = await _order(client, shop)
            response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments",
                                         headers=shop.owner.headers, json={"integration": "shiprocket"})
            assert response.status_code == 201, response.text
            made.append(response.json())
        assert shiprocket.logins == logins + 1  # the token is kept
    finally:
        shiprocket.email = "api@shop.example"
    first = made[0]
    assert first["tracking_number"].startswith("1417") and first["carrier"] == "Delhivery Surface"
    assert first["label_url"].endswith(".pdf")
    assert first["tracking_url"] == f"https://shiprocket.co/tracking/{first['tracking_number']}"
    sent = next(o for o in shiprocket.orders.values() if o["awb"] == first["tracking_number"])["order"]
    assert (sent["billing_pincode"], sent["billing_city"], sent["payment_method"]) == ("400020", "Mumbai", "Prepaid")


async def test_a_refused_order_creates_nothing(client: httpx.AsyncClient, shiprocket: FakeShiprocket) -> None:
    shop, _ = await _shop(client, shiprocket)
    order = await _order(client, shop, {**MUMBAI, "country": "US", "postal_code": "62701", "region": "IL"})
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                                 json={"integration": "shiprocket"})
    assert_problem(response, 502)
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert after["fulfillments"] == [] and after["fulfillment_status"] == "unfulfilled"


async def test_tracking_updates_move_the_parcel_once_and_forward(client: httpx.AsyncClient,
                                                                 shiprocket: FakeShiprocket) -> None:
    shop, _ = await _shop(client, shiprocket)
    order = await _order(client, shop)
    fulfillment = (await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments",
                                     headers=shop.owner.headers, json={"integration": "shiprocket"})).json()
    awb = fulfillment["tracking_number"]
    assert_problem(await _send(client, shop, shiprocket.webhook(awb, 7, "DELIVERED", "wrong-token")), 400)
    shipped = shiprocket.webhook(awb, 6, "SHIPPED", TOKEN, when="24 11 2026 09:00:00")
    answers = [await _send(client, shop, shipped) for _ in range(10)]
    assert [a.json()["applied"] for a in answers] == [1] + [0] * 9
    await _send(client, shop, shiprocket.webhook(awb, 18, "IN TRANSIT", TOKEN, when="24 11 2026 15:00:00"))
    await _send(client, shop, shiprocket.webhook(awb, 7, "DELIVERED", TOKEN, when="26 11 2026 12:00:00"))
    await _send(client, shop, shiprocket.webhook(awb, 18, "IN TRANSIT", TOKEN, when="25 11 2026 08:00:00"))
    url = f"/stores/{shop.id}/fulfillments/{fulfillment['id']}"
    after = (await client.get(url, headers=shop.owner.headers)).json()
    assert after["status"] == "delivered" and after["delivered_at"].startswith("2026-11-26T06:30")
    order_after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert order_after["status"] == "delivered"
    await _send(client, shop, shiprocket.webhook(awb, 10, "RTO DELIVERED", TOKEN, when="30 11 2026 10:00:00"))
    assert (await client.get(url, headers=shop.owner.headers)).json()["status"] == "returned"
