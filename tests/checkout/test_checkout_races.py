"""Races that only a real multi-connection database shows: stock and coupon limits under simultaneous checkouts."""

import asyncio

import httpx
import pytest

from tests.helpers import assert_problem
from tests.shop import cart_with, checkout, open_shop, stock_of


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL's concurrent transactions")


async def test_forty_simultaneous_checkouts_for_ten_units_give_ten_orders(
    client: httpx.AsyncClient, postgres_only: None
) -> None:
    shop = await open_shop(client, stock=10)
    carts = [await cart_with(client, shop) for _ in range(40)]
    await client.put(f"/stores/{shop.id}/inventory/{shop.variant_id}", json={"on_hand": 10},
                     headers=shop.owner.headers)
    responses = await asyncio.gather(*(checkout(client, shop, c["id"]) for c in carts))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 10 and codes.count(409) == 30, codes
    for refused in (r for r in responses if r.status_code == 409):
        assert assert_problem(refused, 409)["code"] == "OUT_OF_STOCK"
    assert await stock_of(client, shop) == {"on_hand": 0, "reserved": 0, "available": 0}


async def test_a_code_limited_to_ten_uses_is_used_exactly_ten_times(
    client: httpx.AsyncClient, postgres_only: None
) -> None:
    shop = await open_shop(client, stock=100)
    made = await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "Ten lucky shoppers", "code": "LUCKY10", "kind": "percentage", "value": 10, "usage_limit": 10,
        "combines": False})
    assert made.status_code == 201, made.text
    carts = []
    for _ in range(50):
        cart = await cart_with(client, shop)
        applied = await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/discount-codes", json={"code": "lucky10"})
        assert applied.status_code == 200, applied.text
        carts.append(cart)
    responses = await asyncio.gather(*(checkout(client, shop, c["id"], email=f"s{i}@example.com")
                                       for i, c in enumerate(carts)))
    placed = [r.json() for r in responses if r.status_code == 201]
    with_code = [o for o in placed if any(d["code"] == "LUCKY10" for d in o["discounts"])]
    assert len(with_code) == 10, [r.status_code for r in responses]
    discount = (await client.get(f"/stores/{shop.id}/discounts/{made.json()['id']}", headers=shop.owner.headers)).json()
    assert discount["times_used"] == 10
