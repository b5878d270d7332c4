"""A store's connections to payment providers: which are enabled, their settings, their sealed secrets.

Secrets are write-only: a PUT may set or clear them, a GET only says which are set. Sandbox and manual
work from the start; the others need their credentials before they can be enabled."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.db import settings_of
from metco.kit.errors import InvalidInput
from metco.kit.integrations import defaults, merge_settings
from metco.kit.repository import StoreRepository
from metco.kit.vault import seal, unseal
from metco.payments import registry
from metco.payments.models import ProviderConnection
from metco.payments.ports import PaymentProvider, ProviderConfig
from metco.payments.providers import sandbox


class ConnectionRepository(StoreRepository[ProviderConnection]):
    model = ProviderConnection

    async def by_provider(self, provider: str, *, lock: bool = False) -> ProviderConnection | None:
        stmt = self.select().where(ProviderConnection.provider == provider)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()


@dataclass(frozen=True)
class ConnectionView:
    provider: PaymentProvider
    enabled: bool
    settings: dict[str, Any]
    secrets_set: list[str]
    webhook_url: str


def webhook_url(settings: Settings, store_id: uuid.UUID, provider: str) -> str:
    return f"{settings.base_url}/api/v1/webhooks/payments/{provider}/{store_id}"


def _api_base(settings: Settings, provider: str, public: dict[str, Any]) -> str | None:
    if provider == "stripe":
        return settings.stripe_api_base
    if provider == "paypal":
        if settings.paypal_api_base:
            return settings.paypal_api_base
        live = public.get("mode") == "live"
        return "https://api-m.paypal.com" if live else "https://api-m.sandbox.paypal.com"
    if provider == "btcpay":
        server = public.get("server_url")
        return str(server).rstrip("/") if server else None
    return None


def _config(settings: Settings, store_id: uuid.UUID, provider: PaymentProvider,
            row: ProviderConnection | None) -> ProviderConfig:
    name = provider.info.name
    public = defaults(provider.info.fields)
    public.update(row.settings if row else {})
    secrets = unseal(settings, row.sealed_secrets) if row else {}
    if name == "sandbox":
        secrets = {"webhook_secret": sandbox.webhook_secret(settings, store_id)}
    return ProviderConfig(store_id=store_id, settings=public, secrets=secrets,
                          webhook_url=webhook_url(settings, store_id, name), api_base=_api_base(settings, name, public))


async def for_checkout(session: AsyncSession, store_id: uuid.UUID, name: str,
                       *, field: str = "payment.provider") -> tuple[PaymentProvider, ProviderConfig]:
    """The provider a shopper asked for, if this store has it enabled."""
    provider = registry.get(name, field=field)
    row = await ConnectionRepository(session, store_id).by_provider(name)
    enabled = row.enabled if row is not None else provider.info.enabled_by_default
    if not enabled:
        raise InvalidInput(field, f"this store does not take payments by '{name}'")
    return provider, _config(settings_of(session), store_id, provider, row)


async def for_payment(session: AsyncSession, store_id: uuid.UUID, name: str) -> tuple[PaymentProvider, ProviderConfig]:
    """The provider of an existing payment (refunds, captures, callbacks), enabled or not any more."""
    provider = registry.get(name)
    row = await ConnectionRepository(session, store_id).by_provider(name)
    return provider, _config(settings_of(session), store_id, provider, row)


async def list_connections(session: AsyncSession, store_id: uuid.UUID) -> list[ConnectionView]:
    rows = {row.provider: row for row in (await session.scalars(ConnectionRepository(session, store_id).select())).all()}
    return [_view(settings_of(session), store_id, registry.get(name), rows.get(name)) for name in registry.names()]


async def update(session: AsyncSession, store_id: uuid.UUID, name: str, *, enabled: bool | None,
                 values: dict[str, Any]) -> ConnectionView:
    provider = registry.get(name, field="provider")
    settings = settings_of(session)
    repo = ConnectionRepository(session, store_id)
    row = await repo.by_provider(name, lock=True)
    if row is None:
        row = repo.add(ProviderConnection(provider=name, enabled=provider.info.enabled_by_default, settings={}))
    public = dict(row.settings or {})
    secrets = unseal(settings, row.sealed_secrets)
    will_enable = row.enabled if enabled is None else enabled
    merge_settings(name, provider.info.fields, public, secrets, values, enabling=will_enable)
    row.enabled = will_enable
    row.settings = public
    row.sealed_secrets = seal(settings, secrets) if secrets else None
    await session.flush()
    return _view(settings, store_id, provider, row)


def _view(settings: Settings, store_id: uuid.UUID, provider: PaymentProvider,
          row: ProviderConnection | None) -> ConnectionView:
    name = provider.info.name
    public = defaults(provider.info.fields)
    public.update(row.settings if row else {})
    secrets_set = sorted(unseal(settings, row.sealed_secrets)) if row else []
    enabled = row.enabled if row is not None else provider.info.enabled_by_default
    return ConnectionView(provider=provider, enabled=enabled, settings=public, secrets_set=secrets_set,
                          webhook_url=webhook_url(settings, store_id, name))
