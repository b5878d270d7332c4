"""Discounts through the API: validation, codes on carts with their reasons, automatic discounts."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.helpers import add_member, assert_problem
from tests.shop import add_product, cart_with, checkout, open_shop


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "percentage", "value": 0}, "value"),
    ({"kind": "percentage", "value": 101}, "value"),
    ({"kind": "fixed_amount", "value": 0}, "value"),
    ({"kind": "buy_x_get_y"}, "buy_quantity"),
    ({"kind": "bogus"}, "kind"),
    ({"kind": "percentage", "value": 10, "code": "has space"}, "code"),
    ({"kind": "percentage", "value": 10, "starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
     "ends_at"),
])
async def test_a_bad_discount_is_422_naming_the_field(client: httpx.AsyncClient, body: dict, field: str) -> None:
    shop = await open_shop(client)
    response = await client.post(f"/stores/{shop.id}/discounts", json={"title": "T"} | body, headers=shop.owner.headers)
    body_out = assert_problem(response, 422)
    assert field in body_out["detail"] or field in [e["field"] for e in body_out["errors"]], body_out


async def test_codes_are_unique_per_store_case_insensitively_and_cashiers_cannot_see_them(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    url = f"/stores/{shop.id}/discounts"
    assert (await client.post(url, json={"title": "A", "code": "Save10", "kind": "percentage", "value": 10},
                              headers=shop.owner.headers)).status_code == 201
    assert_problem(await client.post(url, json={"title": "B", "code": "SAVE10", "kind": "percentage", "value": 5},
                                     headers=shop.owner.headers), 409)
    cashier = await add_member(client, shop.owner, shop.id, "cashier")
    assert_problem(await client.get(url, headers=cashier.headers), 403)


async def test_a_code_on_a_cart_lowers_the_total_and_a_bad_one_says_why(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2000, shipping=500)
    url = f"/stores/{shop.id}/discounts"
    await client.post(url, headers=shop.owner.headers, json={"title": "10% off", "code": "TEN", "kind": "percentage",
                                                             "value": 10})
    await client.post(url, headers=shop.owner.headers, json={"title": "Big spender", "code": "BIG", "kind": "percentage",
                                                             "value": 20, "min_subtotal": 10000})
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    await client.post(url, headers=shop.owner.headers, json={"title": "Old", "code": "OLD", "kind": "percentage",
                                                             "value": 50, "ends_at": past})
    cart = await cart_with(client, shop, quantity=2)
    codes = f"/storefront/{shop.slug}/carts/{cart['id']}/discount-codes"
    applied = (await client.post(codes, json={"code": "ten"})).json()
    assert applied["discount_codes"] == ["TEN"] and applied["totals"]["discount_total"] == 400
    assert applied["totals"]["total"] == 4000 - 400 + 500
    for code, reason in (("BIG", "MIN_SUBTOTAL_NOT_MET"), ("OLD", "EXPIRED"), ("NOPE", "UNKNOWN_CODE")):
        refused = assert_problem(await client.post(codes, json={"code": code}), 422, "code")
        assert refused["reason"] == reason and refused["detail"]
    removed = (await client.delete(f"{codes}/ten")).json()
    assert removed["totals"]["discount_total"] == 0
    assert_problem(await client.delete(f"{codes}/ten"), 404)


async def test_an_automatic_discount_applies_without_a_code_and_is_kept_on_the_order(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=1000, stock=20)
    await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "10% off when you buy 3 or more", "code": None, "kind": "percentage", "value": 10, "min_quantity": 3})
    two = await cart_with(client, shop, quantity=2)
    assert two["discounts"] == []
    three = await cart_with(client, shop, quantity=3)
    assert [(d["title"], d["amount"]) for d in three["discounts"]] == [("10% off when you buy 3 or more", 300)]
    order = (await checkout(client, shop, three["id"])).json()
    assert [(d["title"], d["amount"]) for d in order["discounts"]] == [("10% off when you buy 3 or more", 300)]
    assert order["totals"]["discount_total"] == 300


async def test_once_per_customer_refuses_a_second_use_by_the_same_email(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=20)
    await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "Welcome", "code": "WELCOME", "kind": "fixed_amount", "value": 500, "once_per_customer": True})
    for attempt in range(2):
        cart = await cart_with(client, shop)
        await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/discount-codes", json={"code": "WELCOME"})
        response = await checkout(client, shop, cart["id"], email="same@example.com")
        if attempt == 0:
            assert response.status_code == 201
        else:
            assert assert_problem(response, 422, "discount_codes")["reason"] == "DISCOUNT_NOT_USABLE"


async def test_a_discount_scoped_to_a_category_of_another_store_is_refused(client: httpx.AsyncClient) -> None:
    shop, other = await open_shop(client), await open_shop(client)
    category = (await client.post(f"/stores/{other.id}/categories", json={"name": "Theirs"},
                                  headers=other.owner.headers)).json()
    response = await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "X", "kind": "percentage", "value": 5, "category_ids": [category["id"]]})
    assert_problem(response, 422, "category_ids")
    product = await add_product(client, other.owner, other.id, title="Their thing")
    response = await client.post(f"/stores/{shop.id}/discounts", headers=shop.owner.headers, json={
        "title": "X", "kind": "percentage", "value": 5, "product_ids": [product["id"]]})
    assert_problem(response, 422, "product_ids")
