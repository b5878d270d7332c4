"""The JSON API of shipping zones and rates."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from metco.kit.auth import Member, require
from metco.kit.deps import SessionDep
from metco.kit.scope import StoreScope
from metco.shipping import service
from metco.shipping.schemas import RateRead, ZoneCreate, ZoneRead, ZoneUpdate

router = APIRouter(tags=["shipping"])
ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]


def _read(view: service.ZoneView) -> ZoneRead:
    return ZoneRead(id=view.zone.id, name=view.zone.name, countries=view.zone.countries,
                    rates=[RateRead.model_validate(r) for r in view.rates])


@router.post("/stores/{store_id}/shipping-zones", status_code=status.HTTP_201_CREATED, response_model=ZoneRead)
async def create_zone(body: ZoneCreate, scope: ManageStore, session: SessionDep) -> ZoneRead:
    return _read(await service.create_zone(session, scope, data=body))


@router.get("/stores/{store_id}/shipping-zones", response_model=list[ZoneRead])
async def list_zones(scope: Member, session: SessionDep) -> list[ZoneRead]:
    return [_read(v) for v in await service.list_zones(session, scope)]


@router.get("/stores/{store_id}/shipping-zones/{zone_id}", response_model=ZoneRead)
async def get_zone(zone_id: uuid.UUID, scope: Member, session: SessionDep) -> ZoneRead:
    return _read(await service.get_zone(session, scope, zone_id))


@router.patch("/stores/{store_id}/shipping-zones/{zone_id}", response_model=ZoneRead)
async def update_zone(zone_id: uuid.UUID, body: ZoneUpdate, scope: ManageStore, session: SessionDep) -> ZoneRead:
    return _read(await service.update_zone(session, scope, zone_id, data=body))


@router.delete("/stores/{store_id}/shipping-zones/{zone_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_zone(zone_id: uuid.UUID, scope: ManageStore, session: SessionDep) -> Response:
    await service.delete_zone(session, scope, zone_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
