"""BTCPay Server against a local fake: invoices and their checkout link, settled / expired / invalid
webhooks signed with BTCPay-Sig (bad signature, replays and redeliveries, out of order), late payment after
our own expiry, refunds as pull payments."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from metco.kit.clock import utcnow
from tests.fakes.btcpay import FakeBTCPay
from tests.fakes.server import serve
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


@pytest.fixture(scope="module")
def btcpay() -> Iterator[FakeBTCPay]:
    fake = FakeBTCPay()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


async def _connect(client: httpx.AsyncClient, shop: Shop, fake: FakeBTCPay, **overrides: Any) -> httpx.Response:
    return await client.put(f"/stores/{shop.id}/payment-providers/btcpay", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"server_url": fake.base_url, "store_id": fake.store_id, "api_key": fake.api_key,
                                      "webhook_secret": fake.webhook_secret, **overrides}})


async def _pending(client: httpx.AsyncClient, fake: FakeBTCPay) -> tuple[Shop, dict[str, Any], str]:
    shop = await open_shop(client, stock=5)
    assert (await _connect(client, shop, fake)).status_code == 200
    cart = await cart_with(client, shop, quantity=2)
    response = await checkout(client, shop, cart["id"], provider="btcpay", token=None)
    assert response.status_code == 201, response.text
    order = response.json()
    return shop, order, order["next_action"]["url"].rsplit("/", 1)[1]


async def _order(client: httpx.AsyncClient, shop: Shop, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get(f"/stores/{shop.id}/orders/{order_id}",
                                               headers=shop.owner.headers)).json()
    return result


async def _send(client: httpx.AsyncClient, shop: Shop, message: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = message
    return await client.post(f"/webhooks/payments/btcpay/{shop.id}", content=body, headers=headers)


async def test_connecting_needs_the_key_and_a_real_address(client: httpx.AsyncClient, btcpay: FakeBTCPay) -> None:
    shop = await open_shop(client)
    assert_problem(await _connect(client, shop, btcpay, api_key=None), 422, field="settings.api_key")
    assert_problem(await _connect(client, shop, btcpay, server_url="ftp://btcpay"), 422, field="settings.server_url")
    listed = (await _connect(client, shop, btcpay)).json()
    assert listed["secrets_set"] == ["api_key", "webhook_secret"] and btcpay.api_key not in str(listed)


async def test_an_invoice_settles_and_confirms_the_order_once(client: httpx.AsyncClient, btcpay: FakeBTCPay) -> None:
    shop, order, invoice = await _pending(client, btcpay)
    assert (order["status"], order["payment_status"]) == ("pending", "pending")
    assert order["next_action"] == {"type": "redirect", "url": f"{btcpay.base_url}/i/{invoice}"}
    assert btcpay.invoices[invoice]["amount"] == f"{order['totals']['total'] / 100:.2f}"
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 2, "available": 3}
    assert_problem(await _send(client, shop, btcpay.webhook("InvoiceSettled", invoice, secret="wrong")), 400)
    assert (await _order(client, shop, order["id"]))["payment_status"] == "pending"
    btcpay.set_status(invoice, "Settled")
    first = btcpay.webhook("InvoiceSettled", invoice, delivery_id="DLV-A")
    answers = [await _send(client, shop, first) for _ in range(5)]
    answers += [await _send(client, shop, btcpay.webhook("InvoiceSettled", invoice, redelivery_of="DLV-A"))
                for _ in range(5)]
    assert [a.json()["duplicate"] for a in answers] == [False] + [True] * 9
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("confirmed", "paid")
    assert [e["type"] for e in after["timeline"]].count("confirmed") == 1
    late = await _send(client, shop, btcpay.webhook("InvoiceExpired", invoice))
    assert late.status_code == 200
    assert (await _order(client, shop, order["id"]))["payment_status"] == "paid"  # never backwards


@pytest.mark.parametrize(("event", "status"), [("InvoiceExpired", "Expired"), ("InvoiceInvalid", "Invalid")])
async def test_an_expired_or_invalid_invoice_cancels_and_frees_the_stock(
        client: httpx.AsyncClient, btcpay: FakeBTCPay, event: str, status: str) -> None:
    shop, order, invoice = await _pending(client, btcpay)
    btcpay.set_status(invoice, status)
    assert (await _send(client, shop, btcpay.webhook(event, invoice))).status_code == 200
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("cancelled", "failed")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}


async def test_the_return_page_confirms_without_waiting_for_the_webhook(client: httpx.AsyncClient,
                                                                        btcpay: FakeBTCPay) -> None:
    shop, order, invoice = await _pending(client, btcpay)
    back = f"/storefront/{shop.slug}/orders/{order['id']}/refresh-payment"
    btcpay.set_status(invoice, "Processing")
    assert (await client.post(back, params={"access_token": order["access_token"]})).json()["status"] == "pending"
    btcpay.set_status(invoice, "Settled")
    assert (await client.post(back, params={"access_token": order["access_token"]})).json()["status"] == "confirmed"


async def test_money_after_our_own_expiry_goes_back(app: FastAPI, client: httpx.AsyncClient, btcpay: FakeBTCPay) -> None:
    from metco.orders import service as orders_service

    shop, order, invoice = await _pending(client, btcpay)
    async with app.state.db.sessionmaker() as session:
        assert await orders_service.expire_unpaid(session, now=utcnow() + timedelta(hours=1)) >= 1
        await session.commit()
    assert btcpay.invoices[invoice]["status"] == "Invalid"  # we voided the invoice when the order lapsed
    btcpay.set_status(invoice, "Settled")  # ... but the coins were already on their way
    assert (await _send(client, shop, btcpay.webhook("InvoiceSettled", invoice))).status_code == 200
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("cancelled", "refunded")
    assert [p["invoiceId"] for p in btcpay.pull_payments].count(invoice) == 1


async def test_refunds_are_pull_payments(client: httpx.AsyncClient, btcpay: FakeBTCPay) -> None:
    shop, order, invoice = await _pending(client, btcpay)
    btcpay.set_status(invoice, "Settled")
    await _send(client, shop, btcpay.webhook("InvoiceSettled", invoice))
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    partial = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "a"}, json={"amount": 1500})
    assert partial.json()["payment_status"] == "partially_refunded"
    assert [(p["amount"], p["currency"]) for p in btcpay.pull_payments if p["invoiceId"] == invoice] == [("15.00", "USD")]
    assert_problem(await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "b"},
                                     json={"amount": order["totals"]["total"]}), 422, field="amount")


async def test_a_refused_invoice_is_a_decline_with_nothing_held(client: httpx.AsyncClient, btcpay: FakeBTCPay) -> None:
    shop = await open_shop(client, stock=5)
    await _connect(client, shop, btcpay, api_key="not-the-key")
    cart = await cart_with(client, shop)
    response = await checkout(client, shop, cart["id"], provider="btcpay", token=None)
    assert_problem(response, 402)
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}
