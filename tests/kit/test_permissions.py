"""The permission matrix: every role against every store-scoped endpoint, generated from the role map."""

import uuid

import httpx
import pytest
from fastapi import FastAPI

from metco.stores.roles import ROLE_PERMISSIONS
from tests.helpers import Account, add_member, create_store, signup
from tests.routes import store_scoped_routes


async def test_every_store_scoped_endpoint_declares_a_permission_check(app: FastAPI) -> None:
    routes = store_scoped_routes(app)
    assert len(routes) >= 7
    for route in routes:
        assert route.path.startswith("/api/v1/stores/{store_id}"), route


async def test_each_role_is_allowed_exactly_what_the_map_grants(app: FastAPI, client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    members: dict[str, Account] = {"owner": owner}
    for role in ROLE_PERMISSIONS:
        if role != "owner":
            members[role] = await add_member(client, owner, store["id"], role)

    checked = 0
    for route in store_scoped_routes(app):
        values = {p: str(uuid.uuid4()) for p in route.params} | {"store_id": store["id"]}
        for role, permissions in ROLE_PERMISSIONS.items():
            allowed = route.permission is None or route.permission in permissions
            # Methods that change data get an empty body: an allowed role then meets 422 or 404, never 403.
            body = {} if route.method in ("POST", "PUT", "PATCH") else None
            response = await client.request(route.method, route.url(values), json=body, headers=members[role].headers)
            if allowed:
                assert response.status_code != 403, (role, route)
                assert response.status_code < 500, (role, route, response.text)
            else:
                assert response.status_code == 403, (role, route, response.status_code)
                assert response.json()["permission"] == route.permission
            checked += 1
    assert checked >= 7 * len(ROLE_PERMISSIONS)


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
async def test_the_role_map_is_served_and_matches_the_brief(client: httpx.AsyncClient, role: str) -> None:
    served = (await client.get("/roles")).json()
    assert set(served[role]) == ROLE_PERMISSIONS[role]
