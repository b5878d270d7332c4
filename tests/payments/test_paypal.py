"""PayPal Orders v2 against a local fake: approval redirect, capture on return or on the approval webhook,
webhooks verified by PayPal (bad signature, replay, out of order), refunds through the capture."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fakes.paypal import FakePayPal
from tests.fakes.server import serve
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


@pytest.fixture(scope="module")
def fake_paypal() -> Iterator[FakePayPal]:
    fake = FakePayPal()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def paypal(app: FastAPI, fake_paypal: FakePayPal) -> AsyncIterator[FakePayPal]:
    before = app.state.settings.paypal_api_base
    app.state.settings.paypal_api_base = fake_paypal.base_url
    yield fake_paypal
    app.state.settings.paypal_api_base = before


async def _connect(client: httpx.AsyncClient, shop: Shop, fake: FakePayPal) -> dict[str, Any]:
    response = await client.put(f"/stores/{shop.id}/payment-providers/paypal", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"client_id": fake.client_id, "client_secret": fake.client_secret,
                                      "webhook_id": fake.webhook_id}})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _pending(client: httpx.AsyncClient, fake: FakePayPal, quantity: int = 2) -> tuple[Shop, dict[str, Any], str]:
    shop = await open_shop(client, stock=5)
    await _connect(client, shop, fake)
    cart = await cart_with(client, shop, quantity=quantity)
    response = await checkout(client, shop, cart["id"], provider="paypal", token=None)
    assert response.status_code == 201, response.text
    order = response.json()
    paypal_order = order["next_action"]["url"].rsplit("token=", 1)[1]
    return shop, order, paypal_order


async def _order(client: httpx.AsyncClient, shop: Shop, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get(f"/stores/{shop.id}/orders/{order_id}",
                                               headers=shop.owner.headers)).json()
    return result


async def _send(client: httpx.AsyncClient, shop: Shop, message: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = message
    return await client.post(f"/webhooks/payments/paypal/{shop.id}", content=body, headers=headers)


async def test_connecting_paypal_keeps_the_secret(client: httpx.AsyncClient, paypal: FakePayPal) -> None:
    shop = await open_shop(client)
    refused = await client.put(f"/stores/{shop.id}/payment-providers/paypal", headers=shop.owner.headers,
                               json={"enabled": True, "settings": {"client_id": "x", "webhook_id": "y"}})
    assert_problem(refused, 422, field="settings.client_secret")
    connected = await _connect(client, shop, paypal)
    assert connected["secrets_set"] == ["client_secret"] and paypal.client_secret not in str(connected)
    assert connected["settings"]["mode"] == "sandbox"


async def test_the_shopper_approves_and_comes_back(client: httpx.AsyncClient, paypal: FakePayPal) -> None:
    shop, order, paypal_order = await _pending(client, paypal)
    assert (order["status"], order["payment_status"]) == ("pending", "pending")
    assert order["next_action"]["url"].startswith("https://www.sandbox.paypal.com/checkoutnow?token=")
    assert paypal.orders[paypal_order]["purchase_units"][0]["amount"]["value"] == f"{order['totals']['total'] / 100:.2f}"
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 2, "available": 3}
    back = f"/storefront/{shop.slug}/orders/{order['id']}/refresh-payment"
    assert (await client.post(back, params={"access_token": order["access_token"]})).json()["status"] == "pending"
    paypal.approve(paypal_order)
    done = (await client.post(back, params={"access_token": order["access_token"]})).json()
    assert (done["status"], done["payment_status"]) == ("confirmed", "paid")
    assert paypal.orders[paypal_order]["status"] == "COMPLETED"
    assert await stock_of(client, shop) == {"on_hand": 3, "reserved": 0, "available": 3}


async def test_the_approval_webhook_captures_and_replays_change_nothing(client: httpx.AsyncClient,
                                                                        paypal: FakePayPal) -> None:
    shop, order, paypal_order = await _pending(client, paypal)
    paypal.approve(paypal_order)
    forged = paypal.webhook("CHECKOUT.ORDER.APPROVED", {"id": paypal_order}, webhook_id="WH-SOMEONE-ELSE")
    assert_problem(await _send(client, shop, forged), 400)
    assert (await _order(client, shop, order["id"]))["payment_status"] == "pending"
    message = paypal.webhook("CHECKOUT.ORDER.APPROVED", {"id": paypal_order}, event_id="WH-SAME")
    answers = [await _send(client, shop, message) for _ in range(10)]
    assert [a.json()["duplicate"] for a in answers] == [False] + [True] * 9
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("confirmed", "paid")
    assert [e["type"] for e in after["timeline"]].count("payment_captured") == 1
    # A denial that arrives late (out of order) moves nothing back.
    late = paypal.webhook("PAYMENT.CAPTURE.DENIED", paypal.capture_resource(paypal_order))
    assert (await _send(client, shop, late)).status_code == 200
    assert (await _order(client, shop, order["id"]))["payment_status"] == "paid"


async def test_a_denied_capture_cancels_the_order_and_frees_the_stock(client: httpx.AsyncClient,
                                                                      paypal: FakePayPal) -> None:
    shop, order, paypal_order = await _pending(client, paypal)
    denied = paypal.webhook("PAYMENT.CAPTURE.DENIED", paypal.capture_resource(paypal_order))
    assert (await _send(client, shop, denied)).status_code == 200
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("cancelled", "failed")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}


async def test_refunds_go_through_the_capture(client: httpx.AsyncClient, paypal: FakePayPal) -> None:
    shop, order, paypal_order = await _pending(client, paypal)
    paypal.approve(paypal_order)
    await client.post(f"/storefront/{shop.slug}/orders/{order['id']}/refresh-payment",
                      params={"access_token": order["access_token"]})
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    total = order["totals"]["total"]
    first = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "a"}, json={"amount": 1000,
                                                                                               "reason": "Late"})
    assert first.json()["payment_status"] == "partially_refunded"
    assert_problem(await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "b"},
                                     json={"amount": total}), 422, field="amount")
    rest = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "c"}, json={"amount": total - 1000})
    assert rest.json()["payment_status"] == "refunded"
    capture_id = paypal.orders[paypal_order]["purchase_units"][0]["payments"]["captures"][0]["id"]
    assert [r["amount"]["value"] for r in paypal.refunds if r["capture_id"] == capture_id] == [
        "10.00", f"{(total - 1000) / 100:.2f}"]


async def test_paypal_refusing_the_order_is_a_decline_with_nothing_held(client: httpx.AsyncClient,
                                                                        paypal: FakePayPal) -> None:
    shop = await open_shop(client, stock=5)
    await _connect(client, shop, paypal)
    cart = await cart_with(client, shop)
    paypal.refuse_next_order = True
    response = await checkout(client, shop, cart["id"], provider="paypal", token=None)
    assert assert_problem(response, 402)["decline_code"] == "PAYEE_ACCOUNT_RESTRICTED"
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}
