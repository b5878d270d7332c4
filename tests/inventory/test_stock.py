"""Locations, levels, adjustments and the ledger through the API; reservations under races and properties."""

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from metco.catalog.models import Product, ProductVariant
from metco.inventory import service as inventory
from metco.inventory.errors import OutOfStock
from metco.inventory.models import Reservation, StockLevel, StockMovement
from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import OutboxEvent
from tests.helpers import Account, add_member, assert_problem, create_store, signup


async def _variant(client: httpx.AsyncClient, owner: Account, store_id: str, threshold: int | None = None) -> str:
    response = await client.post(f"/stores/{store_id}/products", headers=owner.headers, json={
        "title": f"Thing {uuid.uuid4().hex[:6]}", "status": "active",
        "variants": [{"price": 1000, "low_stock_threshold": threshold}]})
    return str(response.json()["variants"][0]["id"])


async def _store(client: httpx.AsyncClient) -> tuple[Account, dict]:
    owner = await signup(client)
    return owner, await create_store(client, owner, name="Stock Shop")


async def test_a_store_starts_with_one_default_location(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    locations = (await client.get(f"/stores/{store['id']}/locations", headers=owner.headers)).json()
    assert [(loc["name"], loc["is_default"]) for loc in locations] == [("Main location", True)]
    made = await client.post(f"/stores/{store['id']}/locations", json={"name": "Warehouse"}, headers=owner.headers)
    assert made.status_code == 201
    assert_problem(await client.post(f"/stores/{store['id']}/locations", json={"name": "warehouse"},
                                     headers=owner.headers), 409)


async def test_setting_and_adjusting_stock_writes_the_ledger(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    variant = await _variant(client, owner, store["id"])
    level = (await client.put(f"/stores/{store['id']}/inventory/{variant}", json={"on_hand": 10},
                              headers=owner.headers)).json()
    assert (level["on_hand"], level["reserved"], level["available"]) == (10, 0, 10)
    adjusted = await client.post(f"/stores/{store['id']}/inventory/{variant}/adjustments", headers=owner.headers,
                                 json={"delta": -3, "reason": "adjustment", "note": "damaged"})
    assert adjusted.status_code == 201 and adjusted.json()["on_hand"] == 7
    too_far = await client.post(f"/stores/{store['id']}/inventory/{variant}/adjustments", headers=owner.headers,
                                json={"delta": -8})
    assert assert_problem(too_far, 409)["code"] == "OUT_OF_STOCK"
    moves = (await client.get(f"/stores/{store['id']}/inventory/movements", params={"variant_id": variant},
                              headers=owner.headers)).json()["items"]
    assert [(m["delta_on_hand"], m["reason"]) for m in moves] == [(-3, "adjustment"), (10, "adjustment")]
    assert sum(m["delta_on_hand"] for m in moves) == 7


@pytest.mark.parametrize(("body", "field"), [({"on_hand": -1}, "on_hand"), ({}, "on_hand"),
                                             ({"on_hand": 1, "location_id": str(uuid.uuid4())}, "location_id")])
async def test_bad_stock_input_is_422(client: httpx.AsyncClient, body: dict, field: str) -> None:
    owner, store = await _store(client)
    variant = await _variant(client, owner, store["id"])
    assert_problem(await client.put(f"/stores/{store['id']}/inventory/{variant}", json=body, headers=owner.headers),
                   422, field)


async def test_stock_is_edited_by_edit_products_only(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    variant = await _variant(client, owner, store["id"])
    cashier = await add_member(client, owner, store["id"], "cashier")
    assert_problem(await client.put(f"/stores/{store['id']}/inventory/{variant}", json={"on_hand": 1},
                                    headers=cashier.headers), 403)
    assert (await client.get(f"/stores/{store['id']}/inventory", headers=cashier.headers)).status_code == 200


async def test_crossing_the_low_stock_threshold_records_an_event(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner, store = await _store(client)
    variant = await _variant(client, owner, store["id"], threshold=3)
    url = f"/stores/{store['id']}/inventory/{variant}"
    await client.put(url, json={"on_hand": 10}, headers=owner.headers)
    await client.post(f"{url}/adjustments", json={"delta": -6}, headers=owner.headers)  # 4: above
    await client.post(f"{url}/adjustments", json={"delta": -2}, headers=owner.headers)  # 2: crosses
    await client.post(f"{url}/adjustments", json={"delta": -1}, headers=owner.headers)  # 1: already low
    async with app.state.db.sessionmaker() as session:
        events = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "inventory.low_stock")))
    assert [(e.payload["available"], e.payload["threshold"]) for e in events] == [(2, 3)]


async def _raw_variant(db: Database, store_id: uuid.UUID, on_hand: int) -> uuid.UUID:
    async with db.sessionmaker() as session:
        product = Product(store_id=store_id, title="Raw", handle=f"raw-{uuid.uuid4().hex}", status="active")
        session.add(product)
        await session.flush()
        variant = ProductVariant(store_id=store_id, product_id=product.id, title="Default", option_key="",
                                 price=100)
        session.add(variant)
        await session.flush()
        await inventory.set_on_hand(session, store_id=store_id, variant_id=variant.id, on_hand=on_hand)
        await session.commit()
        return variant.id


async def test_fifty_simultaneous_reservations_of_ten_units_give_ten(
    client: httpx.AsyncClient, app: FastAPI, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL's concurrent transactions")
    _owner, store = await _store(client)
    store_id = uuid.UUID(store["id"])
    variant_id = await _raw_variant(app.state.db, store_id, 10)

    async def one(i: int) -> bool:
        async with app.state.db.sessionmaker() as session:
            try:
                await inventory.reserve(session, store_id=store_id, reference=f"race:{i}", lines=[(variant_id, 1)],
                                        expires_at=utcnow() + timedelta(minutes=5))
                await session.commit()
                return True
            except OutOfStock:
                await session.rollback()
                return False

    results = await asyncio.gather(*(one(i) for i in range(50)))
    assert results.count(True) == 10
    async with app.state.db.sessionmaker() as session:
        level = (await session.scalars(select(StockLevel).where(StockLevel.variant_id == variant_id))).one()
        assert (level.on_hand, level.reserved) == (10, 10)


OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("reserve"), st.integers(1, 6)),
    st.tuples(st.just("adjust"), st.integers(-6, 6).filter(bool)),
    st.tuples(st.just("commit"), st.integers(0, 9)),
    st.tuples(st.just("release"), st.integers(0, 9)),
    st.tuples(st.just("expire"), st.just(0)),
), max_size=25)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_any_interleaving_keeps_levels_valid_and_the_ledger_equal_to_them(
    database_url: str, operations: list[tuple[str, int]]
) -> None:
    asyncio.run(_run_operations(database_url, operations))


async def _run_operations(database_url: str, operations: list[tuple[str, int]]) -> None:
    db = Database(database_url, pool_size=2)
    try:
        async with db.sessionmaker() as session:
            from metco.stores.models import Store

            store = Store(name="Prop", slug=f"prop-{uuid.uuid4().hex[:12]}", currency="USD", country="US")
            session.add(store)
            await session.flush()
            await inventory.create_default_location(session, store_id=store.id)
            await session.commit()
            store_id = store.id
        variant_id = await _raw_variant(db, store_id, 5)
        references: list[str] = []
        for step, (kind, amount) in enumerate(operations):
            async with db.sessionmaker() as session:
                try:
                    if kind == "reserve":
                        references.append(f"ref:{step}")
                        await inventory.reserve(session, store_id=store_id, reference=references[-1],
                                                lines=[(variant_id, amount)], expires_at=utcnow() + timedelta(minutes=1))
                    elif kind == "adjust":
                        await inventory.adjust(session, store_id=store_id, variant_id=variant_id, delta=amount,
                                               reason="adjustment")
                    elif kind in ("commit", "release") and references:
                        ref = references[amount % len(references)]
                        settle = inventory.commit_reservation if kind == "commit" else inventory.release_reservation
                        await settle(session, store_id=store_id, reference=ref)
                    elif kind == "expire":
                        await inventory.release_expired(session, now=utcnow() + timedelta(hours=1))
                    await session.commit()
                except OutOfStock:
                    await session.rollback()
            await _check_invariants(db, variant_id)
    finally:
        await db.dispose()


async def _check_invariants(db: Database, variant_id: uuid.UUID) -> None:
    async with db.sessionmaker() as session:
        level = (await session.scalars(select(StockLevel).where(StockLevel.variant_id == variant_id))).one()
        assert level.on_hand >= 0 and level.reserved >= 0 and level.on_hand - level.reserved >= 0
        on_hand, reserved = (await session.execute(
            select(func.coalesce(func.sum(StockMovement.delta_on_hand), 0),
                   func.coalesce(func.sum(StockMovement.delta_reserved), 0))
            .where(StockMovement.variant_id == variant_id))).one()
        assert (on_hand, reserved) == (level.on_hand, level.reserved)
        held = (await session.execute(select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
            Reservation.variant_id == variant_id, Reservation.status == "active"))).scalar_one()
        assert held == level.reserved
