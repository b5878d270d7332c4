"""The JSON API of the store's money: balance, its ledger, payouts and the sales report."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from metco.balance import payouts, reports
from metco.balance.models import LedgerTransaction, StoreBalance
from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.idempotency import Answer, check_key, claim_in, complete_in
from metco.kit.pagination import Cursor, Limit, Page, paginate
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.stores.models import Store

router = APIRouter(tags=["balance"])

ViewSales = Annotated[StoreScope, Depends(require("view_sales"))]
WithdrawFunds = Annotated[StoreScope, Depends(require("withdraw_funds"))]


class BalanceRead(BaseModel):
    available: int
    pending: int
    currency: str


class TransactionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: str
    amount: int = Field(description="Its effect on the store's balance, signed.")
    currency: str
    description: str
    order_id: uuid.UUID | None
    payout_id: uuid.UUID | None
    available_at: datetime | None
    created_at: datetime


class PayoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=1, le=10**13)


class PayoutFailure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class PayoutRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    amount: int
    currency: str
    status: str
    provider: str
    provider_reference: str | None
    failure_reason: str | None
    paid_at: datetime | None
    created_at: datetime


class DayRead(BaseModel):
    date: date
    orders: int
    gross: int
    discounts: int
    refunds: int
    net: int
    shipping: int
    tax: int


class SalesReport(BaseModel):
    currency: str
    timezone: str
    interval: Literal["day"]
    items: list[DayRead]
    totals: DayRead


class TransactionRepository(StoreRepository[LedgerTransaction]):
    model = LedgerTransaction


async def _store(session: SessionDep, store_id: uuid.UUID) -> Store:
    store = await session.get(Store, store_id)
    assert store is not None  # the permission dependency answered 404 already
    return store


@router.get("/stores/{store_id}/balance", response_model=BalanceRead)
async def get_balance(scope: ViewSales, session: SessionDep) -> BalanceRead:
    store = await _store(session, scope.store_id)
    row = await session.get(StoreBalance, scope.store_id)
    return BalanceRead(available=row.available if row else 0, pending=row.pending if row else 0,
                       currency=row.currency if row else store.currency)


@router.get("/stores/{store_id}/balance/transactions", response_model=Page[TransactionRead])
async def list_transactions(scope: ViewSales, session: SessionDep, limit: Limit = 20,
                            cursor: Cursor = None) -> Page[TransactionRead]:
    rows, next_cursor = await paginate(session, TransactionRepository(session, scope.store_id).select(),
                                       key=LedgerTransaction.id, limit=limit, cursor=cursor, descending=True)
    return Page(items=[TransactionRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/stores/{store_id}/payouts", status_code=201, response_model=PayoutRead,
             responses={422: {"description": "More than the available balance"}})
async def create_payout(body: PayoutCreate, scope: WithdrawFunds, session: SessionDep,
                        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> Response:
    key = check_key(idempotency_key)
    idem_scope = f"payout:{scope.store_id}"
    earlier = await claim_in(session, scope=idem_scope, key=key, request=body.model_dump(mode="json"))
    if earlier is not None:
        return JSONResponse(earlier.body, status_code=earlier.status)
    payout = await payouts.request(session, store=await _store(session, scope.store_id), amount=body.amount,
                                   user_id=scope.user_id)
    answer = PayoutRead.model_validate(payout).model_dump(mode="json")
    await complete_in(session, scope=idem_scope, key=key, answer=Answer(201, answer))
    return JSONResponse(answer, status_code=201)


@router.get("/stores/{store_id}/payouts", response_model=Page[PayoutRead])
async def list_payouts(scope: WithdrawFunds, session: SessionDep, limit: Limit = 20,
                       cursor: Cursor = None) -> Page[PayoutRead]:
    rows, next_cursor = await payouts.list_payouts(session, scope.store_id, limit=limit, cursor=cursor)
    return Page(items=[PayoutRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/payouts/{payout_id}", response_model=PayoutRead)
async def get_payout(payout_id: uuid.UUID, scope: WithdrawFunds, session: SessionDep) -> PayoutRead:
    return PayoutRead.model_validate(await payouts.PayoutRepository(session, scope.store_id).get_or_404(payout_id))


@router.post("/stores/{store_id}/payouts/{payout_id}/mark-paid", response_model=PayoutRead)
async def mark_payout_paid(payout_id: uuid.UUID, scope: WithdrawFunds, session: SessionDep) -> PayoutRead:
    payout = await payouts.locked(session, scope.store_id, payout_id)
    return PayoutRead.model_validate(await payouts.mark_paid(session, payout))


@router.post("/stores/{store_id}/payouts/{payout_id}/mark-failed", response_model=PayoutRead)
async def mark_payout_failed(payout_id: uuid.UUID, body: PayoutFailure, scope: WithdrawFunds,
                             session: SessionDep) -> PayoutRead:
    payout = await payouts.locked(session, scope.store_id, payout_id)
    return PayoutRead.model_validate(await payouts.mark_failed(session, payout, reason=body.reason))


@router.get("/stores/{store_id}/reports/sales", response_model=SalesReport)
async def sales_report(
    scope: ViewSales, session: SessionDep,
    from_: Annotated[date, Query(alias="from", description="First day, in the store's time zone.")],
    to: Annotated[date, Query(description="Last day, included.")],
    interval: Literal["day"] = "day",
) -> SalesReport:
    store = await _store(session, scope.store_id)
    report = await reports.sales(session, store_id=store.id, currency=store.currency, timezone=store.timezone,
                                 start=from_, end=to)
    items = [DayRead(date=d.date, orders=d.orders, gross=d.gross, discounts=d.discounts, refunds=d.refunds, net=d.net,
                     shipping=d.shipping, tax=d.tax) for d in report.days]
    totals = DayRead(date=from_, **{k: sum(getattr(i, k) for i in items) for k in (
        "orders", "gross", "discounts", "refunds", "net", "shipping", "tax")})
    return SalesReport(currency=report.currency, timezone=report.timezone, interval=interval, items=items,
                       totals=totals)



