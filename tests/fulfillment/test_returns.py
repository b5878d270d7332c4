"""Returns through the API: asked by the customer within the window, approved or rejected by staff, received
with restock to a chosen location and a refund through the payments module; and the printable documents."""

from typing import Any

import httpx

from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


async def _delivered(client: httpx.AsyncClient, shop: Shop, quantity: int = 3) -> dict[str, Any]:
    order = (await checkout(client, shop, (await cart_with(client, shop, quantity=quantity))["id"])).json()
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                                 json={"carrier": "UPS", "status": "delivered"})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = order
    return result


async def _ask(client: httpx.AsyncClient, shop: Shop, order: dict[str, Any], quantity: int = 1,
               token: str | None = None) -> httpx.Response:
    return await client.post(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                             params={"access_token": token or order["access_token"]},
                             json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": quantity}],
                                   "reason": "Too small"})


async def test_a_return_is_received_restocked_where_chosen_and_refunded(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, stock=10)
    depot = (await client.post(f"/stores/{shop.id}/locations", headers=shop.owner.headers,
                               json={"name": "Returns depot"})).json()
    order = await _delivered(client, shop)
    asked = await _ask(client, shop, order, quantity=2)
    assert asked.status_code == 201, asked.text
    return_id = asked.json()["id"]
    assert asked.json()["status"] == "requested"
    assert_problem(await _ask(client, shop, order, quantity=2), 422, field="lines.0.quantity")  # 1 left to ask
    base = f"/stores/{shop.id}/returns/{return_id}"
    assert_problem(await client.post(f"{base}/receive", headers=shop.owner.headers, json={}), 409)
    approved = await client.post(f"{base}/approve", headers=shop.owner.headers,
                                 json={"carrier": "USPS", "tracking_number": "9400100000000000000000"})
    assert approved.json()["status"] == "approved"
    before = await stock_of(client, shop)
    received = await client.post(f"{base}/receive", headers=shop.owner.headers,
                                 json={"location_id": depot["id"], "restock": True, "refund": True})
    assert received.status_code == 200, received.text
    assert received.json()["status"] == "received" and received.json()["refund_amount"] == 5000
    assert (await stock_of(client, shop))["on_hand"] == before["on_hand"] + 2
    levels = (await client.get(f"/stores/{shop.id}/inventory", params={"location_id": depot["id"]},
                               headers=shop.owner.headers)).json()["items"]
    assert [lv["on_hand"] for lv in levels] == [2]
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert after["payment_status"] == "partially_refunded" and after["refunds"][0]["amount"] == 5000
    assert {"return_requested", "return_approved", "return_received"} <= {e["type"] for e in after["timeline"]}
    assert_problem(await client.post(f"{base}/reject", headers=shop.owner.headers, json={"note": "late"}), 409)
    listed = (await client.get(f"/stores/{shop.id}/returns", params={"status": "received"},
                               headers=shop.owner.headers)).json()["items"]
    assert [r["id"] for r in listed] == [return_id]


async def test_only_delivered_units_within_the_window(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = (await checkout(client, shop, (await cart_with(client, shop))["id"])).json()
    assert_problem(await _ask(client, shop, order), 409)  # nothing delivered yet
    delivered = await _delivered(client, shop)
    await client.patch(f"/stores/{shop.id}", headers=shop.owner.headers, json={"return_window_days": 0})
    closed = await _ask(client, shop, delivered)
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]


async def test_a_rejected_return_and_strangers(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _delivered(client, shop)
    assert_problem(await _ask(client, shop, order, token="oat_forged"), 404)
    return_id = (await _ask(client, shop, order)).json()["id"]
    rejected = await client.post(f"/stores/{shop.id}/returns/{return_id}/reject", headers=shop.owner.headers,
                                 json={"note": "Worn"})
    assert rejected.json()["status"] == "rejected"
    mine = (await client.get(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                             params={"access_token": order["access_token"]})).json()
    assert [(r["status"], r["staff_note"]) for r in mine] == [("rejected", "Worn")]
    again = await _ask(client, shop, order, quantity=3)  # a rejected return frees its units
    assert again.status_code == 201


async def test_printable_documents_escape_what_they_show(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    await client.patch(f"/stores/{shop.id}/products/{shop.product['id']}", headers=shop.owner.headers,
                       json={"title": "<script>x()</script> Shirt"})
    order = (await checkout(client, shop, (await cart_with(client, shop, quantity=3))["id"])).json()
    fulfillment = (await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments",
                                     headers=shop.owner.headers, json={
                                         "carrier": "UPS", "lines": [{"line_id": order["lines"][0]["id"],
                                                                      "quantity": 2}]})).json()
    slip = await client.get(f"/stores/{shop.id}/fulfillments/{fulfillment['id']}/packing-slip",
                            headers=shop.owner.headers)
    assert slip.status_code == 200 and slip.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;x()&lt;/script&gt; Shirt" in slip.text and "<script>x()" not in slip.text
    assert "Packing slip" in slip.text and "Shipping separately: 1 ×" in slip.text and "@media print" in slip.text
    picking = await client.get(f"/stores/{shop.id}/fulfillments/{fulfillment['id']}/picking-list",
                               headers=shop.owner.headers)
    assert "Picking list" in picking.text and 'class="box"' in picking.text
