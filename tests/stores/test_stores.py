"""Creating, listing, reading and updating stores."""

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.stores.models import Store
from tests.helpers import add_member, assert_problem, create_store, signup


async def test_creating_a_store_makes_the_caller_its_owner(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    response = await client.post("/stores", json={"name": "Café Crème", "currency": "eur", "country": "fr",
                                                  "timezone": "Europe/Paris"}, headers=owner.headers)
    assert response.status_code == 201
    store = response.json()
    assert store | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None, "name": "Café Crème", "slug": "cafe-creme", "currency": "EUR", "country": "FR",
        "timezone": "Europe/Paris", "email": None, "prices_include_tax": False, "logo_url": None,
        "brand_color": "#1F4E79", "accent_color": "#B4530F", "return_window_days": 30, "created_at": None,
        "updated_at": None,
    }
    staff = (await client.get(f"/stores/{store['id']}/staff", headers=owner.headers)).json()
    assert [(s["user_id"], s["role"]) for s in staff] == [(owner.id, "owner")]


async def test_a_derived_slug_is_made_unique(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    slugs = [(await create_store(client, owner, name="Plant Shop"))["slug"] for _ in range(3)]
    assert slugs == ["plant-shop", "plant-shop-2", "plant-shop-3"]


async def test_a_name_that_would_give_a_reserved_slug_gets_a_free_one(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    assert (await create_store(client, owner, name="Admin"))["slug"] == "admin-store"
    assert (await create_store(client, owner, name="!!!"))["slug"] == "my-store"


async def test_a_taken_slug_is_409(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    await create_store(client, owner, slug="books")
    response = await client.post("/stores", json={"name": "Books", "slug": "books", "currency": "USD",
                                                  "country": "US"}, headers=owner.headers)
    assert assert_problem(response, 409, "slug")["code"] == "SLUG_TAKEN"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "admin"}, "slug"),
        ({"slug": "api"}, "slug"),
        ({"slug": "s"}, "slug"),
        ({"slug": "Has Spaces"}, "slug"),
        ({"slug": "-edge"}, "slug"),
        ({"currency": "ABC"}, "currency"),
        ({"currency": "XAU"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"country": "XX"}, "country"),
        ({"country": "USA"}, "country"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "nope"}, "email"),
    ],
)
async def test_creating_a_store_with_a_bad_field_is_422_and_creates_nothing(
    client: httpx.AsyncClient, session: AsyncSession, fields: dict[str, str], field: str
) -> None:
    owner = await signup(client)
    body = {"name": "Shop", "currency": "USD", "country": "US"} | fields
    assert_problem(await client.post("/stores", json=body, headers=owner.headers), 422, field)
    assert (await session.execute(select(func.count()).select_from(Store))).scalar_one() == 0


async def test_creating_a_store_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_problem(await client.post("/stores", json={"name": "S", "currency": "USD", "country": "US"}), 401)


async def test_listing_my_stores_is_paginated_and_shows_only_mine(client: httpx.AsyncClient) -> None:
    me, other = await signup(client), await signup(client)
    mine = [(await create_store(client, me, name=f"Mine {i}"))["id"] for i in range(5)]
    await create_store(client, other, name="Not mine")
    first = (await client.get("/stores", params={"limit": 2}, headers=me.headers)).json()
    assert [s["id"] for s in first["items"]] == mine[:2]
    second = (await client.get("/stores", params={"limit": 2, "cursor": first["next_cursor"]}, headers=me.headers)).json()
    third = (await client.get("/stores", params={"limit": 2, "cursor": second["next_cursor"]}, headers=me.headers)).json()
    assert [s["id"] for s in second["items"] + third["items"]] == mine[2:]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(("params", "field"), [({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
                                               ({"cursor": "garbage"}, "cursor")])
async def test_bad_pagination_parameters_are_422(client: httpx.AsyncClient, params: dict[str, object], field: str) -> None:
    me = await signup(client)
    assert_problem(await client.get("/stores", params=params, headers=me.headers), 422, field)


async def test_members_read_the_store_and_strangers_get_404(client: httpx.AsyncClient) -> None:
    owner, stranger = await signup(client), await signup(client)
    store = await create_store(client, owner)
    cashier = await add_member(client, owner, store["id"], "cashier")
    assert (await client.get(f"/stores/{store['id']}", headers=cashier.headers)).json()["id"] == store["id"]
    assert_problem(await client.get(f"/stores/{store['id']}", headers=stranger.headers), 404)
    assert_problem(await client.get(f"/stores/{uuid.uuid4()}", headers=owner.headers), 404)
    assert_problem(await client.get("/stores/not-a-uuid", headers=owner.headers), 404)


async def test_the_owner_updates_the_store(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    response = await client.patch(f"/stores/{store['id']}", json={"name": "Corner Shop & Co", "slug": "corner",
                                                                   "timezone": "Asia/Tokyo"}, headers=owner.headers)
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["slug"], response.json()["timezone"]) == (
        "Corner Shop & Co", "corner", "Asia/Tokyo")


async def test_a_manager_may_not_update_the_store(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    manager = await add_member(client, owner, store["id"], "manager")
    response = await client.patch(f"/stores/{store['id']}", json={"name": "Mine now"}, headers=manager.headers)
    assert assert_problem(response, 403)["code"] == "FORBIDDEN"


@pytest.mark.parametrize(("fields", "field", "status"), [
    ({"currency": "ZZZ"}, "currency", 422), ({"name": None}, "name", 422), ({"slug": "taken"}, "slug", 409),
])
async def test_a_bad_update_changes_nothing(
    client: httpx.AsyncClient, fields: dict[str, object], field: str, status: int
) -> None:
    owner = await signup(client)
    await create_store(client, owner, slug="taken")
    store = await create_store(client, owner, name="Original", slug="original")
    assert_problem(await client.patch(f"/stores/{store['id']}", json={"country": "DE"} | fields,
                                      headers=owner.headers), status, field)
    after = (await client.get(f"/stores/{store['id']}", headers=owner.headers)).json()
    assert (after["name"], after["slug"], after["country"], after["currency"]) == ("Original", "original", "US", "USD")


async def test_roles_serve_the_permission_map(client: httpx.AsyncClient) -> None:
    roles = (await client.get("/roles")).json()
    assert roles == {
        "owner": ["manage_store", "manage_staff", "withdraw_funds", "view_sales", "edit_products",
                  "manage_discounts", "manage_orders", "view_orders", "support"],
        "manager": ["view_sales", "edit_products", "manage_discounts", "manage_orders", "view_orders", "support"],
        "cashier": ["view_orders", "support"],
        "staff": ["view_orders", "support"],
    }
