"""The JSON API of orders: the store's view (admin) and the shopper's (storefront)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse

from metco.kit.auth import OptionalCaller, require
from metco.kit.deps import SessionDep
from metco.kit.errors import Unauthorized
from metco.kit.idempotency import Answer, check_key, claim_in, complete_in
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.orders import refunds, service
from metco.orders.schemas import (
    CancelRequest,
    CaptureRequest,
    FulfillmentStatus,
    OrderRead,
    OrderStatus,
    OrderSummary,
    PaymentStatus,
    RefundRequest,
    detail,
    summary,
)
from metco.payments import webhooks
from metco.stores import service as stores_service

router = APIRouter(tags=["orders"])
storefront_router = APIRouter(tags=["storefront"])

ViewOrders = Annotated[StoreScope, Depends(require("view_orders"))]
ManageOrders = Annotated[StoreScope, Depends(require("manage_orders"))]


@router.get("/stores/{store_id}/orders", response_model=Page[OrderSummary])
async def list_orders(
    scope: ViewOrders, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
    status: OrderStatus | None = None, payment_status: PaymentStatus | None = None,
    fulfillment_status: FulfillmentStatus | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Order number or email.")] = None,
) -> Page[OrderSummary]:
    rows, next_cursor = await service.list_orders(session, scope, status=status, payment_status=payment_status,
                                                  fulfillment_status=fulfillment_status, q=q, limit=limit,
                                                  cursor=cursor)
    return Page(items=[summary(o) for o in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/orders/{order_id}", response_model=OrderRead)
async def get_order(order_id: uuid.UUID, scope: ViewOrders, session: SessionDep) -> OrderRead:
    return detail(await service.get_order(session, scope, order_id))  # type: ignore[no-any-return]


@router.post("/stores/{store_id}/orders/{order_id}/cancel", response_model=OrderRead)
async def cancel_order(order_id: uuid.UUID, body: CancelRequest, scope: ManageOrders, session: SessionDep) -> OrderRead:
    view = await service.cancel(session, scope, order_id, reason=body.reason, restock=body.restock)
    return detail(view)  # type: ignore[no-any-return]


@router.post("/stores/{store_id}/orders/{order_id}/refunds", status_code=201, response_model=OrderRead,
             responses={422: {"description": "More than can still be refunded"}})
async def refund_order(
    order_id: uuid.UUID, body: RefundRequest, scope: ManageOrders, session: SessionDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    key = check_key(idempotency_key)
    idem_scope = f"refund:{scope.store_id}:{order_id}"
    earlier = await claim_in(session, scope=idem_scope, key=key, request=body.model_dump(mode="json"))
    if earlier is not None:
        return JSONResponse(earlier.body, status_code=earlier.status)
    order = detail(await refunds.refund(session, scope, order_id, request=body)).model_dump(mode="json")
    await complete_in(session, scope=idem_scope, key=key, answer=Answer(201, order))
    return JSONResponse(order, status_code=201)


@router.post("/stores/{store_id}/orders/{order_id}/mark-paid", response_model=OrderRead)
async def mark_paid(order_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> OrderRead:
    return detail(await service.mark_paid(session, scope, order_id))  # type: ignore[no-any-return]


@router.post("/stores/{store_id}/orders/{order_id}/capture", response_model=OrderRead)
async def capture_payment(order_id: uuid.UUID, scope: ManageOrders, session: SessionDep,
                          body: CaptureRequest | None = None) -> OrderRead:
    amount = body.amount if body else None
    return detail(await service.capture(session, scope, order_id, amount=amount))  # type: ignore[no-any-return]


@storefront_router.get("/storefront/{slug}/orders", response_model=Page[OrderSummary])
async def my_orders(slug: str, caller: OptionalCaller, session: SessionDep, limit: Limit = 20,
                    cursor: Cursor = None) -> Page[OrderSummary]:
    if caller is None:
        raise Unauthorized("Sign in to see your orders.", headers={"WWW-Authenticate": "Bearer"})
    store = await stores_service.get_store_by_slug(session, slug)
    rows, next_cursor = await service.orders_of_account(session, store_id=store.id, user_id=caller.user.id,
                                                        limit=limit, cursor=cursor)
    return Page(items=[summary(o) for o in rows], next_cursor=next_cursor)


@storefront_router.get("/storefront/{slug}/orders/{order_id}", response_model=OrderRead)
async def my_order(
    slug: str, order_id: uuid.UUID, caller: OptionalCaller, session: SessionDep,
    access_token: Annotated[str | None, Query(max_length=200)] = None,
) -> OrderRead:
    store = await stores_service.get_store_by_slug(session, slug)
    view = await service.order_for_shopper(session, store_id=store.id, order_id=order_id,
                                           user_id=caller.user.id if caller else None, access_token=access_token)
    return detail(view)  # type: ignore[no-any-return]


@storefront_router.post("/storefront/{slug}/orders/{order_id}/refresh-payment", response_model=OrderRead)
async def refresh_payment(
    slug: str, order_id: uuid.UUID, caller: OptionalCaller, session: SessionDep,
    access_token: Annotated[str | None, Query(max_length=200)] = None,
) -> OrderRead:
    """The shopper is back from a provider's page (3-D Secure, PayPal approval, a crypto checkout): ask the
    provider where the payment stands instead of waiting for its callback."""
    store = await stores_service.get_store_by_slug(session, slug)
    user_id = caller.user.id if caller else None
    await service.order_for_shopper(session, store_id=store.id, order_id=order_id, user_id=user_id,
                                    access_token=access_token)
    await webhooks.refresh(session, store_id=store.id, order_id=order_id, source="shopper_return")
    view = await service.order_for_shopper(session, store_id=store.id, order_id=order_id, user_id=user_id,
                                           access_token=access_token)
    return detail(view)  # type: ignore[no-any-return]
