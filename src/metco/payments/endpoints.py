"""Payment providers: a store's connections to them (admin) and their signed callbacks (public)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.scope import StoreScope
from metco.payments import connections, webhooks

router = APIRouter(tags=["payments"])

ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]


class SettingFieldRead(BaseModel):
    name: str
    description: str
    secret: bool
    required: bool
    choices: list[str]


class ProviderConnectionRead(BaseModel):
    provider: str
    title: str
    enabled: bool
    settings: dict[str, Any] = Field(description="The settings that are not secret.")
    secrets_set: list[str] = Field(description="Which secrets are stored (their values are never returned).")
    fields: list[SettingFieldRead]
    webhook_url: str = Field(description="Where to point the provider's callbacks.")


class ProviderConnectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    settings: dict[str, str | bool | None] = Field(
        default_factory=dict, max_length=30,
        description="Settings and secrets by name; null or an empty string clears one, an absent one is kept.")


def _read(view: connections.ConnectionView) -> ProviderConnectionRead:
    info = view.provider.info
    return ProviderConnectionRead(
        provider=info.name, title=info.title, enabled=view.enabled, settings=view.settings,
        secrets_set=view.secrets_set, webhook_url=view.webhook_url,
        fields=[SettingFieldRead(name=f.name, description=f.description, secret=f.secret, required=f.required,
                                 choices=list(f.choices)) for f in info.fields])


@router.get("/stores/{store_id}/payment-providers", response_model=list[ProviderConnectionRead])
async def list_providers(scope: ManageStore, session: SessionDep) -> list[ProviderConnectionRead]:
    return [_read(view) for view in await connections.list_connections(session, scope.store_id)]


@router.put("/stores/{store_id}/payment-providers/{provider}", response_model=ProviderConnectionRead)
async def update_provider(provider: str, body: ProviderConnectionUpdate, scope: ManageStore,
                          session: SessionDep) -> ProviderConnectionRead:
    view = await connections.update(session, scope.store_id, provider, enabled=body.enabled, values=body.settings)
    return _read(view)


@router.post("/webhooks/payments/{provider}/{store_id}", tags=["webhooks"])
async def payment_webhook(provider: str, store_id: uuid.UUID, request: Request,
                          session: SessionDep) -> dict[str, bool]:
    applied = await webhooks.receive(session, provider=provider, store_id=store_id, body=await request.body(),
                                     headers=request.headers)
    return {"received": True, "duplicate": applied == 0}
