"""Tenant isolation: another store's staff get 404 on every store-scoped id, whatever their role.

For each store-scoped route this builds real rows in store A, then asks as the owner of store B (who
holds every permission there): with A's store id, and with B's store id but A's other ids. A route
whose path names an id this file cannot make yet fails the test, so every new module must extend
`ids_in_store_a`."""

from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from tests.helpers import Account, add_member, create_store, signup
from tests.routes import store_scoped_routes

Factory = Callable[[httpx.AsyncClient, Account, str], Awaitable[str]]


async def _a_staff_member(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    return (await add_member(client, owner, store_id, "cashier")).id


ID_FACTORIES: dict[str, Factory] = {
    "user_id": _a_staff_member,
}


async def ids_in_store_a(client: httpx.AsyncClient, owner: Account, store_id: str, names: set[str]) -> dict[str, str]:
    missing = names - set(ID_FACTORIES) - {"store_id"}
    assert not missing, f"add a factory for {missing} to tests/kit/test_tenancy.py"
    return {name: await ID_FACTORIES[name](client, owner, store_id) for name in names - {"store_id"}}


async def test_another_stores_staff_get_404_on_every_id(app: FastAPI, client: httpx.AsyncClient) -> None:
    owner_a, owner_b = await signup(client), await signup(client)
    store_a = await create_store(client, owner_a, name="Store A")
    store_b = await create_store(client, owner_b, name="Store B")
    routes = store_scoped_routes(app)
    ids_a = await ids_in_store_a(client, owner_a, store_a["id"], {p for r in routes for p in r.params})

    for route in routes:
        body = {} if route.method in ("POST", "PUT", "PATCH") else None
        own_path_with_a_store = route.url(ids_a | {"store_id": store_a["id"]})
        response = await client.request(route.method, own_path_with_a_store, json=body, headers=owner_b.headers)
        assert response.status_code == 404, (route, response.status_code)
        if set(route.params) - {"store_id"}:
            b_store_a_ids = route.url(ids_a | {"store_id": store_b["id"]})
            response = await client.request(route.method, b_store_a_ids, json=_valid_body(route.path),
                                            headers=owner_b.headers)
            assert response.status_code == 404, (route, response.status_code, response.text)

    # Nothing of A was touched: its owner still sees the same staff.
    staff = (await client.get(f"/stores/{store_a['id']}/staff", headers=owner_a.headers)).json()
    assert sorted(s["user_id"] for s in staff) == sorted([owner_a.id, ids_a["user_id"]])


def _valid_body(path: str) -> dict[str, object] | None:
    """A body that passes validation, so a 404 proves the scoping rather than a 422."""
    if path.endswith("/staff/{user_id}"):
        return {"role": "staff"}
    return None
