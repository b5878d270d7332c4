"""Small async helpers that drive the public API, shared by every domain's tests."""

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}@example.com"


async def signup(client: httpx.AsyncClient, email: str | None = None, name: str = "Ada Lovelace") -> Account:
    email = email or unique_email()
    response = await client.post("/auth/signup", json={"email": email, "password": PASSWORD, "name": name})
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(id=body["user"]["id"], email=email, token=body["token"])


async def create_store(client: httpx.AsyncClient, owner: Account, **fields: Any) -> dict[str, Any]:
    body = {"name": "Corner Shop", "currency": "USD", "country": "US"} | fields
    response = await client.post("/stores", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_member(client: httpx.AsyncClient, owner: Account, store_id: str, role: str) -> Account:
    """Invites a new user with `role`, who signs up and accepts."""
    email = unique_email(role)
    response = await client.post(f"/stores/{store_id}/invitations", json={"email": email, "role": role},
                                 headers=owner.headers)
    assert response.status_code == 201, response.text
    member = await signup(client, email=email)
    accepted = await client.post(f"/invitations/{response.json()['id']}/accept", headers=member.headers)
    assert accepted.status_code == 200, accepted.text
    return member


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["type"] and "detail" in body
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body
