"""Email notifications through a real SMTP server: the order confirmation, staff mail, outages, retries,
templates, preferences and the local mailbox."""

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from metco.kit.clock import utcnow
from tests.fakes.smtp import SmtpServer
from tests.helpers import assert_problem, signup
from tests.notifications.conftest import WorkerRun
from tests.shop import Shop, cart_with, checkout, open_shop

SHOPPER = "shopper@example.com"


async def _buy(client: httpx.AsyncClient, shop: Shop, **kwargs: Any) -> dict[str, Any]:
    cart = await cart_with(client, shop, quantity=2)
    response = await checkout(client, shop, cart["id"], **kwargs)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _notifications(client: httpx.AsyncClient, shop: Shop, **params: str) -> list[dict[str, Any]]:
    response = await client.get(f"/stores/{shop.id}/notifications", params=params, headers=shop.owner.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_checkout_emails_the_confirmation_with_number_and_total(
        client: httpx.AsyncClient, smtp: SmtpServer, run_worker: WorkerRun) -> None:
    shop = await open_shop(client, price=2500, shipping=500)
    order = await _buy(client, shop)
    await run_worker()
    [mail] = smtp.to(SHOPPER)
    assert mail.subject == f"Order #{order['number']} confirmed"
    assert order["number"] == 1001
    text, html = mail.part("text/plain"), mail.part("text/html")
    assert "$55.00" in text and "$55.00" in html and "2 × Linen Shirt" in text
    assert "Springfield" in text and "Sam Shopper" in html  # the shipping address
    assert mail.message["From"].startswith(shop.store["name"])
    [row] = [n for n in await _notifications(client, shop, event="order_confirmed")]
    assert row["status"] == "sent" and row["attempts"] == 1 and row["transactional"] is True
    assert mail.message["Message-ID"] == f"<{row['id']}@metco.local>"
    assert mail.message["List-Unsubscribe"] is None  # a receipt is not something to unsubscribe from
    # The owner hears of the new order.
    [staff_mail] = smtp.to(shop.owner.email)
    assert staff_mail.subject == f"New order #{order['number']}: $55.00"
    # The order link in the mail opens the order without signing in.
    link = text.split("View your order (", 1)[1].split(")", 1)[0]
    path, token = link.split("/s/", 1)[1].split("?access_token=")
    slug, _, order_id = path.split("/")
    seen = await client.get(f"/storefront/{slug}/orders/{order_id}", params={"access_token": token})
    assert seen.status_code == 200 and seen.json()["number"] == order["number"]


async def test_mail_queued_during_an_outage_arrives_once_when_the_server_is_back(
        app: FastAPI, client: httpx.AsyncClient, smtp: SmtpServer, run_worker: WorkerRun) -> None:
    app.state.settings.notify_backoff_base_seconds = 60
    shop = await open_shop(client)
    smtp.stop()
    orders = [await _buy(client, shop) for _ in range(3)]
    await run_worker()
    rows = await _notifications(client, shop, event="order_confirmed")
    assert len(rows) == 3
    assert all(r["status"] == "queued" and r["attempts"] == 1 and r["last_error"] for r in rows)
    assert await run_worker() == 0  # nothing is due before its backoff
    smtp.start()
    await run_worker(utcnow() + timedelta(hours=2))
    confirmations = [m for m in smtp.to(SHOPPER) if "confirmed" in m.subject]
    assert sorted(m.subject for m in confirmations) == sorted(f"Order #{o['number']} confirmed" for o in orders)
    assert all(r["status"] == "sent" for r in await _notifications(client, shop, event="order_confirmed"))
    assert await run_worker(utcnow() + timedelta(days=1)) == 0
    assert len([m for m in smtp.to(SHOPPER) if "confirmed" in m.subject]) == 3


async def test_after_the_last_attempt_a_notification_is_failed_and_can_be_retried(
        app: FastAPI, client: httpx.AsyncClient, smtp: SmtpServer, run_worker: WorkerRun) -> None:
    app.state.settings.notify_max_attempts = 3
    shop = await open_shop(client)
    smtp.stop()
    await _buy(client, shop)
    later = utcnow()
    for _ in range(4):
        later += timedelta(hours=2)
        await run_worker(later)
    [row] = await _notifications(client, shop, event="order_confirmed")
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "not reachable" in row["last_error"]
    assert [r["id"] for r in await _notifications(client, shop, status="failed", event="order_confirmed")] == [row["id"]]
    assert await _notifications(client, shop, status="failed", channel="sms") == []
    smtp.start()
    retried = await client.post(f"/stores/{shop.id}/notifications/{row['id']}/retry", headers=shop.owner.headers)
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    await run_worker()
    [row] = await _notifications(client, shop, event="order_confirmed")
    assert row["status"] == "sent" and len(smtp.to(SHOPPER)) == 1
    again = await client.post(f"/stores/{shop.id}/notifications/{row['id']}/retry", headers=shop.owner.headers)
    assert_problem(again, 409)


async def test_a_worker_killed_mid_batch_loses_no_mail(
        app: FastAPI, client: httpx.AsyncClient, smtp: SmtpServer, run_worker: WorkerRun) -> None:
    from metco.worker.runner import Worker

    shop = await open_shop(client)
    for _ in range(3):
        await _buy(client, shop)
    await run_worker(rounds=1)  # plans the notifications: their deliveries are now in the outbox
    doomed = Worker(app.state.db)
    claimed = await doomed.claim()  # ... and this worker dies holding them
    assert claimed
    assert await run_worker() == 0  # leased to the dead worker: nobody else takes them yet
    await run_worker(utcnow() + timedelta(minutes=5))  # its lease has run out
    assert len([m for m in smtp.to(SHOPPER) if "confirmed" in m.subject]) == 3


async def test_a_store_template_is_checked_when_saved_and_used_afterwards(
        client: httpx.AsyncClient, smtp: SmtpServer, run_worker: WorkerRun) -> None:
    shop = await open_shop(client)
    url = f"/stores/{shop.id}/notification-templates/order_confirmed/email"
    default = (await client.get(url, headers=shop.owner.headers)).json()
    assert default["is_default"] is True and "order.total" in default["variables"]
    broken = await client.put(url, headers=shop.owner.headers, json={"subject": "Hi", "body": "{% if %}"})
    assert_problem(broken, 422, field="body")
    unknown = await client.put(url, headers=shop.owner.headers,
                               json={"subject": "Order {{ order.numbr }}", "body": "<p>Thanks</p>"})
    assert_problem(unknown, 422, field="subject")
    sneaky = await client.put(url, headers=shop.owner.headers,
                              json={"subject": "x", "body": "{{ order.__class__.__mro__ }}"})
    assert_problem(sneaky, 422, field="body")
    saved = await client.put(url, headers=shop.owner.headers, json={
        "subject": "Yay! #{{ order.number }} is ours", "body": "<p>Dear {{ recipient.email }}, {{ order.total }}.</p>"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["is_default"] is False
    order = await _buy(client, shop)
    await run_worker()
    [mail] = smtp.to(SHOPPER)
    assert mail.subject == f"Yay! #{order['number']} is ours"
    assert f"Dear {SHOPPER}, $55.00." in mail.part("text/plain")
    reset = await client.delete(url, headers=shop.owner.headers)
    assert reset.status_code == 204
    assert (await client.get(url, headers=shop.owner.headers)).json()["is_default"] is True
    missing = await client.get(f"/stores/{shop.id}/notification-templates/password_reset/sms",
                               headers=shop.owner.headers)
    assert_problem(missing, 404)


async def test_a_replayed_event_queues_nothing_twice(app: FastAPI, client: httpx.AsyncClient, smtp: SmtpServer,
                                                     run_worker: WorkerRun) -> None:
    from sqlalchemy import update

    from metco.kit.outbox import OutboxEvent

    shop = await open_shop(client)
    await _buy(client, shop)
    await run_worker()
    async with app.state.db.sessionmaker() as session:  # as if every event were delivered a second time
        await session.execute(update(OutboxEvent).values(processed_at=None, attempts=0))
        await session.commit()
    await run_worker()
    assert len(await _notifications(client, shop, event="order_confirmed")) == 1
    assert len(smtp.to(SHOPPER)) == 1


async def test_password_reset_mail_carries_a_working_link(client: httpx.AsyncClient, smtp: SmtpServer,
                                                          run_worker: WorkerRun) -> None:
    account = await signup(client)
    assert (await client.post("/auth/password-reset", json={"email": account.email})).status_code in (200, 202, 204)
    await run_worker()
    [mail] = smtp.to(account.email)
    token = mail.part("text/plain").split("reset-password?token=", 1)[1].split(")", 1)[0]
    confirmed = await client.post("/auth/password-reset/confirm", json={"token": token, "password": "another secret 1"})
    assert confirmed.status_code in (200, 204), confirmed.text


async def test_without_a_mail_server_mail_is_kept_in_the_local_mailbox(
        app: FastAPI, client: httpx.AsyncClient, run_worker: WorkerRun) -> None:
    assert app.state.settings.smtp_url is None
    shop = await open_shop(client)
    order = await _buy(client, shop)
    await run_worker()
    [row] = await _notifications(client, shop, event="order_confirmed")
    assert row["status"] == "sent"
    pages = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with pages:
        inbox = await pages.get("/admin/mailbox")
        assert inbox.status_code == 200 and f"Order #{order['number']} confirmed" in inbox.text
        body = await pages.get(f"/admin/mailbox/{row['id']}/html")
        assert "$55.00" in body.text and body.headers["content-security-policy"].startswith("default-src 'none'")
