"""The store balance: sales and fees held then released, refunds, payouts (never more than available, one of
two racing), the ledger's invariant, and the sales report in the store's time zone."""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from metco.balance import ledger, payouts
from metco.balance.models import STORE_ACCOUNTS, LedgerEntry, LedgerTransaction, StoreBalance
from metco.kit.clock import utcnow
from metco.orders.models import Order
from metco.stores.models import Store
from tests.helpers import add_member, assert_problem
from tests.shop import Shop, cart_with, checkout, open_shop


@pytest.fixture
async def fees(app: FastAPI) -> AsyncIterator[Any]:
    settings = app.state.settings
    before = settings.platform_fee_basis_points, settings.platform_fee_fixed, settings.balance_hold_hours
    yield settings
    settings.platform_fee_basis_points, settings.platform_fee_fixed, settings.balance_hold_hours = before


async def _sell(client: httpx.AsyncClient, shop: Shop, quantity: int = 2) -> dict[str, Any]:
    cart = await cart_with(client, shop, quantity=quantity)
    response = await checkout(client, shop, cart["id"])
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _balance(client: httpx.AsyncClient, shop: Shop) -> dict[str, Any]:
    response = await client.get(f"/stores/{shop.id}/balance", headers=shop.owner.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _release(app: FastAPI, *, days: int = 30) -> None:
    async with app.state.db.sessionmaker() as session:
        await ledger.release_matured(session, now=utcnow() + timedelta(days=days))
        await session.commit()


async def test_a_sale_is_pending_then_available_less_the_fee(app: FastAPI, client: httpx.AsyncClient, fees: Any) -> None:
    fees.platform_fee_basis_points, fees.platform_fee_fixed = 290, 30  # 2.9% + 0.30
    shop = await open_shop(client, price=2500, shipping=500)
    order = await _sell(client, shop)
    total = order["totals"]["total"]
    fee = total * 290 // 10_000 + 30
    assert await _balance(client, shop) == {"available": 0, "pending": total - fee, "currency": "USD"}
    await _release(app, days=1)  # still within the 48-hour hold
    assert (await _balance(client, shop))["available"] == 0
    await _release(app, days=3)
    assert await _balance(client, shop) == {"available": total - fee, "pending": 0, "currency": "USD"}
    await _release(app, days=4)  # released once only
    assert (await _balance(client, shop))["available"] == total - fee
    items = (await client.get(f"/stores/{shop.id}/balance/transactions", headers=shop.owner.headers)).json()["items"]
    assert [(t["type"], t["amount"]) for t in items] == [("release", 0), ("fee", -fee), ("sale", total)]
    assert items[-1]["order_id"] == order["id"] and items[-1]["available_at"] is not None


async def test_a_refund_comes_out_of_the_available_balance(app: FastAPI, client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, shipping=500)
    order = await _sell(client, shop)
    await client.post(f"/stores/{shop.id}/orders/{order['id']}/refunds",
                      headers={**shop.owner.headers, "Idempotency-Key": "r"}, json={"amount": 1000})
    total = order["totals"]["total"]
    assert await _balance(client, shop) == {"available": -1000, "pending": total, "currency": "USD"}
    await _release(app)
    assert (await _balance(client, shop))["available"] == total - 1000


async def test_payouts_never_exceed_the_available_balance(app: FastAPI, client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, shipping=500)
    total = (await _sell(client, shop))["totals"]["total"]
    url = f"/stores/{shop.id}/payouts"
    headers = {**shop.owner.headers, "Idempotency-Key": "p-1"}
    held = await client.post(url, headers=headers, json={"amount": 100})
    assert_problem(held, 422, field="amount")  # everything is still pending
    await _release(app)
    too_much = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "p-2"}, json={"amount": total + 1})
    assert_problem(too_much, 422, field="amount")
    assert (await _balance(client, shop))["available"] == total
    paid = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "p-3"}, json={"amount": 3000})
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "pending"
    again = await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "p-3"}, json={"amount": 3000})
    assert again.json() == paid.json()
    assert (await _balance(client, shop))["available"] == total - 3000
    payout_id = paid.json()["id"]
    failed = await client.post(f"{url}/{payout_id}/mark-failed", headers=shop.owner.headers,
                               json={"reason": "Account closed"})
    assert failed.json()["status"] == "failed"
    assert (await _balance(client, shop))["available"] == total  # the money is back
    assert_problem(await client.post(f"{url}/{payout_id}/mark-paid", headers=shop.owner.headers), 409)
    second = (await client.post(url, headers={**shop.owner.headers, "Idempotency-Key": "p-4"},
                                json={"amount": total})).json()
    done = await client.post(f"{url}/{second['id']}/mark-paid", headers=shop.owner.headers)
    assert done.json()["status"] == "paid" and done.json()["paid_at"]
    assert (await _balance(client, shop))["available"] == 0
    listed = (await client.get(url, headers=shop.owner.headers)).json()["items"]
    assert [p["status"] for p in listed] == ["paid", "failed"]


async def test_only_those_who_may_see_or_withdraw(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    manager = await add_member(client, shop.owner, shop.id, "manager")
    cashier = await add_member(client, shop.owner, shop.id, "cashier")
    assert (await client.get(f"/stores/{shop.id}/balance", headers=manager.headers)).status_code == 200
    assert_problem(await client.post(f"/stores/{shop.id}/payouts", headers={**manager.headers, "Idempotency-Key": "x"},
                                     json={"amount": 1}), 403)
    assert_problem(await client.get(f"/stores/{shop.id}/balance", headers=cashier.headers), 403)


async def test_two_payouts_of_the_whole_balance_at_once_make_exactly_one(
        app: FastAPI, client: httpx.AsyncClient, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL's concurrent transactions")
    shop = await open_shop(client, price=2500, shipping=500)
    await _sell(client, shop)
    await _release(app)
    available = (await _balance(client, shop))["available"]
    answers = await asyncio.gather(*(client.post(f"/stores/{shop.id}/payouts", json={"amount": available}, headers={
        **shop.owner.headers, "Idempotency-Key": f"race-{i}"}) for i in range(2)))
    assert sorted(a.status_code for a in answers) == [201, 422]
    assert (await _balance(client, shop))["available"] == 0


async def test_the_report_counts_days_in_the_stores_time_zone(app: FastAPI, client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, shipping=500)
    await client.patch(f"/stores/{shop.id}", headers=shop.owner.headers, json={"timezone": "Europe/Berlin"})
    late = await _sell(client, shop)  # placed at 23:30 UTC on 1 March: 00:30 on 2 March in Berlin
    early = await _sell(client, shop, quantity=1)  # 08:00 UTC on 2 March
    async with app.state.db.sessionmaker() as session:
        for order_id, at in ((late["id"], datetime(2026, 3, 1, 23, 30, tzinfo=UTC)),
                             (early["id"], datetime(2026, 3, 2, 8, 0, tzinfo=UTC))):
            await session.execute(update(Order).where(Order.id == uuid.UUID(order_id)).values(placed_at=at))
        await session.commit()
    report = await client.get(f"/stores/{shop.id}/reports/sales", headers=shop.owner.headers,
                              params={"from": "2026-03-01", "to": "2026-03-03", "interval": "day"})
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["timezone"] == "Europe/Berlin"
    assert [(d["date"], d["orders"], d["gross"]) for d in body["items"]] == [
        ("2026-03-01", 0, 0), ("2026-03-02", 2, 7500), ("2026-03-03", 0, 0)]
    assert body["totals"]["net"] == 7500 and body["items"][1]["shipping"] == 1000
    backwards = await client.get(f"/stores/{shop.id}/reports/sales", headers=shop.owner.headers,
                                 params={"from": "2026-03-03", "to": "2026-03-01"})
    assert_problem(backwards, 422, field="to")


async def test_refunds_show_on_the_day_they_were_made(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500, shipping=500)
    order = await _sell(client, shop)
    await client.post(f"/stores/{shop.id}/orders/{order['id']}/refunds",
                      headers={**shop.owner.headers, "Idempotency-Key": "r"}, json={"amount": 700})
    today = utcnow().date().isoformat()
    body = (await client.get(f"/stores/{shop.id}/reports/sales", headers=shop.owner.headers,
                             params={"from": today, "to": today})).json()
    assert (body["items"][0]["refunds"], body["items"][0]["net"]) == (700, 5000 - 700)


@pytest.mark.parametrize("seed", range(12))
async def test_the_balance_always_equals_the_sum_of_its_entries(app: FastAPI, client: httpx.AsyncClient,
                                                                seed: int) -> None:
    """Property: after any sequence of sales, refunds, releases, payouts and failed payouts, every transaction
    sums to zero and the balance row equals its accounts' entries."""
    rng = random.Random(seed)
    shop = await open_shop(client)
    store_id = uuid.UUID(shop.id)
    async with app.state.db.sessionmaker() as session:
        store = await session.get(Store, store_id)
        assert store is not None
        payout_rows = []
        for _ in range(rng.randint(5, 25)):
            op = rng.choice(["sale", "sale", "refund", "release", "payout", "fail"])
            if op == "sale":
                await ledger.record_sale(session, store_id=store_id, payment_id=uuid.uuid4(), order_id=uuid.uuid4(),
                                         amount=rng.randint(1, 50_000), currency="USD",
                                         at=utcnow() - timedelta(hours=rng.choice([0, 100])))
            elif op == "refund":
                await ledger.record_refund(session, store_id=store_id, refund_id=uuid.uuid4(), order_id=uuid.uuid4(),
                                           amount=rng.randint(1, 20_000), currency="USD")
            elif op == "release":
                await ledger.release_matured(session, now=utcnow())
            elif op == "payout":
                balance = await ledger.balance_for_update(session, store_id, "USD")
                if balance.available > 0:
                    payout_rows.append(await payouts.request(session, store=store, amount=rng.randint(
                        1, balance.available), user_id=None))
            elif payout_rows:
                row = payout_rows.pop()
                await payouts.mark_failed(session, row, reason="test")
        await session.commit()
        sums = dict((await session.execute(
            select(LedgerEntry.account, func.sum(LedgerEntry.amount)).where(LedgerEntry.store_id == store_id)
            .group_by(LedgerEntry.account))).all())
        balance = await session.get(StoreBalance, store_id)
        unbalanced = (await session.execute(
            select(LedgerEntry.transaction_id).where(LedgerEntry.store_id == store_id)
            .group_by(LedgerEntry.transaction_id).having(func.sum(LedgerEntry.amount) != 0))).all()
        txs = (await session.scalars(select(LedgerTransaction).where(LedgerTransaction.store_id == store_id))).all()
    assert unbalanced == []
    assert sum(sums.values()) == 0
    if balance is not None:
        assert balance.pending == sums.get(STORE_ACCOUNTS[0], 0)
        assert balance.available == sums.get(STORE_ACCOUNTS[1], 0)
        assert balance.pending + balance.available == sum(t.amount for t in txs)
