"""Signup, login, logout and /me through the HTTP API."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.models import AccessToken, User
from metco.identity.secrets import digest
from metco.kit.clock import utcnow
from tests.helpers import PASSWORD, assert_problem, create_store, signup, unique_email


async def _user_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def test_signup_returns_the_user_and_a_working_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/signup", json={"email": "Ada@Example.com", "password": PASSWORD, "name": " Ada "})
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["name"] == "Ada"
    assert body["token"].startswith("mt_")
    me = await client.get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json() == {"id": body["user"]["id"], "email": "ada@example.com", "name": "Ada", "memberships": []}


async def test_signup_with_a_taken_email_is_409_whatever_its_case(client: httpx.AsyncClient) -> None:
    await signup(client, email="taken@example.com")
    response = await client.post("/auth/signup", json={"email": "TAKEN@example.com", "password": PASSWORD, "name": "B"})
    assert assert_problem(response, 409)["code"] == "EMAIL_TAKEN"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, "email"),
        ({"email": "a@example.com", "password": "short", "name": "A"}, "password"),
        ({"email": "a@example.com", "password": "x" * 257, "name": "A"}, "password"),
        ({"email": "same@example.com", "password": "Same@Example.com", "name": "A"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "name": "   "}, "name"),
        ({"email": "a@example.com", "password": PASSWORD}, "name"),
        ({"email": "a@example.com", "password": 12345678, "name": "A"}, "password"),
    ],
)
async def test_signup_with_a_bad_field_is_422_naming_it_and_creates_nothing(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, object], field: str
) -> None:
    response = await client.post("/auth/signup", json=body)
    assert_problem(response, 422, field)
    assert await _user_count(session) == 0


async def test_a_body_that_is_not_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/signup", content=b"{not json", headers={"Content-Type": "application/json"})
    assert assert_problem(response, 400)["code"] == "MALFORMED_REQUEST"


async def test_passwords_are_stored_as_argon2id_hashes(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    user = await session.get(User, __import__("uuid").UUID(account.id))
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


async def test_tokens_are_stored_only_as_hashes(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    hashes = list(await session.scalars(select(AccessToken.token_hash)))
    assert hashes == [digest(account.token)]
    assert account.token not in hashes


async def test_login_gives_a_new_token(client: httpx.AsyncClient) -> None:
    account = await signup(client)
    response = await client.post("/auth/login", json={"email": account.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token != account.token
    assert (await client.get("/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


@pytest.mark.parametrize("email", ["known", "unknown@example.com"])
async def test_login_with_wrong_credentials_is_401(client: httpx.AsyncClient, email: str) -> None:
    account = await signup(client)
    response = await client.post("/auth/login", json={
        "email": account.email if email == "known" else email, "password": "wrong password!"})
    assert assert_problem(response, 401)["code"] == "BAD_CREDENTIALS"


async def test_repeated_failures_for_one_email_are_throttled_with_retry_after(client: httpx.AsyncClient) -> None:
    account = await signup(client)
    for _ in range(5):
        assert (await client.post("/auth/login", json={"email": account.email, "password": "nope-nope"})).status_code == 401
    throttled = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert_problem(throttled, 429)
    assert 1 <= int(throttled.headers["Retry-After"]) <= 900


async def test_repeated_failures_from_one_client_are_throttled_across_emails(client: httpx.AsyncClient) -> None:
    for _ in range(20):
        await client.post("/auth/login", json={"email": unique_email("guess"), "password": "nope-nope"})
    account = await signup(client)
    response = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert_problem(response, 429)
    assert "Retry-After" in response.headers


async def test_a_successful_login_clears_the_email_failures(client: httpx.AsyncClient) -> None:
    account = await signup(client)
    for _ in range(4):
        await client.post("/auth/login", json={"email": account.email, "password": "nope-nope"})
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 200
    for _ in range(4):
        await client.post("/auth/login", json={"email": account.email, "password": "nope-nope"})
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 200


async def test_logout_revokes_the_token(client: httpx.AsyncClient) -> None:
    account = await signup(client)
    assert (await client.post("/auth/logout", headers=account.headers)).status_code == 204
    assert_problem(await client.get("/me", headers=account.headers), 401)
    assert_problem(await client.post("/auth/logout", headers=account.headers), 401)


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "])
async def test_me_without_a_live_token_is_401(client: httpx.AsyncClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = await client.get("/me", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_an_expired_token_is_401(client: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await signup(client)
    await session.execute(update(AccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    await session.commit()
    assert_problem(await client.get("/me", headers=account.headers), 401)


async def test_me_lists_memberships_with_permissions(client: httpx.AsyncClient) -> None:
    account = await signup(client)
    store = await create_store(client, account, name="Tea House")
    me = (await client.get("/me", headers=account.headers)).json()
    assert me["memberships"] == [{
        "store_id": store["id"], "store_slug": "tea-house", "store_name": "Tea House", "role": "owner",
        "permissions": ["manage_store", "manage_staff", "withdraw_funds", "view_sales", "edit_products",
                        "manage_discounts", "manage_orders", "view_orders", "support"],
    }]
