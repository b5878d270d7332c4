"""The JSON API of locations, stock levels and the movement ledger."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from metco.inventory import service
from metco.inventory.models import StockLevel
from metco.inventory.schemas import Adjustment, LevelRead, LocationCreate, LocationRead, LocationUpdate, MovementRead, OnHandSet
from metco.kit.auth import Member, require
from metco.kit.deps import SessionDep
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope

router = APIRouter(tags=["inventory"])

EditProducts = Annotated[StoreScope, Depends(require("edit_products"))]


def _level(level: StockLevel) -> LevelRead:
    return LevelRead(variant_id=level.variant_id, location_id=level.location_id, on_hand=level.on_hand,
                     reserved=level.reserved, available=level.on_hand - level.reserved, updated_at=level.updated_at)


@router.post("/stores/{store_id}/locations", status_code=status.HTTP_201_CREATED, response_model=LocationRead)
async def create_location(body: LocationCreate, scope: EditProducts, session: SessionDep) -> LocationRead:
    return LocationRead.model_validate(await service.create_location(session, scope, name=body.name,
                                                                     address=body.address))


@router.patch("/stores/{store_id}/locations/{location_id}", response_model=LocationRead)
async def update_location(location_id: uuid.UUID, body: LocationUpdate, scope: EditProducts,
                          session: SessionDep) -> LocationRead:
    return LocationRead.model_validate(await service.update_location(session, scope, location_id, name=body.name,
                                                                     address=body.address))


@router.get("/stores/{store_id}/locations", response_model=list[LocationRead])
async def list_locations(scope: Member, session: SessionDep) -> list[LocationRead]:
    return [LocationRead.model_validate(loc) for loc in await service.list_locations(session, scope)]


@router.get("/stores/{store_id}/inventory", response_model=Page[LevelRead])
async def list_levels(scope: Member, session: SessionDep, variant_id: uuid.UUID | None = None,
                      location_id: uuid.UUID | None = None, limit: Limit = 20, cursor: Cursor = None) -> Page[LevelRead]:
    rows, next_cursor = await service.levels(session, scope, variant_id=variant_id, location_id=location_id,
                                             limit=limit, cursor=cursor)
    return Page(items=[_level(r) for r in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/inventory/movements", response_model=Page[MovementRead])
async def list_movements(scope: Member, session: SessionDep, variant_id: uuid.UUID | None = None,
                         limit: Limit = 20, cursor: Cursor = None) -> Page[MovementRead]:
    rows, next_cursor = await service.movements(session, scope, variant_id=variant_id, limit=limit, cursor=cursor)
    return Page(items=[MovementRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.put("/stores/{store_id}/inventory/{variant_id}", response_model=LevelRead)
async def set_on_hand(variant_id: uuid.UUID, body: OnHandSet, scope: EditProducts, session: SessionDep) -> LevelRead:
    level = await service.set_on_hand(session, store_id=scope.store_id, variant_id=variant_id, on_hand=body.on_hand,
                                      location_id=body.location_id, actor_id=scope.user_id)
    return _level(level)


@router.post("/stores/{store_id}/inventory/{variant_id}/adjustments", status_code=status.HTTP_201_CREATED,
             response_model=LevelRead)
async def adjust(variant_id: uuid.UUID, body: Adjustment, scope: EditProducts, session: SessionDep) -> LevelRead:
    level = await service.adjust(session, store_id=scope.store_id, variant_id=variant_id, delta=body.delta,
                                 reason=body.reason, location_id=body.location_id, note=body.note,
                                 actor_id=scope.user_id)
    return _level(level)
