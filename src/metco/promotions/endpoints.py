"""The JSON API of discounts."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.promotions import service
from metco.promotions.models import Discount
from metco.promotions.schemas import DiscountCreate, DiscountRead, DiscountUpdate

router = APIRouter(tags=["promotions"])
ManageDiscounts = Annotated[StoreScope, Depends(require("manage_discounts"))]


def _read(d: Discount) -> DiscountRead:
    return DiscountRead(
        id=d.id, title=d.title, code=d.code, kind=d.kind, value=d.value,  # type: ignore[arg-type]
        min_quantity=d.min_quantity, min_subtotal=d.min_subtotal,
        product_ids=[uuid.UUID(p) for p in d.product_ids], category_ids=[uuid.UUID(c) for c in d.category_ids],
        buy_quantity=d.buy_quantity, get_quantity=d.get_quantity, starts_at=d.starts_at, ends_at=d.ends_at,
        usage_limit=d.usage_limit, once_per_customer=d.once_per_customer, combines=d.combines,
        times_used=d.times_used, remaining=None if d.usage_limit is None else max(0, d.usage_limit - d.times_used),
        active=service.is_active(d), created_at=d.created_at)


@router.post("/stores/{store_id}/discounts", status_code=status.HTTP_201_CREATED, response_model=DiscountRead)
async def create_discount(body: DiscountCreate, scope: ManageDiscounts, session: SessionDep) -> DiscountRead:
    return _read(await service.create_discount(session, scope, data=body))


@router.get("/stores/{store_id}/discounts", response_model=Page[DiscountRead])
async def list_discounts(scope: ManageDiscounts, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
                         code: Annotated[str | None, Query(max_length=100)] = None) -> Page[DiscountRead]:
    rows, next_cursor = await service.list_discounts(session, scope, code=code, limit=limit, cursor=cursor)
    return Page(items=[_read(d) for d in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/discounts/{discount_id}", response_model=DiscountRead)
async def get_discount(discount_id: uuid.UUID, scope: ManageDiscounts, session: SessionDep) -> DiscountRead:
    return _read(await service.get_discount(session, scope, discount_id))


@router.patch("/stores/{store_id}/discounts/{discount_id}", response_model=DiscountRead)
async def update_discount(discount_id: uuid.UUID, body: DiscountUpdate, scope: ManageDiscounts,
                          session: SessionDep) -> DiscountRead:
    return _read(await service.update_discount(session, scope, discount_id, data=body))


@router.delete("/stores/{store_id}/discounts/{discount_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_discount(discount_id: uuid.UUID, scope: ManageDiscounts, session: SessionDep) -> Response:
    await service.delete_discount(session, scope, discount_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
