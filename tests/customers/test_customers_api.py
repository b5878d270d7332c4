"""A shopper's own address book and preferences; the store's customer list; order filters."""

import httpx

from tests.helpers import assert_problem, signup
from tests.shop import ADDRESS, cart_with, checkout, open_shop


async def test_a_shopper_keeps_an_address_book_and_preferences(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    shopper = await signup(client)
    base = f"/storefront/{shop.slug}/me"
    assert (await client.get(f"{base}/preferences", headers=shopper.headers)).json() == {
        "email": True, "sms": False, "push": False, "marketing": False}
    changed = await client.put(f"{base}/preferences", headers=shopper.headers,
                               json={"email": True, "sms": True, "push": False, "marketing": True})
    assert changed.json()["marketing"] is True
    first = (await client.post(f"{base}/addresses", json=ADDRESS, headers=shopper.headers)).json()
    second = (await client.post(f"{base}/addresses", json=ADDRESS | {"line1": "2 Oak Ave", "is_default": True},
                                headers=shopper.headers)).json()
    listed = (await client.get(f"{base}/addresses", headers=shopper.headers)).json()
    assert [(a["id"], a["is_default"]) for a in listed] == [(first["id"], False), (second["id"], True)]
    assert_problem(await client.post(f"{base}/addresses", json=ADDRESS | {"country": "XX"}, headers=shopper.headers),
                   422, "country")
    assert (await client.delete(f"{base}/addresses/{first['id']}", headers=shopper.headers)).status_code == 204
    other = await signup(client)
    assert_problem(await client.delete(f"{base}/addresses/{second['id']}", headers=other.headers), 404)
    assert_problem(await client.get(f"{base}/preferences"), 401)
    customers = (await client.get(f"/stores/{shop.id}/customers", headers=shop.owner.headers)).json()["items"]
    assert [(c["email"], c["registered"], c["accepts_marketing"]) for c in customers] == [(shopper.email, True, True)]


async def test_orders_are_filtered_by_status_and_found_by_number_or_email(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=20)
    paid = (await checkout(client, shop, (await cart_with(client, shop))["id"], email="ann@example.com")).json()
    pending = (await checkout(client, shop, (await cart_with(client, shop))["id"], email="bob@example.com",
                              provider="manual", token=None)).json()
    url = f"/stores/{shop.id}/orders"
    by_payment = (await client.get(url, params={"payment_status": "pending"}, headers=shop.owner.headers)).json()
    assert [o["id"] for o in by_payment["items"]] == [pending["id"]]
    by_number = (await client.get(url, params={"q": f"#{paid['number']}"}, headers=shop.owner.headers)).json()
    assert [o["id"] for o in by_number["items"]] == [paid["id"]]
    by_email = (await client.get(url, params={"q": "BOB@"}, headers=shop.owner.headers)).json()
    assert [o["id"] for o in by_email["items"]] == [pending["id"]]
    newest_first = (await client.get(url, headers=shop.owner.headers)).json()["items"]
    assert [o["number"] for o in newest_first] == [1002, 1001]
    assert_problem(await client.get(url, params={"status": "lost"}, headers=shop.owner.headers), 422, "status")
