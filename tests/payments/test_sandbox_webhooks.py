"""The sandbox's signed confirmation callbacks: verified, applied once, never moving a payment backwards."""

import json
import uuid

import httpx
from fastapi import FastAPI

from metco.payments.providers.sandbox import HEADER as SANDBOX_HEADER
from metco.payments.providers.sandbox import webhook_secret as sandbox_secret
from metco.payments.signatures import sign
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


async def _pending_order(client: httpx.AsyncClient) -> tuple[Shop, dict]:
    shop = await open_shop(client, stock=5)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"], token="tok_pending")).json()
    assert order["payment_status"] == "pending"
    return shop, order


async def _reference(client: httpx.AsyncClient, shop: Shop, order_id: str) -> str:
    # The provider reference is the sandbox's own id for the payment; staff see it on the order.
    from sqlalchemy import select

    from metco.payments.models import Payment

    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    async with app.state.db.sessionmaker() as session:
        payment = (await session.scalars(select(Payment).where(Payment.order_id == uuid.UUID(order_id)))).one()
        return str(payment.provider_reference)


async def _send(client: httpx.AsyncClient, shop: Shop, event: dict, *, secret: str | None = None) -> httpx.Response:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    body = json.dumps(event).encode()
    key = secret or sandbox_secret(app.state.settings, uuid.UUID(shop.id))
    return await client.post(f"/webhooks/payments/sandbox/{shop.id}", content=body,
                             headers={SANDBOX_HEADER: sign(key, body), "Content-Type": "application/json"})


async def test_a_confirmation_pays_and_confirms_the_order_once(client: httpx.AsyncClient) -> None:
    shop, order = await _pending_order(client)
    event = {"id": "evt_1", "type": "payment.succeeded", "data": {"reference": await _reference(client, shop, order["id"])}}
    responses = [await _send(client, shop, event) for _ in range(10)]
    assert [r.json()["duplicate"] for r in responses] == [False] + [True] * 9
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert (after["status"], after["payment_status"]) == ("confirmed", "paid")
    assert [e["type"] for e in after["timeline"]].count("confirmed") == 1
    assert await stock_of(client, shop) == {"on_hand": 3, "reserved": 0, "available": 3}


async def test_a_failure_after_success_changes_nothing(client: httpx.AsyncClient) -> None:
    shop, order = await _pending_order(client)
    reference = await _reference(client, shop, order["id"])
    await _send(client, shop, {"id": "evt_ok", "type": "payment.succeeded", "data": {"reference": reference}})
    await _send(client, shop, {"id": "evt_late", "type": "payment.failed", "data": {"reference": reference}})
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert (after["status"], after["payment_status"]) == ("confirmed", "paid")


async def test_a_failed_payment_cancels_the_order_and_releases_stock(client: httpx.AsyncClient) -> None:
    shop, order = await _pending_order(client)
    reference = await _reference(client, shop, order["id"])
    await _send(client, shop, {"id": "evt_fail", "type": "payment.failed", "data": {"reference": reference}})
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert (after["status"], after["payment_status"]) == ("cancelled", "failed")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}


async def test_a_bad_signature_is_400_and_changes_nothing(client: httpx.AsyncClient) -> None:
    shop, order = await _pending_order(client)
    event = {"id": "evt_x", "type": "payment.succeeded", "data": {"reference": await _reference(client, shop, order["id"])}}
    assert_problem(await _send(client, shop, event, secret="not-the-key"), 400)
    unsigned = await client.post(f"/webhooks/payments/sandbox/{shop.id}", json=event)
    assert_problem(unsigned, 400)
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert after["payment_status"] == "pending"
