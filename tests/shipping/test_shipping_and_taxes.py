"""Shipping zones and rates, and tax rates, as a cart sees them."""

import httpx

from tests.helpers import assert_problem
from tests.shop import ADDRESS, cart_with, open_shop


async def test_a_country_belongs_to_one_zone_and_rates_follow_the_cart(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=3000, shipping=500)
    url = f"/stores/{shop.id}/shipping-zones"
    assert_problem(await client.post(url, headers=shop.owner.headers, json={
        "name": "Again", "countries": ["US"], "rates": [{"name": "X", "price": 1}]}), 409)
    assert_problem(await client.post(url, headers=shop.owner.headers, json={
        "name": "Bad", "countries": ["ZZ"], "rates": [{"name": "X", "price": 1}]}), 422, "countries")
    zone = (await client.get(url, headers=shop.owner.headers)).json()[0]
    await client.patch(f"{url}/{zone['id']}", headers=shop.owner.headers, json={"rates": [
        {"name": "Standard", "price": 500}, {"name": "Free over $50", "price": 0, "min_subtotal": 5000},
        {"name": "Heavy", "price": 2500, "min_weight_grams": 10_000}]})
    small = await cart_with(client, shop, quantity=1)
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{small['id']}/shipping-rates")).json()
    assert [r["name"] for r in rates] == ["Standard"]
    big = await cart_with(client, shop, quantity=2)
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{big['id']}/shipping-rates")).json()
    assert [(r["name"], r["price"]) for r in rates] == [("Free over $50", 0), ("Standard", 500)]
    abroad = await cart_with(client, shop, ship=False)
    await client.put(f"/storefront/{shop.slug}/carts/{abroad['id']}/shipping-address", json=ADDRESS | {"country": "FR"})
    assert (await client.get(f"/storefront/{shop.slug}/carts/{abroad['id']}/shipping-rates")).json() == []


async def test_taxes_by_country_and_region_exclusive_and_inclusive(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=10_000, shipping=1000)
    url = f"/stores/{shop.id}/tax-rates"
    await client.post(url, headers=shop.owner.headers, json={"country": "US", "name": "Federal-ish", "rate": "1"})
    await client.post(url, headers=shop.owner.headers, json={"country": "US", "region": "IL", "name": "Illinois",
                                                             "rate": "6.25", "applies_to_shipping": True})
    assert_problem(await client.post(url, headers=shop.owner.headers, json={"country": "US", "region": "IL",
                                                                            "name": "Dup", "rate": "1"}), 409)
    assert_problem(await client.post(url, headers=shop.owner.headers, json={"country": "US", "name": "X",
                                                                            "rate": "101"}), 422, "rate")
    cart = await cart_with(client, shop)  # ships to Springfield, IL
    # goods 10000 at 7.25% = 725; shipping 1000 at 6.25% = 62.5 -> 62 (half to even)
    assert cart["totals"] == {"subtotal": 10_000, "discount_total": 0, "shipping_total": 1000, "tax_total": 787,
                              "total": 11_787, "currency": "USD"}
    await client.patch(f"/stores/{shop.id}", json={"prices_include_tax": True}, headers=shop.owner.headers)
    inclusive = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}")).json()
    assert inclusive["totals"]["total"] == 11_000 and inclusive["totals"]["tax_total"] == 676 + 59
