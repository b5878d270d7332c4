"""Password reset: same answer for any email, an outbox event, single-use expiring tokens."""

from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.models import PasswordResetToken
from metco.kit.clock import utcnow
from metco.kit.outbox import OutboxEvent
from tests.helpers import PASSWORD, assert_problem, signup

NEW_PASSWORD = "a brand new passphrase"


async def _reset_token(client: httpx.AsyncClient, session: AsyncSession, email: str) -> str:
    assert (await client.post("/auth/password-reset", json={"email": email})).status_code == 202
    await session.rollback()
    events = list(await session.scalars(
        select(OutboxEvent).where(OutboxEvent.topic == "identity.password_reset_requested").order_by(OutboxEvent.id)))
    token: str = events[-1].payload["token"]
    return token


async def test_reset_request_answers_the_same_for_known_and_unknown_emails(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await signup(client)
    known = await client.post("/auth/password-reset", json={"email": account.email})
    unknown = await client.post("/auth/password-reset", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    events = list(await session.scalars(select(OutboxEvent)))
    assert [e.topic for e in events] == ["identity.password_reset_requested"]
    assert events[0].payload["email"] == account.email


async def test_confirming_a_reset_sets_the_password_and_signs_out_everywhere(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await signup(client)
    token = await _reset_token(client, session, account.email)
    response = await client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 204
    assert_problem(await client.get("/me", headers=account.headers), 401)
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 401
    assert (await client.post("/auth/login", json={"email": account.email, "password": NEW_PASSWORD})).status_code == 200


async def test_a_reset_token_works_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    token = await _reset_token(client, session, account.email)
    first = await client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert first.status_code == 204
    again = await client.post("/auth/password-reset/confirm", json={"token": token, "password": "yet another one"})
    assert_problem(again, 422, "token")


async def test_an_expired_reset_token_is_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    token = await _reset_token(client, session, account.email)
    await session.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    await session.commit()
    response = await client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(response, 422, "token")


async def test_reset_tokens_expire_within_an_hour(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    await _reset_token(client, session, account.email)
    row = (await session.scalars(select(PasswordResetToken))).one()
    assert row.expires_at - row.created_at <= timedelta(hours=1)


async def test_a_new_reset_request_voids_the_previous_token(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    first = await _reset_token(client, session, account.email)
    await _reset_token(client, session, account.email)
    response = await client.post("/auth/password-reset/confirm", json={"token": first, "password": NEW_PASSWORD})
    assert_problem(response, 422, "token")


async def test_a_reset_with_a_weak_password_is_422_and_keeps_the_token_usable_only_if_rolled_back(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await signup(client)
    token = await _reset_token(client, session, account.email)
    weak = await client.post("/auth/password-reset/confirm", json={"token": token, "password": account.email})
    assert_problem(weak, 422, "password")
    # The refused request changed nothing: the token still works and the old password still signs in.
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 200
    ok = await client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_an_unknown_reset_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/password-reset/confirm", json={"token": "pr_made_up", "password": NEW_PASSWORD})
    assert_problem(response, 422, "token")
