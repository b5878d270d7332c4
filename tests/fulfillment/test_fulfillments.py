"""Fulfilling orders through the API: whole and partial, every move and its effect on the order, stock drawn
from a chosen location, the shipped and delivered notifications."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from metco.fulfillment import states
from metco.worker.runner import Worker
from tests.helpers import assert_problem
from tests.shop import Shop, add_product, cart_with, checkout, open_shop, stock_of


async def _order(client: httpx.AsyncClient, shop: Shop, quantity: int = 3, **kwargs: Any) -> dict[str, Any]:
    cart = await cart_with(client, shop, quantity=quantity)
    response = await checkout(client, shop, cart["id"], **kwargs)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _fulfil(client: httpx.AsyncClient, shop: Shop, order_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/stores/{shop.id}/orders/{order_id}/fulfillments", headers=shop.owner.headers,
                             json={"carrier": "UPS", "tracking_number": "1Z999AA10123456784", **body})


async def _move(client: httpx.AsyncClient, shop: Shop, fulfillment_id: str, status: str) -> httpx.Response:
    return await client.patch(f"/stores/{shop.id}/fulfillments/{fulfillment_id}", headers=shop.owner.headers,
                              json={"status": status})


async def _get_order(client: httpx.AsyncClient, shop: Shop, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get(f"/stores/{shop.id}/orders/{order_id}",
                                               headers=shop.owner.headers)).json()
    return result


async def test_a_whole_order_ships_and_is_delivered(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    created = await _fulfil(client, shop, order["id"])
    assert created.status_code == 201, created.text
    fulfillment = created.json()
    assert fulfillment["status"] == "pending" and fulfillment["lines"][0]["quantity"] == 3
    assert fulfillment["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    after = await _get_order(client, shop, order["id"])
    assert (after["status"], after["fulfillment_status"]) == ("confirmed", "fulfilled")
    for status in ("picked", "packed", "shipped"):
        assert (await _move(client, shop, fulfillment["id"], status)).status_code == 200
    assert (await _get_order(client, shop, order["id"]))["status"] == "shipped"
    assert (await _move(client, shop, fulfillment["id"], "in_transit")).status_code == 200
    delivered = await _move(client, shop, fulfillment["id"], "delivered")
    assert delivered.json()["delivered_at"] is not None
    after = await _get_order(client, shop, order["id"])
    assert after["status"] == "delivered"
    assert [f["id"] for f in after["fulfillments"]] == [fulfillment["id"]]
    assert [t["status"] for t in after["fulfillments"][0]["tracking"]] == [
        "pending", "picked", "packed", "shipped", "in_transit", "delivered"]
    types = [e["type"] for e in after["timeline"]]
    assert "shipped" in types and "delivered" in types
    # Nothing moves after delivery except a return.
    assert_problem(await _move(client, shop, fulfillment["id"], "in_transit"), 409)
    assert_problem(await _move(client, shop, fulfillment["id"], "failed"), 409)
    assert (await _move(client, shop, fulfillment["id"], "returned")).status_code == 200


async def test_partial_fulfillments_until_everything_has_left(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    line_id = order["lines"][0]["id"]
    first = (await _fulfil(client, shop, order["id"], lines=[{"line_id": line_id, "quantity": 1}])).json()
    assert (await _get_order(client, shop, order["id"]))["fulfillment_status"] == "partially_fulfilled"
    too_many = await _fulfil(client, shop, order["id"], lines=[{"line_id": line_id, "quantity": 3}])
    assert_problem(too_many, 422, field="lines.0.quantity")
    await _move(client, shop, first["id"], "shipped")
    assert (await _get_order(client, shop, order["id"]))["status"] == "confirmed"  # two are still here
    second = (await _fulfil(client, shop, order["id"], status="shipped")).json()
    assert second["lines"][0]["quantity"] == 2 and second["shipped_at"] is not None
    after = await _get_order(client, shop, order["id"])
    assert (after["status"], after["fulfillment_status"]) == ("shipped", "fulfilled")
    assert_problem(await _fulfil(client, shop, order["id"]), 409)


async def test_a_failed_fulfillment_gives_its_lines_back(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    fulfillment = (await _fulfil(client, shop, order["id"])).json()
    assert (await _move(client, shop, fulfillment["id"], "failed")).status_code == 200
    assert (await _get_order(client, shop, order["id"]))["fulfillment_status"] == "unfulfilled"
    assert (await _fulfil(client, shop, order["id"])).status_code == 201


@pytest.mark.parametrize(("current", "target"), [
    (a, b) for a in states.STATES for b in states.STATES if a != b])
def test_the_state_machine(current: str, target: str) -> None:
    line = states.LINE
    expected = (target == "returned" and current in states.LEFT) or (
        current not in states.FINAL and (target == "failed" or (
            target in line and current in line and line.index(target) > line.index(current))))
    assert states.allowed(current, target) is expected


async def test_only_confirmed_orders_can_be_fulfilled(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    pending = await _order(client, shop, token="tok_pending")
    assert_problem(await _fulfil(client, shop, pending["id"]), 409)
    cancelled = await _order(client, shop, quantity=1)
    await client.post(f"/stores/{shop.id}/orders/{cancelled['id']}/cancel", headers=shop.owner.headers, json={})
    assert_problem(await _fulfil(client, shop, cancelled["id"]), 409)


async def test_a_carrier_name_is_needed(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                                 json={})
    assert_problem(response, 422, field="carrier")
    unknown = await _fulfil(client, shop, order["id"], integration="pigeon")
    assert_problem(unknown, 422, field="integration")


async def test_fulfilling_from_another_location_moves_the_stock_there(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=10)
    warehouse = (await client.post(f"/stores/{shop.id}/locations", headers=shop.owner.headers,
                                   json={"name": "Warehouse"})).json()
    await client.put(f"/stores/{shop.id}/inventory/{shop.variant_id}", headers=shop.owner.headers,
                     json={"on_hand": 5, "location_id": warehouse["id"]})
    order = await _order(client, shop, quantity=2)
    before = await stock_of(client, shop)
    created = await _fulfil(client, shop, order["id"], location_id=warehouse["id"])
    assert created.status_code == 201, created.text
    assert created.json()["location_id"] == warehouse["id"]
    assert await stock_of(client, shop) == before  # the total is the same; where it is changed
    levels = (await client.get(f"/stores/{shop.id}/inventory", params={"variant_id": shop.variant_id},
                               headers=shop.owner.headers)).json()
    rows = levels["items"] if isinstance(levels, dict) else levels
    by_location = {r["location_id"]: r["on_hand"] for r in rows}
    assert by_location[warehouse["id"]] == 3
    items = (await client.get(f"/stores/{shop.id}/inventory/movements", params={"variant_id": shop.variant_id},
                              headers=shop.owner.headers)).json()["items"]
    assert [m["reason"] for m in items].count("fulfillment") == 2


async def test_the_customer_hears_when_it_ships_and_arrives(app: FastAPI, client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    fulfillment = (await _fulfil(client, shop, order["id"])).json()
    await _move(client, shop, fulfillment["id"], "shipped")
    await _move(client, shop, fulfillment["id"], "delivered")
    worker = Worker(app.state.db)
    while await worker.drain_once():
        pass
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"channel": "email"},
                             headers=shop.owner.headers)).json()["items"]
    shipped = [r for r in rows if r["event"] == "order_shipped"]
    assert len(shipped) == 1 and shipped[0]["recipient"] == "shopper@example.com"
    assert shipped[0]["subject"] == f"Order #{order['number']} is on its way"
    assert [r["event"] for r in rows].count("order_delivered") == 1
    quiet = await _order(client, shop, quantity=1)
    await _fulfil(client, shop, quiet["id"], notify_customer=False, status="shipped")
    while await worker.drain_once():
        pass
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_shipped"},
                             headers=shop.owner.headers)).json()["items"]
    assert len(rows) == 1


async def test_another_product_line_can_ship_separately(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    other = await add_product(client, shop.owner, shop.id, title="Wool Hat")
    variant = other["variants"][0]["id"]
    await client.put(f"/stores/{shop.id}/inventory/{variant}", json={"on_hand": 5}, headers=shop.owner.headers)
    cart = await cart_with(client, shop, quantity=1)
    await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/lines", json={"variant_id": variant, "quantity": 1})
    order = (await checkout(client, shop, cart["id"])).json()
    hat = next(line for line in order["lines"] if line["title"] == "Wool Hat")
    first = (await _fulfil(client, shop, order["id"], lines=[{"line_id": hat["id"], "quantity": 1}],
                           status="delivered")).json()
    assert first["status"] == "delivered"
    after = await _get_order(client, shop, order["id"])
    assert (after["status"], after["fulfillment_status"]) == ("confirmed", "partially_fulfilled")
