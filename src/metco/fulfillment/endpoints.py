"""The JSON API of fulfillment: fulfillments of orders, carrier connections, and carriers' callbacks."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from metco.fulfillment import service
from metco.fulfillment.carriers import connections
from metco.fulfillment.models import CarrierWebhookEvent, Fulfillment
from metco.fulfillment.schemas import FulfillmentCreate, FulfillmentRead, FulfillmentUpdate, fulfillment_read
from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.errors import NotFound
from metco.kit.scope import StoreScope
from metco.orders.repository import OrderRepository
from metco.stores import repository as stores_repository

router = APIRouter(tags=["fulfillment"])

ManageOrders = Annotated[StoreScope, Depends(require("manage_orders"))]
ViewOrders = Annotated[StoreScope, Depends(require("view_orders"))]
ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]


@router.post("/stores/{store_id}/orders/{order_id}/fulfillments", status_code=201, response_model=FulfillmentRead)
async def create_fulfillment(order_id: uuid.UUID, body: FulfillmentCreate, scope: ManageOrders,
                             session: SessionDep) -> FulfillmentRead:
    row = await service.create(session, scope, order_id, body)
    return fulfillment_read(await service.view(session, row))


@router.get("/stores/{store_id}/orders/{order_id}/fulfillments", response_model=list[FulfillmentRead])
async def list_fulfillments(order_id: uuid.UUID, scope: ViewOrders, session: SessionDep) -> list[FulfillmentRead]:
    await OrderRepository(session, scope.store_id).get_or_404(order_id)
    return [fulfillment_read(v) for v in await service.views_of_order(session, scope.store_id, order_id)]


@router.get("/stores/{store_id}/fulfillments/{fulfillment_id}", response_model=FulfillmentRead)
async def get_fulfillment(fulfillment_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> FulfillmentRead:
    row = await service.FulfillmentRepository(session, scope.store_id).get_or_404(fulfillment_id)
    return fulfillment_read(await service.view(session, row))


@router.patch("/stores/{store_id}/fulfillments/{fulfillment_id}", response_model=FulfillmentRead)
async def update_fulfillment(fulfillment_id: uuid.UUID, body: FulfillmentUpdate, scope: ManageOrders,
                             session: SessionDep) -> FulfillmentRead:
    row = await service.update(session, scope, fulfillment_id, body)
    return fulfillment_read(await service.view(session, row))


class CarrierConnectionRead(BaseModel):
    carrier: str
    title: str
    enabled: bool
    sells_labels: bool
    live_rates: bool
    settings: dict[str, Any]
    secrets_set: list[str]
    fields: list[dict[str, Any]]
    webhook_url: str


class CarrierConnectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    settings: dict[str, str | bool | None] = Field(default_factory=dict, max_length=40)


def _connection(view: connections.CarrierConnectionView) -> CarrierConnectionRead:
    info = view.carrier.info
    return CarrierConnectionRead(
        carrier=info.name, title=info.title, enabled=view.enabled, sells_labels=info.sells_labels,
        live_rates=info.live_rates, settings=view.settings, secrets_set=view.secrets_set, webhook_url=view.webhook_url,
        fields=[{"name": f.name, "description": f.description, "secret": f.secret, "required": f.required,
                 "choices": list(f.choices)} for f in info.fields])


@router.get("/stores/{store_id}/carriers", response_model=list[CarrierConnectionRead])
async def list_carriers(scope: ManageStore, session: SessionDep) -> list[CarrierConnectionRead]:
    return [_connection(v) for v in await connections.list_connections(session, scope.store_id)]


@router.put("/stores/{store_id}/carriers/{carrier}", response_model=CarrierConnectionRead)
async def update_carrier(carrier: str, body: CarrierConnectionUpdate, scope: ManageStore,
                         session: SessionDep) -> CarrierConnectionRead:
    view = await connections.update(session, scope.store_id, carrier, enabled=body.enabled, values=body.settings)
    return _connection(view)


@router.post("/webhooks/carriers/{carrier}/{store_id}", tags=["webhooks"])
async def carrier_webhook(carrier: str, store_id: uuid.UUID, request: Request, session: SessionDep) -> dict[str, Any]:
    """A carrier's signed tracking update: verified, applied once per event id, never moving a shipment back."""
    from metco.fulfillment.carriers import registry

    if carrier not in registry.names() or await stores_repository.get_store(session, store_id) is None:
        raise NotFound("No such webhook endpoint.")
    adapter, config = await connections.of(session, store_id, carrier)
    updates = await adapter.parse_webhook(config, body=await request.body(), headers=request.headers)
    applied = 0
    for update in updates:
        try:
            async with session.begin_nested():
                session.add(CarrierWebhookEvent(carrier=carrier, event_id=update.event_id, store_id=store_id,
                                                payload={"status": update.status, "message": update.message,
                                                         "reference": update.carrier_reference,
                                                         "tracking_number": update.tracking_number}))
                await session.flush()
        except IntegrityError:
            continue
        repo = service.FulfillmentRepository(session, store_id)
        stmt = repo.select().where(Fulfillment.integration == carrier)
        if update.carrier_reference:
            stmt = stmt.where(Fulfillment.carrier_reference == update.carrier_reference)
        elif update.tracking_number:
            stmt = stmt.where(Fulfillment.tracking_number == update.tracking_number)
        else:
            continue
        row = (await session.scalars(stmt.with_for_update())).first()
        if row is not None:
            await service.apply_tracking(session, row, status=update.status, message=update.message,
                                         source=f"carrier:{carrier}", occurred_at=update.occurred_at)
            applied += 1
    return {"received": True, "applied": applied}
