"""The JSON API of tax rates."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from metco.kit.auth import Member, require
from metco.kit.deps import SessionDep
from metco.kit.scope import StoreScope
from metco.taxes import service
from metco.taxes.models import TaxRate
from metco.taxes.schemas import TaxRateIn, TaxRateRead, TaxRateUpdate

router = APIRouter(tags=["taxes"])
ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]


def _read(rate: TaxRate) -> TaxRateRead:
    return TaxRateRead(id=rate.id, country=rate.country, region=rate.region, name=rate.name,
                       rate=service.to_percent(rate.rate_ppm), applies_to_shipping=rate.applies_to_shipping)


@router.post("/stores/{store_id}/tax-rates", status_code=status.HTTP_201_CREATED, response_model=TaxRateRead)
async def create_rate(body: TaxRateIn, scope: ManageStore, session: SessionDep) -> TaxRateRead:
    return _read(await service.create_rate(session, scope, data=body))


@router.get("/stores/{store_id}/tax-rates", response_model=list[TaxRateRead])
async def list_rates(scope: Member, session: SessionDep) -> list[TaxRateRead]:
    return [_read(r) for r in await service.list_rates(session, scope)]


@router.patch("/stores/{store_id}/tax-rates/{tax_rate_id}", response_model=TaxRateRead)
async def update_rate(tax_rate_id: uuid.UUID, body: TaxRateUpdate, scope: ManageStore, session: SessionDep) -> TaxRateRead:
    return _read(await service.update_rate(session, scope, tax_rate_id, data=body))


@router.delete("/stores/{store_id}/tax-rates/{tax_rate_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_rate(tax_rate_id: uuid.UUID, scope: ManageStore, session: SessionDep) -> Response:
    await service.delete_rate(session, scope, tax_rate_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
