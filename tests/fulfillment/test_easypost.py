"""EasyPost against a local fake: labels bought for a chosen or the cheapest rate, a refusal that creates
nothing, and tracker webhooks (bad signature, replays, out of order) moving the fulfillment and the order."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fakes.easypost import FakeEasyPost
from tests.fakes.server import serve
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop


@pytest.fixture(scope="module")
def fake_easypost() -> Iterator[FakeEasyPost]:
    fake = FakeEasyPost()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def easypost(app: FastAPI, fake_easypost: FakeEasyPost) -> AsyncIterator[FakeEasyPost]:
    before = app.state.settings.easypost_api_base
    app.state.settings.easypost_api_base = fake_easypost.base_url
    yield fake_easypost
    app.state.settings.easypost_api_base = before


async def _connect(client: httpx.AsyncClient, shop: Shop, fake: FakeEasyPost, **extra: Any) -> httpx.Response:
    return await client.put(f"/stores/{shop.id}/carriers/easypost", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"api_key": fake.api_key, "webhook_secret": fake.webhook_secret,
                                      "from_line1": "1 Dock St", "from_city": "Portland", "from_region": "OR",
                                      "from_postal_code": "97201", "from_country": "US", **extra}})


async def _order(client: httpx.AsyncClient, shop: Shop) -> dict[str, Any]:
    result: dict[str, Any] = (await checkout(client, shop, (await cart_with(client, shop, quantity=2))["id"])).json()
    return result


async def _send(client: httpx.AsyncClient, shop: Shop, message: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = message
    return await client.post(f"/webhooks/carriers/easypost/{shop.id}", content=body, headers=headers)


async def test_connecting_keeps_the_key_secret(client: httpx.AsyncClient, easypost: FakeEasyPost) -> None:
    shop = await open_shop(client)
    assert_problem(await _connect(client, shop, easypost, api_key=None), 422, field="settings.api_key")
    listed = (await client.get(f"/stores/{shop.id}/carriers", headers=shop.owner.headers)).json()
    assert {c["carrier"] for c in listed} >= {"manual", "easypost", "shiprocket"}
    connected = (await _connect(client, shop, easypost)).json()
    assert connected["secrets_set"] == ["api_key", "webhook_secret"] and easypost.api_key not in str(connected)


async def test_a_label_for_the_chosen_or_the_cheapest_rate(client: httpx.AsyncClient, easypost: FakeEasyPost) -> None:
    shop = await open_shop(client)
    await _connect(client, shop, easypost)
    order = await _order(client, shop)
    made = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                             json={"integration": "easypost", "service": "UPS:Ground"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["carrier"], body["service"]) == ("UPS", "UPS:Ground")
    assert body["tracking_number"].startswith("EZ") and body["label_url"].endswith(".png")
    assert body["tracking_url"] == f"https://track.easypost.com/{body['tracking_number']}"
    shipment = easypost.shipments[easypost.bought[-1]]
    assert shipment["to_address"]["zip"] == "62701" and shipment["from_address"]["city"] == "Portland"
    cheap = await client.post(f"/stores/{shop.id}/orders/{(await _order(client, shop))['id']}/fulfillments",
                              headers=shop.owner.headers, json={"integration": "easypost"})
    assert cheap.json()["service"] == "USPS:Priority"


async def test_a_refused_shipment_creates_nothing(client: httpx.AsyncClient, easypost: FakeEasyPost) -> None:
    shop = await open_shop(client)
    await _connect(client, shop, easypost)
    order = await _order(client, shop)
    easypost.down = True
    try:
        response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments",
                                     headers=shop.owner.headers, json={"integration": "easypost"})
    finally:
        easypost.down = False
    assert_problem(response, 502)
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert (after["fulfillment_status"], after["fulfillments"]) == ("unfulfilled", [])


async def test_tracker_webhooks_move_the_shipment_once_and_forward(client: httpx.AsyncClient,
                                                                   easypost: FakeEasyPost) -> None:
    shop = await open_shop(client)
    await _connect(client, shop, easypost)
    order = await _order(client, shop)
    fulfillment = (await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments",
                                     headers=shop.owner.headers, json={"integration": "easypost"})).json()
    shipment_id = easypost.bought[-1]
    forged = easypost.webhook(shipment_id, "delivered", secret="not-the-secret")
    assert_problem(await _send(client, shop, forged), 400)
    moving = easypost.webhook(shipment_id, "in_transit", event_id="evt_same", when="2026-11-24T10:00:00Z")
    answers = [await _send(client, shop, moving) for _ in range(10)]
    assert [a.json()["applied"] for a in answers] == [1] + [0] * 9
    url = f"/stores/{shop.id}/fulfillments/{fulfillment['id']}"
    assert (await client.get(url, headers=shop.owner.headers)).json()["status"] == "in_transit"
    assert (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()[
        "status"] == "shipped"
    await _send(client, shop, easypost.webhook(shipment_id, "delivered", when="2026-11-25T10:00:00Z"))
    await _send(client, shop, easypost.webhook(shipment_id, "in_transit", when="2026-11-24T18:00:00Z"))  # late
    after = (await client.get(url, headers=shop.owner.headers)).json()
    assert after["status"] == "delivered"
    assert [t["status"] for t in after["tracking"]].count("in_transit") == 1
    assert len(after["tracking"]) == 4  # created, in transit, delivered, and the late update kept on record
    order_after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert order_after["status"] == "delivered"
