"""A store's connections to carrier integrations: enabled or not, settings, sealed secrets (write-only)."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.fulfillment.carriers import registry
from metco.fulfillment.carriers.ports import CarrierConfig, CarrierProvider
from metco.fulfillment.models import CarrierConnection
from metco.kit.db import settings_of
from metco.kit.errors import InvalidInput
from metco.kit.integrations import defaults, merge_settings
from metco.kit.repository import StoreRepository
from metco.kit.vault import seal, unseal


class CarrierConnectionRepository(StoreRepository[CarrierConnection]):
    model = CarrierConnection

    async def by_carrier(self, carrier: str, *, lock: bool = False) -> CarrierConnection | None:
        stmt = self.select().where(CarrierConnection.carrier == carrier)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()


@dataclass(frozen=True)
class CarrierConnectionView:
    carrier: CarrierProvider
    enabled: bool
    settings: dict[str, Any]
    secrets_set: list[str]
    webhook_url: str


def webhook_url(settings: Settings, store_id: uuid.UUID, carrier: str) -> str:
    return f"{settings.base_url}/api/v1/webhooks/carriers/{carrier}/{store_id}"


def _api_base(settings: Settings, carrier: str) -> str | None:
    return {"easypost": settings.easypost_api_base, "shiprocket": settings.shiprocket_api_base}.get(carrier)


def _config(settings: Settings, store_id: uuid.UUID, carrier: CarrierProvider,
            row: CarrierConnection | None) -> CarrierConfig:
    name = carrier.info.name
    public = defaults(carrier.info.fields) | (row.settings if row else {})
    return CarrierConfig(store_id=store_id, settings=public,
                         secrets=unseal(settings, row.sealed_secrets) if row else {},
                         webhook_url=webhook_url(settings, store_id, name), api_base=_api_base(settings, name))


async def enabled(session: AsyncSession, store_id: uuid.UUID, name: str,
                  *, field: str = "integration") -> tuple[CarrierProvider, CarrierConfig]:
    carrier = registry.get(name, field=field)
    row = await CarrierConnectionRepository(session, store_id).by_carrier(name)
    if not (row.enabled if row is not None else carrier.info.enabled_by_default):
        raise InvalidInput(field, f"this store has not connected '{name}'")
    return carrier, _config(settings_of(session), store_id, carrier, row)


async def of(session: AsyncSession, store_id: uuid.UUID, name: str) -> tuple[CarrierProvider, CarrierConfig]:
    """The integration of an existing shipment, enabled or not any more."""
    carrier = registry.get(name)
    row = await CarrierConnectionRepository(session, store_id).by_carrier(name)
    return carrier, _config(settings_of(session), store_id, carrier, row)


async def list_connections(session: AsyncSession, store_id: uuid.UUID) -> list[CarrierConnectionView]:
    repo = CarrierConnectionRepository(session, store_id)
    rows = {row.carrier: row for row in (await session.scalars(repo.select())).all()}
    return [_view(settings_of(session), store_id, registry.get(name), rows.get(name)) for name in registry.names()]


async def update(session: AsyncSession, store_id: uuid.UUID, name: str, *, enabled: bool | None,
                 values: dict[str, Any]) -> CarrierConnectionView:
    carrier = registry.get(name, field="carrier")
    settings = settings_of(session)
    repo = CarrierConnectionRepository(session, store_id)
    row = await repo.by_carrier(name, lock=True)
    if row is None:
        row = repo.add(CarrierConnection(carrier=name, enabled=carrier.info.enabled_by_default, settings={}))
    public, secrets = dict(row.settings or {}), unseal(settings, row.sealed_secrets)
    will_enable = row.enabled if enabled is None else enabled
    merge_settings(name, carrier.info.fields, public, secrets, values, enabling=will_enable)
    row.enabled, row.settings = will_enable, public
    row.sealed_secrets = seal(settings, secrets) if secrets else None
    await session.flush()
    return _view(settings, store_id, carrier, row)


def _view(settings: Settings, store_id: uuid.UUID, carrier: CarrierProvider,
          row: CarrierConnection | None) -> CarrierConnectionView:
    return CarrierConnectionView(
        carrier=carrier, enabled=row.enabled if row is not None else carrier.info.enabled_by_default,
        settings=defaults(carrier.info.fields) | (row.settings if row else {}),
        secrets_set=sorted(unseal(settings, row.sealed_secrets)) if row else [],
        webhook_url=webhook_url(settings, store_id, carrier.info.name))
