"""Returns through the API: asked by the customer for delivered units within the window, approved (with a
carrier label, or by hand) or rejected by staff, received with restock at a chosen location and a refund
through the payments module; every illegal move, every stranger."""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.fulfillment.models import Fulfillment
from metco.kit.clock import utcnow
from metco.kit.outbox import OutboxEvent
from tests.fakes.easypost import FakeEasyPost
from tests.fakes.server import serve
from tests.helpers import assert_problem, signup
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of


async def _order(client: httpx.AsyncClient, shop: Shop, quantity: int = 3,
                 headers: dict[str, str] | None = None) -> dict[str, Any]:
    cart = await cart_with(client, shop, quantity=quantity, headers=headers)
    response = await checkout(client, shop, cart["id"], headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _fulfil(client: httpx.AsyncClient, shop: Shop, order: dict[str, Any], quantity: int | None = None,
                  status: str = "delivered") -> dict[str, Any]:
    body: dict[str, Any] = {"carrier": "UPS", "status": status}
    if quantity is not None:
        body["lines"] = [{"line_id": order["lines"][0]["id"], "quantity": quantity}]
    response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                                 json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _delivered(client: httpx.AsyncClient, shop: Shop, quantity: int = 3) -> dict[str, Any]:
    order = await _order(client, shop, quantity)
    await _fulfil(client, shop, order)
    return order


async def _ask(client: httpx.AsyncClient, shop: Shop, order: dict[str, Any], quantity: int = 1,
               token: str | None = None, **body: Any) -> httpx.Response:
    return await client.post(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                             params={"access_token": token or order["access_token"]},
                             json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": quantity}],
                                   "reason": "Too small"} | body)


async def _staff(client: httpx.AsyncClient, shop: Shop, return_id: str, action: str,
                 **body: Any) -> httpx.Response:
    return await client.post(f"/stores/{shop.id}/returns/{return_id}/{action}", headers=shop.owner.headers,
                             json=body)


async def _order_now(client: httpx.AsyncClient, shop: Shop, order: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _on_hand_at(client: httpx.AsyncClient, shop: Shop, location_id: str) -> int:
    response = await client.get(f"/stores/{shop.id}/inventory", headers=shop.owner.headers,
                                params={"location_id": location_id, "variant_id": shop.variant_id})
    assert response.status_code == 200, response.text
    return sum(int(level["on_hand"]) for level in response.json()["items"])


async def test_a_return_is_received_restocked_where_chosen_and_refunded(client: httpx.AsyncClient,
                                                                        session: AsyncSession) -> None:
    shop = await open_shop(client, price=2500, stock=10)
    depot = (await client.post(f"/stores/{shop.id}/locations", headers=shop.owner.headers,
                               json={"name": "Returns depot"})).json()
    order = await _delivered(client, shop)
    asked = await _ask(client, shop, order, quantity=2)
    assert asked.status_code == 201, asked.text
    made = asked.json()
    assert (made["status"], made["reason"]) == ("requested", "Too small")
    assert made["lines"] == [{"line_id": order["lines"][0]["id"], "quantity": 2}]
    return_id = made["id"]
    approved = await _staff(client, shop, return_id, "approve", carrier="USPS",
                            tracking_number="9400100000000000000000", note="Send it back within 14 days")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["carrier"], approved.json()["label_url"]) == (
        "approved", "USPS", None)
    before = await stock_of(client, shop)
    received = await _staff(client, shop, return_id, "receive", location_id=depot["id"], restock=True, refund=True)
    assert received.status_code == 200, received.text
    body = received.json()
    assert (body["status"], body["refund_amount"], body["location_id"]) == ("received", 5000, depot["id"])
    assert body["refund_id"] and body["received_at"]
    assert (await stock_of(client, shop))["on_hand"] == before["on_hand"] + 2
    assert await _on_hand_at(client, shop, depot["id"]) == 2
    movements = (await client.get(f"/stores/{shop.id}/inventory/movements", headers=shop.owner.headers,
                                  params={"variant_id": shop.variant_id})).json()["items"]
    assert [m["reason"] for m in movements].count("return") == 1
    after = await _order_now(client, shop, order)
    assert after["payment_status"] == "partially_refunded"
    assert [(r["id"], r["amount"]) for r in after["refunds"]] == [(body["refund_id"], 5000)]
    assert {"return_requested", "return_approved", "return_received", "refunded"} <= {
        e["type"] for e in after["timeline"]}
    topics = [e.topic for e in await session.scalars(
        select(OutboxEvent).where(OutboxEvent.topic.like("returns.%")).order_by(OutboxEvent.id))]
    assert topics == ["returns.requested", "returns.approved", "returns.received"]
    listed = await client.get(f"/stores/{shop.id}/returns", params={"status": "received"}, headers=shop.owner.headers)
    assert [r["id"] for r in listed.json()["items"]] == [return_id] and listed.json()["next_cursor"] is None
    assert (await client.get(f"/stores/{shop.id}/returns", params={"status": "requested"},
                             headers=shop.owner.headers)).json()["items"] == []
    # The two units came back and were refunded: one is left to ask for, once.
    assert_problem(await _ask(client, shop, order, quantity=2), 422, field="lines.0.quantity")
    assert (await _ask(client, shop, order, quantity=1)).status_code == 201


async def test_everything_back_refunds_the_order_and_never_more(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, stock=10)
    order = await _delivered(client, shop)
    return_id = (await _ask(client, shop, order, quantity=3)).json()["id"]
    await _staff(client, shop, return_id, "approve")
    before = await stock_of(client, shop)
    too_much = await _staff(client, shop, return_id, "receive", amount=order["totals"]["total"] + 1)
    assert_problem(too_much, 422, field="amount")
    assert await stock_of(client, shop) == before  # the refund failed, so nothing was restocked
    still = await client.get(f"/stores/{shop.id}/returns/{return_id}", headers=shop.owner.headers)
    assert still.json()["status"] == "approved" and still.json()["refund_id"] is None
    assert_problem(await _staff(client, shop, return_id, "receive", refund=False, amount=100), 422, field="amount")
    received = await _staff(client, shop, return_id, "receive", amount=order["totals"]["total"])  # shipping too
    assert received.status_code == 200, received.text
    assert received.json()["refund_amount"] == order["totals"]["total"]
    assert (await stock_of(client, shop))["on_hand"] == before["on_hand"] + 3
    after = await _order_now(client, shop, order)
    assert after["payment_status"] == "refunded" and sum(r["amount"] for r in after["refunds"]) == order["totals"]["total"]
    assert after["lines"][0]["refunded_quantity"] == 3
    assert_problem(await _ask(client, shop, order), 422, field="lines.0.quantity")  # nothing left to send back


async def test_partial_returns_share_what_was_delivered(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=10)
    order = await _order(client, shop, quantity=3)
    await _fulfil(client, shop, order, quantity=2)  # delivered
    await _fulfil(client, shop, order, quantity=1, status="shipped")  # still on its way
    assert_problem(await _ask(client, shop, order, quantity=3), 422, field="lines.0.quantity")
    first = await _ask(client, shop, order, quantity=1)
    assert first.status_code == 201, first.text
    assert_problem(await _ask(client, shop, order, quantity=2), 422, field="lines.0.quantity")
    second = await _ask(client, shop, order, quantity=1)
    assert second.status_code == 201, second.text
    assert_problem(await _ask(client, shop, order, quantity=1), 422, field="lines.0.quantity")
    await _staff(client, shop, first.json()["id"], "reject", note="Worn")  # a rejected return frees its units
    third = await _ask(client, shop, order, quantity=1)
    assert third.status_code == 201, third.text
    # Received without a refund, the units still count as sent back.
    await _staff(client, shop, second.json()["id"], "approve")
    kept = await _staff(client, shop, second.json()["id"], "receive", refund=False, restock=False)
    assert kept.status_code == 200, kept.text
    assert (kept.json()["refund_id"], kept.json()["location_id"]) == (None, None)
    assert (await _order_now(client, shop, order))["payment_status"] == "paid"
    assert_problem(await _ask(client, shop, order, quantity=1), 422, field="lines.0.quantity")
    mine = await client.get(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                            params={"access_token": order["access_token"]})
    assert [r["status"] for r in mine.json()] == ["rejected", "received", "requested"]


async def test_only_delivered_units_can_be_asked_back(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    assert_problem(await _ask(client, shop, order), 422, field="lines.0.line_id")  # nothing fulfilled yet
    await _fulfil(client, shop, order, status="shipped")
    assert_problem(await _ask(client, shop, order), 422, field="lines.0.line_id")  # shipped, not delivered
    other = await _order(client, shop, quantity=1)
    strange = await client.post(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                                params={"access_token": order["access_token"]},
                                json={"lines": [{"line_id": other["lines"][0]["id"], "quantity": 1}], "reason": "x"})
    assert_problem(strange, 422, field="lines.0.line_id")
    assert_problem(await _ask(client, shop, order, reason=""), 422)
    assert_problem(await _ask(client, shop, order, reason="x" * 501), 422)
    assert_problem(await _ask(client, shop, order, quantity=0), 422)
    assert_problem(await _ask(client, shop, order, refund="please"), 422)  # no unknown fields


async def test_the_window_counts_from_each_delivery(client: httpx.AsyncClient, session: AsyncSession) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop, quantity=3)
    old = await _fulfil(client, shop, order, quantity=1)
    await _fulfil(client, shop, order, quantity=2)
    await session.execute(update(Fulfillment).where(Fulfillment.id == uuid.UUID(old["id"]))
                          .values(delivered_at=utcnow() - timedelta(days=31)))  # the default window is 30 days
    await session.commit()
    assert_problem(await _ask(client, shop, order, quantity=3), 422, field="lines.0.quantity")
    assert (await _ask(client, shop, order, quantity=2)).status_code == 201
    closed = await _ask(client, shop, order, quantity=1)
    assert_problem(closed, 409)
    closes_on = (utcnow() - timedelta(days=1)).date().isoformat()
    assert closed.json()["detail"].startswith(f"The return window closed on {closes_on}")


async def test_a_window_of_zero_days_closes_at_delivery(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    patched = await client.patch(f"/stores/{shop.id}", headers=shop.owner.headers, json={"return_window_days": 0})
    assert patched.status_code == 200, patched.text
    order = await _delivered(client, shop)
    closed = await _ask(client, shop, order)
    assert_problem(closed, 409)
    assert "return window closed on" in closed.json()["detail"]
    await client.patch(f"/stores/{shop.id}", headers=shop.owner.headers, json={"return_window_days": 30})
    assert (await _ask(client, shop, order)).status_code == 201


async def test_illegal_moves_are_409(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _delivered(client, shop)
    first = (await _ask(client, shop, order)).json()["id"]
    assert_problem(await _staff(client, shop, first, "receive"), 409)  # requested → received
    assert (await _staff(client, shop, first, "approve")).status_code == 200
    assert_problem(await _staff(client, shop, first, "approve"), 409)
    assert_problem(await _staff(client, shop, first, "reject", note="late"), 409)
    assert (await _staff(client, shop, first, "receive", refund=False)).status_code == 200
    for action, body in (("approve", {}), ("reject", {"note": "x"}), ("receive", {})):
        assert_problem(await _staff(client, shop, first, action, **body), 409)
    second = (await _ask(client, shop, order)).json()["id"]
    rejected = await _staff(client, shop, second, "reject", note="Worn")
    assert (rejected.json()["status"], rejected.json()["staff_note"]) == ("rejected", "Worn")
    for action, body in (("approve", {}), ("reject", {"note": "x"}), ("receive", {})):
        problem = assert_problem(await _staff(client, shop, second, action, **body), 409)
        assert problem["code"] == "ILLEGAL_TRANSITION"
    assert_problem(await _staff(client, shop, second, "reject"), 422, field="note")


async def test_receiving_at_an_unknown_location_changes_nothing(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    other = await open_shop(client)
    order = await _delivered(client, shop)
    return_id = (await _ask(client, shop, order)).json()["id"]
    await _staff(client, shop, return_id, "approve")
    elsewhere = (await client.get(f"/stores/{other.id}/locations", headers=other.owner.headers)).json()
    their_location = (elsewhere["items"] if isinstance(elsewhere, dict) else elsewhere)[0]["id"]
    before = await stock_of(client, shop)
    assert_problem(await _staff(client, shop, return_id, "receive", location_id=their_location), 422,
                   field="location_id")
    assert await stock_of(client, shop) == before
    assert (await _order_now(client, shop, order))["refunds"] == []
    received = await _staff(client, shop, return_id, "receive")  # the default location, and a refund
    assert received.status_code == 200, received.text
    assert (await stock_of(client, shop))["on_hand"] == before["on_hand"] + 1


async def test_strangers_and_other_stores_get_404(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    other = await open_shop(client)
    order = await _delivered(client, shop)
    assert_problem(await _ask(client, shop, order, token="oat_forged"), 404)
    someone_else = await _delivered(client, shop, quantity=1)
    assert_problem(await _ask(client, shop, order, token=someone_else["access_token"]), 404)
    assert_problem(await client.get(f"/storefront/{shop.slug}/orders/{order['id']}/returns"), 404)
    assert_problem(await client.post(f"/storefront/{other.slug}/orders/{order['id']}/returns",
                                     params={"access_token": order["access_token"]},
                                     json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}],
                                           "reason": "x"}), 404)
    return_id = (await _ask(client, shop, order)).json()["id"]
    for path in (f"/stores/{shop.id}/returns/{return_id}", f"/stores/{other.id}/returns/{return_id}"):
        assert_problem(await client.get(path, headers=other.owner.headers), 404)
    for action, body in (("approve", {}), ("reject", {"note": "x"}), ("receive", {})):
        assert_problem(await client.post(f"/stores/{other.id}/returns/{return_id}/{action}",
                                         headers=other.owner.headers, json=body), 404)
    assert (await client.get(f"/stores/{other.id}/returns", headers=other.owner.headers)).json()["items"] == []
    mine = await client.get(f"/stores/{shop.id}/returns/{return_id}", headers=shop.owner.headers)
    assert mine.json()["status"] == "requested"  # untouched by the other store's staff
    assert_problem(await client.get(f"/stores/{shop.id}/returns"), 401)


async def test_a_signed_in_customer_needs_no_token(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    shopper = await signup(client, name="Sam Shopper")
    order = await _order(client, shop, quantity=2, headers=shopper.headers)
    await _fulfil(client, shop, order)
    asked = await client.post(f"/storefront/{shop.slug}/orders/{order['id']}/returns", headers=shopper.headers,
                              json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 2}],
                                    "reason": "Wrong colour"})
    assert asked.status_code == 201, asked.text
    mine = await client.get(f"/storefront/{shop.slug}/orders/{order['id']}/returns", headers=shopper.headers)
    assert [r["id"] for r in mine.json()] == [asked.json()["id"]]
    stranger = await signup(client)
    assert_problem(await client.get(f"/storefront/{shop.slug}/orders/{order['id']}/returns",
                                    headers=stranger.headers), 404)


async def test_staff_pages_through_returns(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=20)
    order = await _delivered(client, shop, quantity=5)
    made = [(await _ask(client, shop, order)).json()["id"] for _ in range(5)]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/stores/{shop.id}/returns", params=params, headers=shop.owner.headers)).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))  # newest first
    assert_problem(await client.get(f"/stores/{shop.id}/returns", params={"status": "lost"},
                                    headers=shop.owner.headers), 422)


@pytest.fixture(scope="module")
def fake_easypost() -> Iterator[FakeEasyPost]:
    fake = FakeEasyPost()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def easypost(app: FastAPI, fake_easypost: FakeEasyPost) -> AsyncIterator[FakeEasyPost]:
    before = app.state.settings.easypost_api_base
    app.state.settings.easypost_api_base = fake_easypost.base_url
    yield fake_easypost
    app.state.settings.easypost_api_base = before


async def test_a_return_label_travels_from_the_customer_to_the_store(client: httpx.AsyncClient,
                                                                      easypost: FakeEasyPost) -> None:
    shop = await open_shop(client)
    order = await _delivered(client, shop)
    return_id = (await _ask(client, shop, order)).json()["id"]
    assert_problem(await _staff(client, shop, return_id, "approve", label=True), 422, field="integration")
    assert_problem(await _staff(client, shop, return_id, "approve", label=True, integration="manual"), 422,
                   field="integration")
    connected = await client.put(f"/stores/{shop.id}/carriers/easypost", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"api_key": easypost.api_key, "webhook_secret": easypost.webhook_secret,
                                      "from_line1": "1 Dock St", "from_city": "Portland", "from_region": "OR",
                                      "from_postal_code": "97201", "from_country": "US"}})
    assert connected.status_code == 200, connected.text
    approved = await _staff(client, shop, return_id, "approve", label=True)  # the connected seller of labels
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["label_url"].endswith(".png") and body["tracking_number"].startswith("EZ")
    assert body["carrier"] and body["status"] == "approved"
    shipment = easypost.shipments[easypost.bought[-1]]
    assert shipment["from_address"]["zip"] == "62701" and shipment["to_address"]["city"] == "Portland"
