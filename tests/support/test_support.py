"""Support conversations through the API and a real WebSocket: who may see and write what, live delivery,
typing and reading, reconnecting without losing a message, the rate limit, escaping, and email for
whoever is away."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from websockets.exceptions import InvalidStatus

from metco.worker.runner import Worker
from tests.helpers import Account, add_member, create_store, signup
from tests.support.conftest import open_socket


async def _store(api: httpx.AsyncClient) -> tuple[Account, dict[str, Any]]:
    owner = await signup(api)
    store = await create_store(api, owner, name=f"Help Desk {owner.id[-6:]}")
    return owner, store


async def _guest_opens(api: httpx.AsyncClient, slug: str, message: str = "Where is my parcel?") -> dict[str, Any]:
    response = await api.post(f"/storefront/{slug}/conversations", json={
        "message": message, "email": "guest@example.com", "name": "Gwen"})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_guests_and_staff_talk_and_only_they_can(api: httpx.AsyncClient) -> None:
    owner, store = await _store(api)
    opened = await _guest_opens(api, store["slug"])
    assert opened["token"].startswith("cvt_") and opened["messages"][0]["body"] == "Where is my parcel?"
    guest = {"X-Conversation-Token": opened["token"]}
    inbox = (await api.get(f"/stores/{store['id']}/conversations", headers=owner.headers)).json()["items"]
    assert [(c["id"], c["unread"]) for c in inbox] == [(opened["id"], 1)]
    reply = await api.post(f"/stores/{store['id']}/conversations/{opened['id']}/messages", headers=owner.headers,
                           json={"body": "It left today: https://track.example/abc?x=1"})
    assert reply.status_code == 201
    mine = (await api.get(f"/storefront/{store['slug']}/conversations", headers=guest)).json()
    assert [(c["status"], c["unread"]) for c in mine] == [("pending", 1)]
    thread = (await api.get(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages", headers=guest)).json()
    assert [m["author"] for m in thread] == ["customer", "staff"]
    assert '<a href="https://track.example/abc?x=1" rel="nofollow noopener"' in thread[1]["body_html"]
    # Strangers: another guest's token, another store's staff, a customer without a token.
    other_store_owner, _ = await _store(api)
    stranger = await _guest_opens(api, store["slug"], "Me too")
    assert (await api.get(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages",
                          headers={"X-Conversation-Token": stranger["token"]})).status_code == 404
    assert (await api.get(f"/stores/{store['id']}/conversations/{opened['id']}/messages",
                          headers=other_store_owner.headers)).status_code == 404
    assert (await api.get(f"/storefront/{store['slug']}/conversations")).status_code == 401
    cashier = await add_member(api, owner, store["id"], "cashier")
    assert (await api.get(f"/stores/{store['id']}/conversations", headers=cashier.headers)).status_code == 200
    closed = await api.patch(f"/stores/{store['id']}/conversations/{opened['id']}", headers=owner.headers,
                             json={"status": "closed", "assignee_id": cashier.id})
    assert (closed.json()["status"], closed.json()["assignee_id"]) == ("closed", cashier.id)
    assigned = (await api.get(f"/stores/{store['id']}/conversations", params={"assignee_id": cashier.id},
                              headers=owner.headers)).json()["items"]
    assert [c["id"] for c in assigned] == [opened["id"]]


async def test_messages_are_escaped_and_limited(api: httpx.AsyncClient) -> None:
    _, store = await _store(api)
    opened = await _guest_opens(api, store["slug"], "<script>alert(1)</script> javascript:alert(2)")
    html = opened["messages"][0]["body_html"]
    assert "<script>" not in html and "&lt;script&gt;" in html and "<a" not in html
    guest = {"X-Conversation-Token": opened["token"]}
    too_long = await api.post(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages", headers=guest,
                              json={"body": "x" * 5001})
    assert too_long.status_code == 422
    statuses = [(await api.post(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages", headers=guest,
                                json={"body": f"again {i}"})).status_code for i in range(9)]
    assert statuses.count(201) == 7 and statuses[-1] == 429  # 8 per 10 seconds, the first one included


async def test_live_delivery_typing_and_reading_over_the_websocket(live: tuple[str, FastAPI],
                                                                   api: httpx.AsyncClient) -> None:
    base = live[0]
    owner, store = await _store(api)
    other_owner, _ = await _store(api)
    opened = await _guest_opens(api, store["slug"])
    staff = await open_socket(base, owner.token)
    customer = await open_socket(base, opened["token"])
    outsider = await open_socket(base, other_owner.token)
    other_guest = await open_socket(base, (await _guest_opens(api, store["slug"], "Hi"))["token"])
    await staff.next("message")  # the second guest's first message reaches the store's staff
    await api.post(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages",
                   headers={"X-Conversation-Token": opened["token"]}, json={"body": "Hello?"})
    got = await staff.next("message")
    assert (got["conversation_id"], got["message"]["body"]) == (opened["id"], "Hello?")
    mine = await customer.next("message")
    assert mine["message"]["body"] == "Hello?"
    await staff.send({"type": "typing", "conversation_id": opened["id"]})
    typing = await customer.next("typing")
    assert typing["who"] == "staff"
    await staff.send({"type": "read", "conversation_id": opened["id"], "message_id": got["message"]["id"]})
    assert (await customer.next("read"))["reader"] == "staff"
    # Someone else's conversation: their typing goes nowhere; outsiders hear nothing at all.
    await outsider.send({"type": "typing", "conversation_id": opened["id"]})
    await outsider.nothing()
    await other_guest.nothing()
    with pytest.raises(InvalidStatus) as refused:  # refused before the handshake completes
        await open_socket(base, "mt_not_a_token")
    assert refused.value.response.status_code == 403
    for socket in (staff, customer, outsider, other_guest):
        await socket.connection.close()


async def test_a_client_that_reconnects_gets_what_it_missed(live: tuple[str, FastAPI], api: httpx.AsyncClient) -> None:
    base = live[0]
    owner, store = await _store(api)
    opened = await _guest_opens(api, store["slug"])
    customer = await open_socket(base, opened["token"])
    await api.post(f"/stores/{store['id']}/conversations/{opened['id']}/messages", headers=owner.headers,
                   json={"body": "First"})
    seen = (await customer.next("message"))["message"]["id"]
    await customer.connection.close()
    for body in ("Second", "Third"):
        await api.post(f"/stores/{store['id']}/conversations/{opened['id']}/messages", headers=owner.headers,
                       json={"body": body})
    back = await open_socket(base, opened["token"], since=seen)
    assert [(await back.next("message"))["message"]["body"] for _ in range(2)] == ["Second", "Third"]
    await back.connection.close()


async def test_whoever_is_away_hears_by_email(live: tuple[str, FastAPI], api: httpx.AsyncClient,
                                              app: FastAPI) -> None:
    base = live[0]
    owner, store = await _store(api)
    opened = await _guest_opens(api, store["slug"])  # nobody from the store is online: the staff get an email
    staff = await open_socket(base, owner.token)
    await asyncio.sleep(0.2)
    await api.post(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages",
                   headers={"X-Conversation-Token": opened["token"]}, json={"body": "Anyone?"})  # now someone is
    await api.post(f"/stores/{store['id']}/conversations/{opened['id']}/messages", headers=owner.headers,
                   json={"body": "Yes, here!"})  # the guest is not connected: the answer goes by email
    worker = Worker(app.state.db)  # the same database, on this event loop
    while await worker.drain_once():
        pass
    rows = (await api.get(f"/stores/{store['id']}/notifications", headers=owner.headers)).json()["items"]
    by_event = sorted((r["event"], r["recipient"]) for r in rows)
    assert by_event == [("new_support_message", owner.email), ("support_reply", "guest@example.com")]
    await staff.connection.close()
