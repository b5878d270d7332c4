"""The JSON API of customers: the store's list and detail, and a shopper's own preferences and addresses."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from metco.customers import service
from metco.customers.models import Customer
from metco.customers.schemas import AddressCreate, AddressRead, CustomerDetail, CustomerRead, Preferences
from metco.kit.auth import CurrentUser, require
from metco.kit.deps import SessionDep
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.orders import service as orders_service
from metco.stores import service as stores_service

router = APIRouter(tags=["customers"])
storefront_router = APIRouter(tags=["storefront"])

ViewOrders = Annotated[StoreScope, Depends(require("view_orders"))]


def _read(customer: Customer) -> CustomerRead:
    return CustomerRead(id=customer.id, email=customer.email, name=customer.name, phone=customer.phone,
                        registered=customer.user_id is not None, accepts_marketing=customer.accepts_marketing,
                        created_at=customer.created_at)


@router.get("/stores/{store_id}/customers", response_model=Page[CustomerRead])
async def list_customers(scope: ViewOrders, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
                         q: Annotated[str | None, Query(max_length=200)] = None) -> Page[CustomerRead]:
    rows, next_cursor = await service.list_customers(session, scope, q=q, limit=limit, cursor=cursor)
    return Page(items=[_read(c) for c in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/customers/{customer_id}", response_model=CustomerDetail)
async def get_customer(customer_id: uuid.UUID, scope: ViewOrders, session: SessionDep) -> CustomerDetail:
    found = await service.get_customer(session, scope, customer_id)
    count, spent = await orders_service.customer_stats(session, store_id=scope.store_id, customer_id=customer_id)
    store = await stores_service.get_store(session, scope)
    return CustomerDetail(**_read(found.customer).model_dump(),
                          addresses=[AddressRead.model_validate(a) for a in found.addresses],
                          orders_count=count, total_spent=spent, currency=store.currency)


async def _me(session: SessionDep, slug: str, user: CurrentUser) -> Customer:
    store = await stores_service.get_store_by_slug(session, slug)
    return await service.for_account(session, store_id=store.id, user_id=user.id, email=user.email)


Me = Annotated[Customer, Depends(_me)]


@storefront_router.get("/storefront/{slug}/me/preferences", response_model=Preferences)
async def get_preferences(me: Me) -> Preferences:
    return service.preferences_of(me)


@storefront_router.put("/storefront/{slug}/me/preferences", response_model=Preferences)
async def put_preferences(body: Preferences, me: Me, session: SessionDep) -> Preferences:
    return await service.set_preferences(session, me, body)


@storefront_router.get("/storefront/{slug}/me/addresses", response_model=list[AddressRead])
async def list_addresses(me: Me, session: SessionDep) -> list[AddressRead]:
    return [AddressRead.model_validate(a) for a in await service.addresses(session, me)]


@storefront_router.post("/storefront/{slug}/me/addresses", status_code=status.HTTP_201_CREATED,
                        response_model=AddressRead)
async def add_address(body: AddressCreate, me: Me, session: SessionDep) -> AddressRead:
    return AddressRead.model_validate(await service.add_address(session, me, body))


@storefront_router.delete("/storefront/{slug}/me/addresses/{address_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_address(address_id: uuid.UUID, me: Me, session: SessionDep) -> Response:
    await service.remove_address(session, me, address_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
