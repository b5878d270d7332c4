"""Stripe through the official SDK, against a local fake that speaks Stripe's wire format: cards that pay,
decline and need 3-D Secure, manual capture, refunds and signed webhooks (bad signature, replay, order)."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import stripe
from fastapi import FastAPI

from tests.fakes.server import serve
from tests.fakes.stripe import FakeStripe
from tests.helpers import assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop, stock_of

WEBHOOK_SECRET = "whsec_test_fake"


@pytest.fixture(scope="module")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def stripe_api(app: FastAPI, fake_stripe: FakeStripe) -> AsyncIterator[FakeStripe]:
    before = app.state.settings.stripe_api_base
    app.state.settings.stripe_api_base = fake_stripe.base_url
    yield fake_stripe
    app.state.settings.stripe_api_base = before


async def _connect(client: httpx.AsyncClient, shop: Shop, **settings: Any) -> dict[str, Any]:
    response = await client.put(f"/stores/{shop.id}/payment-providers/stripe", headers=shop.owner.headers, json={
        "enabled": True, "settings": {"publishable_key": "pk_test_fake", "secret_key": "sk_test_fake",
                                      "webhook_secret": WEBHOOK_SECRET, **settings}})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _stripe_shop(client: httpx.AsyncClient, **settings: Any) -> Shop:
    shop = await open_shop(client, stock=5)
    await _connect(client, shop, **settings)
    return shop


async def _order(client: httpx.AsyncClient, shop: Shop, order_id: str) -> dict[str, Any]:
    response = await client.get(f"/stores/{shop.id}/orders/{order_id}", headers=shop.owner.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _send(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe, type_: str, intent_id: str, *,
                event_id: str | None = None, secret: str = WEBHOOK_SECRET) -> httpx.Response:
    body, headers = fake.signed(fake.event(type_, intent_id, event_id=event_id), secret)
    return await client.post(f"/webhooks/payments/stripe/{shop.id}", content=body, headers=headers)


async def test_connecting_stripe_keeps_its_secrets_write_only(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    refused = await client.put(f"/stores/{shop.id}/payment-providers/stripe", headers=shop.owner.headers,
                               json={"enabled": True, "settings": {"publishable_key": "pk_test_1"}})
    assert_problem(refused, 422, field="settings.secret_key")
    unknown = await client.put(f"/stores/{shop.id}/payment-providers/stripe", headers=shop.owner.headers,
                               json={"settings": {"card_number": "4242424242424242"}})
    assert_problem(unknown, 422, field="settings.card_number")
    connected = await _connect(client, shop)
    assert connected["enabled"] is True
    assert connected["secrets_set"] == ["secret_key", "webhook_secret"]
    assert "sk_test_fake" not in str(connected) and WEBHOOK_SECRET not in str(connected)
    assert connected["webhook_url"].endswith(f"/api/v1/webhooks/payments/stripe/{shop.id}")
    listed = (await client.get(f"/stores/{shop.id}/payment-providers", headers=shop.owner.headers)).json()
    assert {p["provider"] for p in listed} >= {"sandbox", "manual", "stripe", "paypal", "btcpay"}
    assert "sk_test_fake" not in str(listed)
    # Changing one setting keeps the secrets; clearing one with null forgets it (and disabling is allowed).
    kept = (await client.put(f"/stores/{shop.id}/payment-providers/stripe", headers=shop.owner.headers,
                             json={"settings": {"capture_method": "manual"}})).json()
    assert kept["secrets_set"] == ["secret_key", "webhook_secret"] and kept["settings"]["capture_method"] == "manual"
    cleared = (await client.put(f"/stores/{shop.id}/payment-providers/stripe", headers=shop.owner.headers,
                                json={"enabled": False, "settings": {"webhook_secret": None}})).json()
    assert cleared["secrets_set"] == ["secret_key"] and cleared["enabled"] is False


async def test_secrets_are_sealed_in_the_database(client: httpx.AsyncClient, session: Any) -> None:
    from sqlalchemy import select

    from metco.payments.models import ProviderConnection

    await _stripe_shop(client)
    row = (await session.scalars(select(ProviderConnection).where(ProviderConnection.provider == "stripe"))).one()
    assert row.sealed_secrets and "sk_test_fake" not in row.sealed_secrets and "sk_test" not in str(row.settings)


async def test_a_disabled_provider_takes_no_checkout(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    response = await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")
    assert_problem(response, 422, field="payment.provider")


async def test_a_card_pays_at_checkout(client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop, quantity=2)
    response = await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa", key="k-1")
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["status"], order["payment_status"]) == ("confirmed", "paid")
    intent = stripe_api.intents[(await _order(client, shop, order["id"]))["payments"][0]["provider_reference"]]
    assert intent["amount"] == order["totals"]["total"] and intent["capture_method"] == "automatic"
    assert intent["metadata"]["metco_store_id"] == shop.id
    assert await stock_of(client, shop) == {"on_hand": 3, "reserved": 0, "available": 3}
    # The same Idempotency-Key again: the same order, and Stripe was not asked twice.
    created = len(stripe_api.intents)
    again = await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa", key="k-1")
    assert again.json()["id"] == order["id"] and len(stripe_api.intents) == created


@pytest.mark.parametrize(("method", "code"), [("pm_card_chargeDeclined", "generic_decline"),
                                              ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")])
async def test_a_declined_card_makes_no_order_and_holds_nothing(
        client: httpx.AsyncClient, stripe_api: FakeStripe, method: str, code: str) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop, quantity=2)
    response = await checkout(client, shop, cart["id"], provider="stripe", token=method)
    problem = assert_problem(response, 402)
    assert problem["decline_code"] == code
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}
    orders = (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()
    assert orders["items"] == []
    retried = await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")
    assert retried.status_code == 201, retried.text


async def test_three_d_secure_redirects_and_the_return_confirms(client: httpx.AsyncClient,
                                                                stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop)
    response = await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_threeDSecure2Required")
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["status"], order["payment_status"]) == ("pending", "pending")
    assert order["next_action"]["type"] == "redirect"
    assert order["next_action"]["url"].startswith(f"{stripe_api.base_url}/3ds/")
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 1, "available": 4}
    intent_id = order["next_action"]["url"].rsplit("/", 1)[1]

    back = f"/storefront/{shop.slug}/orders/{order['id']}/refresh-payment"
    still = await client.post(back, params={"access_token": order["access_token"]})
    assert still.json()["payment_status"] == "pending"
    stripe_api.finish_action(intent_id)
    done = await client.post(back, params={"access_token": order["access_token"]})
    assert (done.json()["status"], done.json()["payment_status"]) == ("confirmed", "paid")
    assert await stock_of(client, shop) == {"on_hand": 4, "reserved": 0, "available": 4}
    # The webhook that follows changes nothing more.
    late = await _send(client, shop, stripe_api, "payment_intent.succeeded", intent_id)
    assert late.status_code == 200
    timeline = (await _order(client, shop, order["id"]))["timeline"]
    assert [e["type"] for e in timeline].count("payment_captured") == 1
    stranger = await client.post(back, params={"access_token": "oat_wrong"})
    assert_problem(stranger, 404)


async def test_webhooks_confirm_once_and_never_go_backwards(client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_threeDSecure2Required")).json()
    intent_id = order["next_action"]["url"].rsplit("/", 1)[1]
    stripe_api.finish_action(intent_id)

    bad = await _send(client, shop, stripe_api, "payment_intent.succeeded", intent_id, secret="whsec_wrong")
    assert_problem(bad, 400)
    assert (await _order(client, shop, order["id"]))["payment_status"] == "pending"

    answers = [await _send(client, shop, stripe_api, "payment_intent.succeeded", intent_id, event_id="evt_same")
               for _ in range(10)]
    assert [a.json()["duplicate"] for a in answers] == [False] + [True] * 9
    late_failure = await _send(client, shop, stripe_api, "payment_intent.payment_failed", intent_id)
    assert late_failure.status_code == 200
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("confirmed", "paid")
    assert [e["type"] for e in after["timeline"]].count("confirmed") == 1


async def test_an_old_signature_is_refused(client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    import time

    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_threeDSecure2Required")).json()
    intent_id = order["next_action"]["url"].rsplit("/", 1)[1]
    body, headers = stripe_api.signed(stripe_api.event("payment_intent.succeeded", intent_id), WEBHOOK_SECRET,
                                      timestamp=int(time.time()) - 3600)
    assert_problem(await client.post(f"/webhooks/payments/stripe/{shop.id}", content=body, headers=headers), 400)


async def test_a_failed_authentication_cancels_the_order_and_frees_the_stock(
        client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_threeDSecure2Required")).json()
    intent_id = order["next_action"]["url"].rsplit("/", 1)[1]
    stripe_api.finish_action(intent_id, succeed=False)
    response = await _send(client, shop, stripe_api, "payment_intent.payment_failed", intent_id)
    assert response.status_code == 200
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("cancelled", "failed")
    assert after["payments"][0]["failure_message"] == "We are unable to authenticate your payment method."
    assert await stock_of(client, shop) == {"on_hand": 5, "reserved": 0, "available": 5}
    # A success that arrives afterwards (the shopper retried on Stripe's page) is money for a cancelled order:
    # it is handed back at once.
    stripe_api.finish_action(intent_id)
    await _send(client, shop, stripe_api, "payment_intent.succeeded", intent_id)
    after = await _order(client, shop, order["id"])
    assert (after["status"], after["payment_status"]) == ("cancelled", "refunded")
    assert [r["amount"] for r in stripe_api.refunds if r["payment_intent"] == intent_id] == [order["totals"]["total"]]


async def test_manual_capture_authorizes_then_staff_capture(client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client, capture_method="manual")
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")).json()
    assert (order["status"], order["payment_status"]) == ("confirmed", "authorized")
    intent_id = (await _order(client, shop, order["id"]))["payments"][0]["provider_reference"]
    assert stripe_api.intents[intent_id]["status"] == "requires_capture"
    captured = await client.post(f"/stores/{shop.id}/orders/{order['id']}/capture", headers=shop.owner.headers)
    assert captured.status_code == 200, captured.text
    assert captured.json()["payment_status"] == "paid"
    assert stripe_api.intents[intent_id]["amount_received"] == order["totals"]["total"]
    again = await client.post(f"/stores/{shop.id}/orders/{order['id']}/capture", headers=shop.owner.headers)
    assert_problem(again, 409)


async def test_cancelling_an_authorized_order_releases_the_hold(client: httpx.AsyncClient,
                                                               stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client, capture_method="manual")
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")).json()
    cancelled = await client.post(f"/stores/{shop.id}/orders/{order['id']}/cancel", headers=shop.owner.headers,
                                  json={"reason": "Out of stock", "restock": True})
    assert cancelled.json()["payment_status"] == "voided"
    intent_id = cancelled.json()["payments"][0]["provider_reference"]
    assert stripe_api.intents[intent_id]["status"] == "canceled"


async def test_refunds_go_to_stripe_and_never_exceed_the_capture(client: httpx.AsyncClient,
                                                                 stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")).json()
    total = order["totals"]["total"]
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    first = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "r-1"},
                              json={"amount": 1000, "reason": "Damaged"})
    assert first.status_code == 201, first.text
    assert first.json()["payment_status"] == "partially_refunded"
    repeat = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "r-1"},
                               json={"amount": 1000, "reason": "Damaged"})
    assert repeat.json() == first.json()
    too_much = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "r-2"},
                                 json={"amount": total})
    assert_problem(too_much, 422, field="amount")
    rest = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "r-3"},
                             json={"amount": total - 1000})
    assert rest.json()["payment_status"] == "refunded"
    intent_id = rest.json()["payments"][0]["provider_reference"]
    assert [r["amount"] for r in stripe_api.refunds if r["payment_intent"] == intent_id] == [1000, total - 1000]
    assert rest.json()["refunds"][0]["provider_reference"].startswith("re_")


async def test_a_refund_stripe_refuses_changes_nothing(client: httpx.AsyncClient, stripe_api: FakeStripe) -> None:
    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")).json()
    stripe_api.refuse_refunds = True
    try:
        response = await client.post(f"/stores/{shop.id}/orders/{order['id']}/refunds",
                                     headers={**shop.owner.headers, "Idempotency-Key": "x"}, json={"amount": 100})
    finally:
        stripe_api.refuse_refunds = False
    assert_problem(response, 409)
    after = await _order(client, shop, order["id"])
    assert after["payment_status"] == "paid" and after["refunds"] == []


def test_our_signatures_verify_with_stripes_own_sdk() -> None:
    from metco.payments.signatures import sign

    body = b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}}'
    event = stripe.Webhook.construct_event(body.decode(), sign(WEBHOOK_SECRET, body), WEBHOOK_SECRET)
    assert event["id"] == "evt_1"


async def test_simultaneous_refunds_reach_stripe_only_within_the_capture(client: httpx.AsyncClient,
                                                                         stripe_api: FakeStripe) -> None:
    import asyncio

    shop = await _stripe_shop(client)
    cart = await cart_with(client, shop, quantity=2)
    order = (await checkout(client, shop, cart["id"], provider="stripe", token="pm_card_visa")).json()
    share = order["totals"]["total"] * 6 // 10
    url = f"/stores/{shop.id}/orders/{order['id']}/refunds"
    answers = await asyncio.gather(*(client.post(url, json={"amount": share}, headers={
        **shop.owner.headers, "Idempotency-Key": f"race-{i}"}) for i in range(4)))
    assert sorted(a.status_code for a in answers) == [201, 422, 422, 422]
    intent_id = (await _order(client, shop, order["id"]))["payments"][0]["provider_reference"]
    assert [r["amount"] for r in stripe_api.refunds if r["payment_intent"] == intent_id] == [share]


async def test_no_request_accepts_a_card_number(client: httpx.AsyncClient) -> None:
    """The platform never sees a card number: checkout's payment takes a provider and a token, nothing else."""
    shop = await open_shop(client)
    cart = await cart_with(client, shop)
    response = await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/checkout", json={
        "email": "x@example.com", "payment": {"provider": "stripe", "token": "pm_card_visa",
                                              "card_number": "4242424242424242", "cvc": "123"}})
    problem = assert_problem(response, 422)
    assert {e["field"] for e in problem["errors"]} >= {"payment.card_number", "payment.cvc"}
    orders = (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()
    assert orders["items"] == []
