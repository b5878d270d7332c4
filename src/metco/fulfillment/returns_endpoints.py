"""The JSON API of returns: the customer asks (signed in, or with the order's access token); staff decide,
then receive the parcel, restocking and refunding."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from metco.fulfillment import returns
from metco.kit.auth import OptionalCaller, require
from metco.kit.deps import SessionDep
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.orders import service as orders_service
from metco.stores import service as stores_service

router = APIRouter(tags=["returns"])
storefront_router = APIRouter(tags=["storefront"])

ManageOrders = Annotated[StoreScope, Depends(require("manage_orders"))]


class ReturnLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_id: uuid.UUID
    quantity: int = Field(ge=1, le=100_000)


class ReturnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[ReturnLine] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=500)


class ReturnApprove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: bool = Field(False, description="Buy a return label through a carrier integration.")
    integration: str | None = Field(None, max_length=30, description="The carrier integration that sells the "
                                    "label (easypost, shiprocket); the first connected one without it.")
    carrier: str | None = Field(None, max_length=50)
    tracking_number: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=2000)


class ReturnReject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=2000)


class ReturnReceive(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_id: uuid.UUID | None = None
    restock: bool = True
    refund: bool = True
    amount: int | None = Field(None, ge=1, description="Refund this much instead of the lines' share.")


class ReturnLineRead(BaseModel):
    line_id: uuid.UUID
    quantity: int


class ReturnRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_id: uuid.UUID
    status: Literal["requested", "approved", "rejected", "received"]
    reason: str
    lines: list[ReturnLineRead]
    staff_note: str | None
    label_url: str | None
    carrier: str | None
    tracking_number: str | None
    location_id: uuid.UUID | None
    refund_id: uuid.UUID | None
    refund_amount: int | None
    received_at: datetime | None
    created_at: datetime
    updated_at: datetime


async def _shoppers_order(session: SessionDep, slug: str, order_id: uuid.UUID, caller: OptionalCaller,
                          access_token: str | None) -> uuid.UUID:
    store = await stores_service.get_store_by_slug(session, slug)
    await orders_service.order_for_shopper(session, store_id=store.id, order_id=order_id,
                                           user_id=caller.user.id if caller else None, access_token=access_token)
    return store.id


@storefront_router.post("/storefront/{slug}/orders/{order_id}/returns", status_code=201, response_model=ReturnRead)
async def ask_for_return(slug: str, order_id: uuid.UUID, body: ReturnCreate, caller: OptionalCaller,
                         session: SessionDep,
                         access_token: Annotated[str | None, Query(max_length=200)] = None) -> ReturnRead:
    store_id = await _shoppers_order(session, slug, order_id, caller, access_token)
    row = await returns.request(session, store_id=store_id, order_id=order_id,
                                lines=[(x.line_id, x.quantity) for x in body.lines], reason=body.reason)
    return ReturnRead.model_validate(row)


@storefront_router.get("/storefront/{slug}/orders/{order_id}/returns", response_model=list[ReturnRead])
async def my_returns(slug: str, order_id: uuid.UUID, caller: OptionalCaller, session: SessionDep,
                     access_token: Annotated[str | None, Query(max_length=200)] = None) -> list[ReturnRead]:
    store_id = await _shoppers_order(session, slug, order_id, caller, access_token)
    rows = await returns.ReturnRepository(session, store_id).of_order(order_id)
    return [ReturnRead.model_validate(r) for r in rows]


@router.get("/stores/{store_id}/returns", response_model=Page[ReturnRead])
async def list_returns(scope: ManageOrders, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
                       status: Literal["requested", "approved", "rejected", "received"] | None = None
                       ) -> Page[ReturnRead]:
    rows, next_cursor = await returns.list_returns(session, scope.store_id, status=status, limit=limit, cursor=cursor)
    return Page(items=[ReturnRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/returns/{return_id}", response_model=ReturnRead)
async def get_return(return_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> ReturnRead:
    return ReturnRead.model_validate(await returns.ReturnRepository(session, scope.store_id).get_or_404(return_id))


@router.post("/stores/{store_id}/returns/{return_id}/approve", response_model=ReturnRead)
async def approve_return(return_id: uuid.UUID, body: ReturnApprove, scope: ManageOrders,
                         session: SessionDep) -> ReturnRead:
    row = await returns.approve(session, scope, return_id, label=body.label, integration=body.integration,
                                carrier=body.carrier, tracking_number=body.tracking_number, note=body.note)
    return ReturnRead.model_validate(row)


@router.post("/stores/{store_id}/returns/{return_id}/reject", response_model=ReturnRead)
async def reject_return(return_id: uuid.UUID, body: ReturnReject, scope: ManageOrders,
                        session: SessionDep) -> ReturnRead:
    return ReturnRead.model_validate(await returns.reject(session, scope, return_id, note=body.note))


@router.post("/stores/{store_id}/returns/{return_id}/receive", response_model=ReturnRead)
async def receive_return(return_id: uuid.UUID, body: ReturnReceive, scope: ManageOrders,
                         session: SessionDep) -> ReturnRead:
    row = await returns.receive(session, scope, return_id, location_id=body.location_id, restock=body.restock,
                                refund=body.refund, amount=body.amount)
    return ReturnRead.model_validate(row)
