"""Printable packing slips and picking lists: HTML pages with a print stylesheet, the store, the order, the
ship-to address and the parcel's lines with SKUs and quantities; every value escaped; staff of the store
with manage_orders only."""

import re
from typing import Any

import httpx

from tests.helpers import add_member, assert_problem
from tests.shop import ADDRESS, Shop, add_product, checkout, open_shop

SNEAKY_ADDRESS = ADDRESS | {"name": '<img src=x onerror="alert(1)">Sam', "line2": "Flat <b>2</b>"}


async def _two_product_order(client: httpx.AsyncClient, shop: Shop) -> tuple[dict[str, Any], dict[str, str]]:
    """An order of three `<script>` shirts (SKU ZZ-9) and two socks (SKU AA-1); returns it and {sku: line id}."""
    shirt = await client.patch(f"/stores/{shop.id}/products/{shop.product['id']}", headers=shop.owner.headers,
                               json={"title": "<script>alert(1)</script> Shirt"})
    assert shirt.status_code == 200, shirt.text
    sku = await client.patch(f"/stores/{shop.id}/variants/{shop.variant_id}",
                             headers=shop.owner.headers, json={"sku": "ZZ-9"})
    assert sku.status_code == 200, sku.text
    socks = await add_product(client, shop.owner, shop.id, title="Wool Socks", price=900,
                              variants=[{"price": 900, "sku": "AA-1"}])
    cart = (await client.post(f"/storefront/{shop.slug}/carts")).json()
    for variant_id, quantity in ((shop.variant_id, 3), (socks["variants"][0]["id"], 2)):
        added = await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/lines",
                                  json={"variant_id": variant_id, "quantity": quantity})
        assert added.status_code == 201, added.text
    addressed = await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-address", json=SNEAKY_ADDRESS)
    assert addressed.status_code == 200, addressed.text
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")).json()
    await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rate", json={"rate_id": rates[0]["id"]})
    placed = await checkout(client, shop, cart["id"])
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    return order, {line["sku"]: line["id"] for line in order["lines"]}


async def _parcel(client: httpx.AsyncClient, shop: Shop, order: dict[str, Any], lines: dict[str, int],
                  **body: Any) -> dict[str, Any]:
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                                 json={"carrier": "UPS", "tracking_number": "1Z999AA10123456784",
                                       "lines": [{"line_id": k, "quantity": v} for k, v in lines.items()]} | body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _rows(html: str) -> list[list[str]]:
    """The body rows of the page's first table, as the text of their cells."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


async def test_a_packing_slip_shows_the_parcel_and_what_ships_separately(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=10)
    await client.patch(f"/stores/{shop.id}", headers=shop.owner.headers,
                       json={"name": "Bob & Sons", "logo_url": "https://cdn.example.com/logo.png"})
    order, line_ids = await _two_product_order(client, shop)
    fulfillment = await _parcel(client, shop, order, {line_ids["ZZ-9"]: 2, line_ids["AA-1"]: 2})
    slip = await client.get(f"/stores/{shop.id}/fulfillments/{fulfillment['id']}/packing-slip",
                            headers=shop.owner.headers)
    assert slip.status_code == 200, slip.text
    assert slip.headers["content-type"].startswith("text/html")
    assert slip.headers["cache-control"] == "no-store"
    html = slip.text
    assert "<title>Packing slip · Bob &amp; Sons · order #" in html
    assert f"Order #{order['number']}" in html and f"Placed {order['placed_at'][:10]}" in html
    assert '<img src="https://cdn.example.com/logo.png"' in html
    assert "@media print" in html and "@page" in html
    assert "<nav" not in html and "<script" not in html and "<form" not in html
    # What the merchant and the shopper typed is shown, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shirt" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Sam" in html and "Flat &lt;b&gt;2&lt;/b&gt;" in html
    assert "<img src=x" not in html and "<b>2</b>" not in html
    assert "Springfield" in html and "62701" in html and "1 Main St" in html
    assert "1Z999AA10123456784" in html and "UPS" in html
    assert _rows(html)[:2] == [["AA-1", "Wool Socks", "2"], ["ZZ-9", "&lt;script&gt;alert(1)&lt;/script&gt; Shirt", "2"]]
    separately = html.split("Ships separately", 1)[1]
    assert _rows(separately) == [["ZZ-9", "&lt;script&gt;alert(1)&lt;/script&gt; Shirt", "1"]]
    # The last unit's own slip: nothing more to come.
    last = await _parcel(client, shop, order, {line_ids["ZZ-9"]: 1})
    second = (await client.get(f"/stores/{shop.id}/fulfillments/{last['id']}/packing-slip",
                               headers=shop.owner.headers)).text
    assert _rows(second) == [["ZZ-9", "&lt;script&gt;alert(1)&lt;/script&gt; Shirt", "1"]]
    assert "Ships separately" in second  # the first parcel's four units travel apart from this one


async def test_a_picking_list_is_sorted_by_sku_with_boxes_and_the_location(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=10)
    aisle = (await client.post(f"/stores/{shop.id}/locations", headers=shop.owner.headers,
                               json={"name": "Aisle <7>"})).json()
    order, line_ids = await _two_product_order(client, shop)
    for line in order["lines"]:
        await client.put(f"/stores/{shop.id}/inventory/{line['variant_id']}", headers=shop.owner.headers,
                         json={"on_hand": 5, "location_id": aisle["id"]})
    fulfillment = await _parcel(client, shop, order, {line_ids["ZZ-9"]: 3, line_ids["AA-1"]: 2},
                                location_id=aisle["id"])
    picking = await client.get(f"/stores/{shop.id}/fulfillments/{fulfillment['id']}/picking-list",
                               headers=shop.owner.headers)
    assert picking.status_code == 200, picking.text
    assert picking.headers["content-type"].startswith("text/html")
    html = picking.text
    assert "<h1>Picking list</h1>" in html and "@media print" in html
    assert html.count('<td class="box">') == 2  # one box to tick per line
    assert _rows(html) == [["", "AA-1", "Wool Socks", "Aisle &lt;7&gt;", "2"],
                           ["", "ZZ-9", "&lt;script&gt;alert(1)&lt;/script&gt; Shirt", "Aisle &lt;7&gt;", "3"]]
    assert "From Aisle &lt;7&gt;" in html and "Aisle <7>" not in html
    assert "Total units" in html and "Ships separately" not in html


async def test_only_the_stores_order_managers_print(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    other = await open_shop(client)
    order, line_ids = await _two_product_order(client, shop)
    fulfillment = await _parcel(client, shop, order, {line_ids["AA-1"]: 1})
    cashier = await add_member(client, shop.owner, shop.id, "cashier")
    for document in ("packing-slip", "picking-list"):
        path = f"/stores/{shop.id}/fulfillments/{fulfillment['id']}/{document}"
        assert_problem(await client.get(path), 401)
        assert_problem(await client.get(path, headers=other.owner.headers), 404)
        assert_problem(await client.get(path, headers=cashier.headers), 403)
        theirs = f"/stores/{other.id}/fulfillments/{fulfillment['id']}/{document}"
        assert_problem(await client.get(theirs, headers=other.owner.headers), 404)
