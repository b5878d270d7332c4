"""Tenant isolation: another store's staff get 404 on every store-scoped id, whatever their role.

For each store-scoped route this builds real rows in store A, then asks as the owner of store B (who
holds every permission there): with A's store id, and with B's store id but A's other ids. A route
whose path names an id this file cannot make yet fails the test, so every new module must extend
`ids_in_store_a`."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import Account, add_member, create_store, signup
from tests.routes import store_scoped_routes

Factory = Callable[[httpx.AsyncClient, Account, str], Awaitable[str]]


async def _a_staff_member(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    return (await add_member(client, owner, store_id, "cashier")).id


async def _a_category(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    response = await client.post(f"/stores/{store_id}/categories", json={"name": "Secret"}, headers=owner.headers)
    return str(response.json()["id"])


async def _a_product(client: httpx.AsyncClient, owner: Account, store_id: str) -> dict[str, Any]:
    response = await client.post(f"/stores/{store_id}/products", headers=owner.headers, json={
        "title": "Secret thing", "status": "active", "options": [{"name": "Size", "values": ["S", "M"]}],
        "variants": [{"option_values": {"Size": "S"}, "price": 100}]})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _a_product_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    return str((await _a_product(client, owner, store_id))["id"])


async def _a_variant_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    return str((await _a_product(client, owner, store_id))["variants"][0]["id"])


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


async def _an_image_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    product_id = await _a_product_id(client, owner, store_id)
    response = await client.post(f"/stores/{store_id}/products/{product_id}/images", headers=owner.headers,
                                 files={"file": ("a.png", _png(), "image/png")})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_zone_id(client: httpx.AsyncClient, owner: Account, store_id: str, country: str = "CA") -> str:
    response = await client.post(f"/stores/{store_id}/shipping-zones", headers=owner.headers, json={
        "name": f"Zone {country}", "countries": [country], "rates": [{"name": "Standard", "price": 500}]})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_tax_rate_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    response = await client.post(f"/stores/{store_id}/tax-rates", headers=owner.headers,
                                 json={"country": "US", "region": "NY", "name": "NY", "rate": "8.875"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_discount_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    response = await client.post(f"/stores/{store_id}/discounts", headers=owner.headers,
                                 json={"title": "Secret", "code": "SECRET", "kind": "percentage", "value": 10})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _an_order(client: httpx.AsyncClient, owner: Account, store_id: str) -> dict[str, Any]:
    from tests.shop import Shop, add_product, cart_with, checkout

    store = (await client.get(f"/stores/{store_id}", headers=owner.headers)).json()
    product = await add_product(client, owner, store_id, title=f"Order thing {uuid.uuid4().hex[:6]}")
    zones = (await client.get(f"/stores/{store_id}/shipping-zones", headers=owner.headers)).json()
    if not any("US" in z["countries"] for z in zones):
        await _a_zone_id(client, owner, store_id, "US")
    shop = Shop(owner=owner, store=store, product=product)
    cart = await cart_with(client, shop)
    response = await checkout(client, shop, cart["id"], email="tenant@example.com")
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _an_order_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    return str((await _an_order(client, owner, store_id))["id"])


async def _a_customer_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    order = await _an_order(client, owner, store_id)
    return str(order["customer_id"])


async def _a_notification_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    from metco.worker.runner import Worker

    await _an_order(client, owner, store_id)
    worker = Worker(client._transport.app.state.db)  # type: ignore[attr-defined]
    while await worker.drain_once():
        pass
    response = await client.get(f"/stores/{store_id}/notifications", headers=owner.headers)
    return str(response.json()["items"][0]["id"])


async def _a_fulfillment_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    order = await _an_order(client, owner, store_id)
    response = await client.post(f"/stores/{store_id}/orders/{order['id']}/fulfillments", headers=owner.headers,
                                 json={"carrier": "UPS"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_payout_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    from metco.balance import ledger
    from metco.kit.clock import utcnow

    app = client._transport.app  # type: ignore[attr-defined]
    await _an_order(client, owner, store_id)
    async with app.state.db.sessionmaker() as session:
        await ledger.release_matured(session, now=utcnow() + timedelta(days=30))
        await session.commit()
    response = await client.post(f"/stores/{store_id}/payouts", headers={**owner.headers, "Idempotency-Key": "p1"},
                                 json={"amount": 100})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_location_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    response = await client.post(f"/stores/{store_id}/locations", headers=owner.headers,
                                 json={"name": f"Depot {uuid.uuid4().hex[:6]}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_return_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    order = await _an_order(client, owner, store_id)
    await client.post(f"/stores/{store_id}/orders/{order['id']}/fulfillments", headers=owner.headers,
                      json={"carrier": "UPS", "status": "delivered"})
    store = (await client.get(f"/stores/{store_id}", headers=owner.headers)).json()
    response = await client.post(f"/storefront/{store['slug']}/orders/{order['id']}/returns",
                                 params={"access_token": order["access_token"]},
                                 json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}], "reason": "x"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _a_conversation_id(client: httpx.AsyncClient, owner: Account, store_id: str) -> str:
    store = (await client.get(f"/stores/{store_id}", headers=owner.headers)).json()
    response = await client.post(f"/storefront/{store['slug']}/conversations",
                                 json={"message": "secret question", "email": "asker@example.com"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


ID_FACTORIES: dict[str, Factory] = {
    "user_id": _a_staff_member,
    "category_id": _a_category,
    "product_id": _a_product_id,
    "variant_id": _a_variant_id,
    "image_id": _an_image_id,
    "zone_id": _a_zone_id,
    "tax_rate_id": _a_tax_rate_id,
    "discount_id": _a_discount_id,
    "order_id": _an_order_id,
    "customer_id": _a_customer_id,
    "notification_id": _a_notification_id,
    "fulfillment_id": _a_fulfillment_id,
    "payout_id": _a_payout_id,
    "location_id": _a_location_id,
    "return_id": _a_return_id,
    "conversation_id": _a_conversation_id,
}


# Path parameters that are names rather than ids (the same in every store): a fixed value each.
NAMES: dict[str, str] = {"provider": "sandbox", "event": "order_confirmed", "channel": "email", "carrier": "manual"}


async def ids_in_store_a(client: httpx.AsyncClient, owner: Account, store_id: str, names: set[str]) -> dict[str, str]:
    missing = names - set(ID_FACTORIES) - set(NAMES) - {"store_id"}
    assert not missing, f"add a factory for {missing} to tests/kit/test_tenancy.py"
    ids = {name: await ID_FACTORIES[name](client, owner, store_id) for name in names - set(NAMES) - {"store_id"}}
    return ids | {name: NAMES[name] for name in names & set(NAMES)}


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
        if set(route.params) - {"store_id"} - set(NAMES):
            b_store_a_ids = route.url(ids_a | {"store_id": store_b["id"]})
            response = await client.request(route.method, b_store_a_ids, headers=owner_b.headers,
                                            **_valid_request(route.path))
            assert response.status_code == 404, (route, response.status_code, response.text)

    # Nothing of A was touched: its owner still sees the same staff.
    staff = (await client.get(f"/stores/{store_a['id']}/staff", headers=owner_a.headers)).json()
    assert sorted(s["user_id"] for s in staff) == sorted([owner_a.id, ids_a["user_id"]])


def _valid_request(path: str) -> dict[str, Any]:
    """Keyword arguments for a request that passes validation."""
    if path.endswith("/images"):
        return {"files": {"file": ("a.png", _png(), "image/png")}}
    return {"json": _valid_body(path)}


def _valid_body(path: str) -> dict[str, object] | None:
    """A body that passes validation, so a 404 proves the scoping rather than a 422."""
    bodies: dict[str, dict[str, object]] = {
        "/staff/{user_id}": {"role": "staff"},
        "/categories/{category_id}": {"name": "Renamed"},
        "/products/{product_id}": {"title": "Renamed"},
        "/products/{product_id}/variants": {"option_values": {"Size": "M"}, "price": 100},
        "/variants/{variant_id}": {"price": 1},
        "/inventory/{variant_id}": {"on_hand": 1},
        "/inventory/{variant_id}/adjustments": {"delta": 1},
        "/shipping-zones/{zone_id}": {"name": "Renamed"},
        "/tax-rates/{tax_rate_id}": {"name": "Renamed"},
        "/discounts/{discount_id}": {"title": "Renamed"},
        "/orders/{order_id}/cancel": {"reason": "not yours"},
        "/orders/{order_id}/refunds": {"amount": 1},
        "/orders/{order_id}/fulfillments": {"carrier": "UPS"},
        "/fulfillments/{fulfillment_id}": {"status": "picked"},
        "/payouts/{payout_id}/mark-failed": {"reason": "not yours"},
        "/locations/{location_id}": {"address": "elsewhere"},
        "/returns/{return_id}/reject": {"note": "not yours"},
        "/returns/{return_id}/approve": {},
        "/returns/{return_id}/receive": {},
        "/conversations/{conversation_id}": {"status": "closed"},
        "/conversations/{conversation_id}/messages": {"body": "not yours"},
        "/conversations/{conversation_id}/read": {"message_id": "01a20fb0-0000-7000-8000-000000000000"},
    }
    return next((body for suffix, body in bodies.items() if path.endswith(suffix)), None)
