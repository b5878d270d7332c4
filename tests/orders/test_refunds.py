"""Refunds: by amount or lines, with restock, never beyond what was captured, idempotent."""

import asyncio

import httpx

from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


async def _paid_order(client: httpx.AsyncClient, quantity: int = 2, **shop_fields: int) -> tuple[Shop, dict]:
    shop = await open_shop(client, **shop_fields)
    cart = await cart_with(client, shop, quantity=quantity)
    order = (await checkout(client, shop, cart["id"])).json()
    assert order["payment_status"] == "paid"
    return shop, order


async def test_partial_refunds_by_amount_until_nothing_is_left(client: httpx.AsyncClient) -> None:
    shop, order = await _paid_order(client, price=2500, shipping=500)  # total 5500
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    first = await client.post(url, json={"amount": 1500, "reason": "Late"}, headers=shop.owner.headers)
    assert first.status_code == 201 and first.json()["payment_status"] == "partially_refunded"
    too_much = assert_problem(await client.post(url, json={"amount": 4001}, headers=shop.owner.headers), 422, "amount")
    assert too_much["refundable"] == 4000
    rest = (await client.post(url, json={"amount": 4000}, headers=shop.owner.headers)).json()
    assert rest["payment_status"] == "refunded" and [r["amount"] for r in rest["refunds"]] == [1500, 4000]
    assert [e["type"] for e in rest["timeline"]].count("refunded") == 2
    assert_problem(await client.post(url, json={"amount": 1}, headers=shop.owner.headers), 409)


async def test_refunding_lines_returns_their_share_and_restocks(client: httpx.AsyncClient) -> None:
    shop, order = await _paid_order(client, quantity=3, price=1000, stock=5)
    line = order["lines"][0]
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    refunded = (await client.post(url, headers=shop.owner.headers, json={
        "lines": [{"line_id": line["id"], "quantity": 2}], "restock": True})).json()
    assert refunded["refunds"][0]["amount"] == 2000 and refunded["lines"][0]["refunded_quantity"] == 2
    assert (await stock_of(client, shop))["on_hand"] == 5 - 3 + 2
    assert_problem(await client.post(url, headers=shop.owner.headers, json={
        "lines": [{"line_id": line["id"], "quantity": 2}]}), 422, "lines.0.quantity")
    assert_problem(await client.post(url, headers=shop.owner.headers, json={
        "lines": [{"line_id": shop.variant_id, "quantity": 1}]}), 422, "lines.0.line_id")
    assert_problem(await client.post(url, headers=shop.owner.headers, json={}), 422, "amount")


async def test_an_unpaid_order_cannot_be_refunded(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="manual", token=None)).json()
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/refunds", json={"amount": 100},
                                 headers=shop.owner.headers)
    assert assert_problem(response, 409)["code"] == "NOT_REFUNDABLE"


async def test_a_retried_refund_with_the_same_key_refunds_once(client: httpx.AsyncClient) -> None:
    shop, order = await _paid_order(client)
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    headers = shop.owner.headers | {"Idempotency-Key": "refund-1"}
    first = await client.post(url, json={"amount": 700}, headers=headers)
    again = await client.post(url, json={"amount": 700}, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert_problem(await client.post(url, json={"amount": 800}, headers=headers), 422, "Idempotency-Key")
    detail = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert [r["amount"] for r in detail["refunds"]] == [700]


async def test_simultaneous_refunds_never_return_more_than_was_paid(client: httpx.AsyncClient) -> None:
    shop, order = await _paid_order(client, price=1000, shipping=0)  # total 2000
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    responses = await asyncio.gather(*(client.post(url, json={"amount": 1500}, headers=shop.owner.headers)
                                       for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [201, 422, 422, 422, 422]
    detail = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert sum(r["amount"] for r in detail["refunds"]) == 1500


async def test_a_discounted_line_refunds_what_was_actually_paid(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=1000, shipping=0)
    await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "Quarter off", "code": None, "kind": "percentage", "value": 25})
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"])).json()
    assert order["totals"]["total"] == 1500
    refunded = (await client.post(f"/stores/{shop.id}/orders/{order['id']}/refunds", headers=shop.owner.headers,
                                  json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]})).json()
    assert refunded["refunds"][0]["amount"] == 750
