"""The customer's choices decide the channels: SMS and push only when asked for, non-transactional email
with a one-click unsubscribe, receipts whatever the email preference."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fakes.push_service import FakePushService
from tests.fakes.server import serve
from tests.fakes.twilio import FakeTwilio
from tests.helpers import assert_problem, signup
from tests.notifications.conftest import WorkerRun
from tests.shop import Shop, cart_with, checkout, open_shop


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeTwilio, str, FakePushService]]:
    twilio, push = FakeTwilio(), FakePushService()
    with serve(twilio.app()) as twilio_url, serve(push.app()) as push_url:
        push.base_url = push_url
        yield twilio, twilio_url, push


@pytest.fixture
async def channels(app: FastAPI, fakes: tuple[FakeTwilio, str, FakePushService]
                   ) -> AsyncIterator[tuple[FakeTwilio, FakePushService]]:
    twilio, url, push = fakes
    settings = app.state.settings
    before = (settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from, settings.twilio_api_base)
    settings.twilio_account_sid, settings.twilio_from, settings.twilio_api_base = twilio.account_sid, "+15005550006", url
    from pydantic import SecretStr

    settings.twilio_auth_token = SecretStr(twilio.auth_token)
    twilio.sent.clear()
    push.received.clear()
    yield twilio, push
    (settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from,
     settings.twilio_api_base) = before


async def _shopper(client: httpx.AsyncClient, shop: Shop, *, sms: bool, push: bool) -> dict[str, str]:
    account = await signup(client, email=f"{'sms' if sms else 'quiet'}{'-push' if push else ''}@example.com")
    response = await client.put(f"/storefront/{shop.slug}/me/preferences", headers=account.headers,
                                json={"email": True, "sms": sms, "push": push, "marketing": False})
    assert response.status_code == 200, response.text
    return account.headers


async def _buy(client: httpx.AsyncClient, shop: Shop, headers: dict[str, str]) -> dict[str, Any]:
    cart = await cart_with(client, shop, headers=headers)
    me = (await client.get("/me", headers=headers)).json()
    response = await checkout(client, shop, cart["id"], headers=headers, email=me["email"])
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_sms_and_push_go_out_only_to_those_who_chose_them(
        client: httpx.AsyncClient, channels: tuple[FakeTwilio, FakePushService], run_worker: WorkerRun) -> None:
    twilio, push = channels
    shop = await open_shop(client)
    keen = await _shopper(client, shop, sms=True, push=True)
    subscription = push.new_subscription()
    registered = await client.post(f"/storefront/{shop.slug}/me/push-subscriptions", headers=keen, json=subscription)
    assert registered.status_code == 201, registered.text
    quiet = await _shopper(client, shop, sms=False, push=False)
    keen_order = await _buy(client, shop, keen)
    await _buy(client, shop, quiet)
    await run_worker()
    assert [m["to"] for m in twilio.sent] == ["+12175550100"]  # the checkout's phone, for the keen one only
    assert f"order #{keen_order['number']} is confirmed" in twilio.sent[0]["body"]
    assert [r["message"]["title"] for r in push.received] == [f"Order #{keen_order['number']} confirmed"]
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_confirmed"},
                             headers=shop.owner.headers)).json()["items"]
    assert sorted(r["channel"] for r in rows) == ["email", "email", "push", "sms"]
    assert all(r["status"] == "sent" for r in rows)


async def test_a_gone_push_subscription_is_forgotten(
        client: httpx.AsyncClient, channels: tuple[FakeTwilio, FakePushService], run_worker: WorkerRun) -> None:
    _, push = channels
    shop = await open_shop(client)
    keen = await _shopper(client, shop, sms=False, push=True)
    subscription = push.new_subscription()
    await client.post(f"/storefront/{shop.slug}/me/push-subscriptions", headers=keen, json=subscription)
    push.subscriptions.pop(subscription["endpoint"].rsplit("/", 1)[1])
    await _buy(client, shop, keen)
    await run_worker()
    [row] = (await client.get(f"/stores/{shop.id}/notifications", params={"channel": "push"},
                              headers=shop.owner.headers)).json()["items"]
    assert row["status"] == "failed" and "gone" in row["last_error"]
    await _buy(client, shop, keen)
    await run_worker()
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"channel": "push"},
                             headers=shop.owner.headers)).json()["items"]
    assert len(rows) == 1  # nothing more was sent to the dead subscription


async def test_a_push_subscription_must_be_well_formed(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    headers = await _shopper(client, shop, sms=False, push=True)
    bad = await client.post(f"/storefront/{shop.slug}/me/push-subscriptions", headers=headers,
                            json={"endpoint": "not a url", "keys": {"p256dh": "x", "auth": "y"}})
    assert_problem(bad, 422)
    anonymous = await client.post(f"/storefront/{shop.slug}/me/push-subscriptions",
                                  json={"endpoint": "https://push.example/1", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}})
    assert_problem(anonymous, 401)
    key = (await client.get(f"/storefront/{shop.slug}/push/vapid-public-key")).json()["public_key"]
    assert len(key) == 87


async def test_shipping_mail_can_be_unsubscribed_in_one_click_receipts_cannot(
        client: httpx.AsyncClient, run_worker: WorkerRun) -> None:
    shop = await open_shop(client)
    order = (await checkout(client, shop, (await cart_with(client, shop))["id"])).json()
    await client.post(f"/stores/{shop.id}/orders/{order['id']}/fulfillments", headers=shop.owner.headers,
                      json={"carrier": "UPS", "status": "shipped"})
    await run_worker()
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_shipped"},
                             headers=shop.owner.headers)).json()["items"]
    assert rows[0]["transactional"] is False
    from sqlalchemy import select

    from metco.notifications.models import Notification

    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    async with app.state.db.sessionmaker() as session:
        shipped = (await session.scalars(select(Notification).where(Notification.event == "order_shipped"))).one()
    link = shipped.data["headers"]["List-Unsubscribe"].strip("<>")
    assert shipped.data["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("/api/v1", 1)[1]
    assert_problem(await client.post(path.replace("token=", "token=x")), 404)
    assert (await client.post(path)).json() == {"unsubscribed": True}
    second = (await checkout(client, shop, (await cart_with(client, shop))["id"])).json()
    await client.post(f"/stores/{shop.id}/orders/{second['id']}/fulfillments", headers=shop.owner.headers,
                      json={"carrier": "UPS", "status": "shipped"})
    await run_worker()
    shipped_rows = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_shipped"},
                                     headers=shop.owner.headers)).json()["items"]
    confirmed = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_confirmed"},
                                  headers=shop.owner.headers)).json()["items"]
    assert len(shipped_rows) == 1 and len(confirmed) == 2  # the receipt still came; the shipping mail did not
