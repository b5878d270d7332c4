"""A customer can buy: cart, address, shipping, checkout with the sandbox and manual providers."""

import asyncio
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.outbox import OutboxEvent
from tests.helpers import assert_problem, signup
from tests.shop import ADDRESS, add_product, cart_with, checkout, open_shop, ship_to, stock_of


async def test_a_shopper_buys_with_a_sandbox_card(client: httpx.AsyncClient, session: AsyncSession) -> None:
    shop = await open_shop(client, price=2500, stock=10, shipping=500)
    cart = await cart_with(client, shop, quantity=2)
    assert cart["totals"] == {"subtotal": 5000, "discount_total": 0, "shipping_total": 500, "tax_total": 0,
                              "total": 5500, "currency": "USD"}
    response = await checkout(client, shop, cart["id"])
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["number"], order["status"], order["payment_status"], order["fulfillment_status"]) == (
        1001, "confirmed", "paid", "unfulfilled")
    assert order["totals"]["total"] == 5500 and order["access_token"]
    assert order["lines"][0]["quantity"] == 2 and order["lines"][0]["unit_price"] == 2500
    assert await stock_of(client, shop) == {"on_hand": 8, "reserved": 0, "available": 8}

    listed = (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    mine = await client.get(f"/storefront/{shop.slug}/orders/{order['id']}", params={"access_token": order["access_token"]})
    assert mine.status_code == 200 and mine.json()["number"] == 1001
    assert_problem(await client.get(f"/storefront/{shop.slug}/orders/{order['id']}", params={"access_token": "nope"}), 404)
    assert_problem(await client.get(f"/storefront/{shop.slug}/orders/{order['id']}"), 404)

    topics = set(await session.scalars(select(OutboxEvent.topic)))
    assert {"orders.order_placed", "orders.order_confirmed"} <= topics
    again = await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}")
    assert again.json()["status"] == "completed" and again.json()["order_id"] == order["id"]
    assert_problem(await checkout(client, shop, cart["id"]), 409)


async def test_order_numbers_count_up_per_store(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    numbers = []
    for _ in range(3):
        cart = await cart_with(client, shop)
        numbers.append((await checkout(client, shop, cart["id"])).json()["number"])
    assert numbers == [1001, 1002, 1003]
    other = await open_shop(client)
    cart = await cart_with(client, other)
    assert (await checkout(client, other, cart["id"])).json()["number"] == 1001


async def test_a_declined_card_is_402_with_no_order_nothing_held_and_the_cart_kept(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=3)
    cart = await cart_with(client, shop, quantity=2)
    response = await checkout(client, shop, cart["id"], token="tok_chargeDeclined")
    body = assert_problem(response, 402)
    assert body["code"] == "PAYMENT_DECLINED" and "declined" in body["detail"].lower()
    assert (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()["items"] == []
    assert await stock_of(client, shop) == {"on_hand": 3, "reserved": 0, "available": 3}
    kept = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}")).json()
    assert kept["status"] == "active" and kept["lines"][0]["quantity"] == 2
    assert (await checkout(client, shop, cart["id"])).status_code == 201


async def test_a_pending_payment_holds_stock_until_it_lapses(client: httpx.AsyncClient, app: object) -> None:
    shop = await open_shop(client, stock=5)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"], token="tok_pending")).json()
    assert (order["status"], order["payment_status"]) == ("pending", "pending")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 2, "available": 3}

    from datetime import timedelta

    from metco.kit.clock import utcnow
    from metco.orders import service as orders_service

    async with app.state.db.sessionmaker() as s:  # type: ignore[attr-defined]
        assert await orders_service.expire_unpaid(s, now=utcnow() + timedelta(hours=1)) == 1
        await s.commit()
    lapsed = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert (lapsed["status"], lapsed["payment_status"]) == ("cancelled", "voided")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}


async def test_a_manual_payment_confirms_the_order_and_staff_mark_it_paid(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=5)
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="manual", token=None)).json()
    assert (order["status"], order["payment_status"]) == ("confirmed", "pending")
    assert (await stock_of(client, shop))["on_hand"] == 4
    paid = await client.post(f"/stores/{shop.id}/orders/{order['id']}/mark-paid", headers=shop.owner.headers)
    assert paid.status_code == 200 and paid.json()["payment_status"] == "paid"
    assert_problem(await client.post(f"/stores/{shop.id}/orders/{order['id']}/mark-paid",
                                     headers=shop.owner.headers), 409)


async def test_the_server_reprices_and_ignores_prices_from_the_client(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500)
    cart = (await client.post(f"/storefront/{shop.slug}/carts")).json()
    await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/lines",
                      json={"variant_id": shop.variant_id, "quantity": 1, "price": 1, "unit_price": 1})
    line = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}")).json()["lines"][0]
    assert (line["unit_price"], line["total"]) == (2500, 2500)


async def test_cart_quantities_are_checked(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=3)
    cart = (await client.post(f"/storefront/{shop.slug}/carts")).json()
    url = f"/storefront/{shop.slug}/carts/{cart['id']}/lines"
    too_many = await client.post(url, json={"variant_id": shop.variant_id, "quantity": 4})
    body = assert_problem(too_many, 409)
    assert body["code"] == "OUT_OF_STOCK" and body["variant_id"] == shop.variant_id
    assert_problem(await client.post(url, json={"variant_id": shop.variant_id, "quantity": 0}), 422, "quantity")
    assert_problem(await client.post(url, json={"variant_id": shop.variant_id, "quantity": 1000}), 422, "quantity")
    assert_problem(await client.post(url, json={"variant_id": str(uuid.uuid4()), "quantity": 1}), 422, "variant_id")
    line = (await client.post(url, json={"variant_id": shop.variant_id, "quantity": 2})).json()["lines"][0]
    assert_problem(await client.patch(f"{url}/{line['id']}", json={"quantity": 5}), 409)
    assert (await client.patch(f"{url}/{line['id']}", json={"quantity": 3})).json()["lines"][0]["quantity"] == 3
    assert (await client.delete(f"{url}/{line['id']}")).json()["lines"] == []


async def test_checkout_needs_an_address_a_rate_and_lines(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    empty = (await client.post(f"/storefront/{shop.slug}/carts")).json()
    assert_problem(await checkout(client, shop, empty["id"]), 422, "lines")
    cart = await cart_with(client, shop, ship=False)
    assert_problem(await checkout(client, shop, cart["id"]), 422, "shipping_address")
    await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-address", json=ADDRESS)
    assert_problem(await checkout(client, shop, cart["id"]), 422, "shipping_rate")
    bad_rate = await client.put(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rate",
                                json={"rate_id": str(uuid.uuid4())})
    assert_problem(bad_rate, 422, "rate_id")
    assert_problem(await checkout(client, shop, cart["id"], provider="bitcoin-by-pigeon"), 422, "payment.provider")


async def test_a_card_number_is_never_accepted(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    response = await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/checkout", json={
        "email": "a@example.com", "payment": {"provider": "sandbox", "card_number": "4242424242424242"}})
    assert_problem(response, 422, "payment.card_number")


async def test_cancelling_refunds_and_restocks(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=5)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"])).json()
    url = f"/stores/{shop.id}/orders/{order['id']}"
    cancelled = await client.post(f"{url}/cancel", json={"reason": "Customer asked", "restock": True},
                                  headers=shop.owner.headers)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["payment_status"]) == ("cancelled", "refunded")
    assert [r["amount"] for r in body["refunds"]] == [order["totals"]["total"]]
    assert [e["type"] for e in body["timeline"]][-1] == "cancelled"
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}
    assert_problem(await client.post(f"{url}/cancel", json={}, headers=shop.owner.headers), 409)


async def test_the_same_idempotency_key_gives_one_order(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    first = await checkout(client, shop, cart["id"], key="key-1")
    second = await checkout(client, shop, cart["id"], key="key-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    other_body = await checkout(client, shop, cart["id"], key="key-1", email="someone.else@example.com")
    assert_problem(other_body, 422, "Idempotency-Key")
    assert len((await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()["items"]) == 1


async def test_twenty_simultaneous_requests_with_one_key_give_one_order(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=50)
    cart = await cart_with(client, shop)
    responses = await asyncio.gather(*(checkout(client, shop, cart["id"], key="same-key") for _ in range(20)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len((await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()["items"]) == 1
    assert (await stock_of(client, shop))["on_hand"] == 49


async def test_a_signed_in_shoppers_orders_and_merged_cart(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    shopper = await signup(client)
    second = await add_product(client, shop.owner, shop.id, title="Wool Socks", price=900)
    mine = (await client.post(f"/storefront/{shop.slug}/carts", headers=shopper.headers)).json()
    await client.post(f"/storefront/{shop.slug}/carts/{mine['id']}/lines", headers=shopper.headers,
                      json={"variant_id": second["variants"][0]["id"], "quantity": 1})
    guest = await cart_with(client, shop, ship=False)  # made before signing in
    merged = (await client.get(f"/storefront/{shop.slug}/carts/{guest['id']}", headers=shopper.headers)).json()
    assert sorted(line["title"] for line in merged["lines"]) == ["Linen Shirt", "Wool Socks"]
    assert_problem(await client.get(f"/storefront/{shop.slug}/carts/{guest['id']}"), 404)  # no longer anyone's
    await ship_to(client, shop, guest["id"], headers=shopper.headers)
    order = (await checkout(client, shop, guest["id"], headers=shopper.headers, email=shopper.email)).json()
    listed = (await client.get(f"/storefront/{shop.slug}/orders", headers=shopper.headers)).json()
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    assert (await client.get(f"/storefront/{shop.slug}/orders/{order['id']}", headers=shopper.headers)).status_code == 200
    assert_problem(await client.get(f"/storefront/{shop.slug}/orders"), 401)


async def test_an_archived_product_drops_out_of_the_cart_with_a_notice(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    await client.patch(f"/stores/{shop.id}/products/{shop.product['id']}", json={"status": "archived"},
                       headers=shop.owner.headers)
    after = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}")).json()
    assert after["lines"] == []
    assert after["notices"] and "Linen Shirt" in after["notices"][0]["message"]
    assert after["totals"]["subtotal"] == 0


async def test_customers_are_recorded_at_checkout(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    await checkout(client, shop, cart["id"], email="Guest@Example.com")
    customers = (await client.get(f"/stores/{shop.id}/customers", headers=shop.owner.headers)).json()["items"]
    assert [(c["email"], c["registered"]) for c in customers] == [("guest@example.com", False)]
    detail = (await client.get(f"/stores/{shop.id}/customers/{customers[0]['id']}", headers=shop.owner.headers)).json()
    assert (detail["orders_count"], detail["total_spent"]) == (1, 3000)
