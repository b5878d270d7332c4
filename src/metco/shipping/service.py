"""Shipping zones and rates, and the rates a cart may choose from."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import Conflict
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.shipping import live_rates
from metco.shipping.models import ShippingRate, ShippingZone
from metco.shipping.schemas import RateIn, ZoneCreate, ZoneUpdate


@dataclass(frozen=True)
class Rate:
    id: uuid.UUID
    name: str
    price: int


@dataclass(frozen=True)
class ZoneView:
    zone: ShippingZone
    rates: list[ShippingRate]


class ZoneRepository(StoreRepository[ShippingZone]):
    model = ShippingZone
    not_found = "No such shipping zone in this store."

    async def all(self) -> list[ShippingZone]:
        return list((await self.session.scalars(self.select().order_by(ShippingZone.id))).all())

    async def rates(self, zone_ids: list[uuid.UUID]) -> list[ShippingRate]:
        if not zone_ids:
            return []
        stmt = (select(ShippingRate).where(ShippingRate.store_id == self.store_id, ShippingRate.zone_id.in_(zone_ids))
                .order_by(ShippingRate.position, ShippingRate.id))
        return list((await self.session.scalars(stmt)).all())


async def _check_countries(repo: ZoneRepository, countries: list[str], zone: ShippingZone | None) -> None:
    for other in await repo.all():
        if other is not zone and set(other.countries) & set(countries):
            taken = sorted(set(other.countries) & set(countries))
            raise Conflict(f"{', '.join(taken)} already belong to the zone '{other.name}'.", countries=taken)


async def _set_rates(session: AsyncSession, zone: ShippingZone, rates: list[RateIn]) -> None:
    await session.execute(delete(ShippingRate).where(ShippingRate.zone_id == zone.id))
    for position, rate in enumerate(rates):
        values = rate.model_dump(exclude={"carrier"})
        extra = {"carrier": rate.carrier.model_dump()} if rate.carrier else {}
        if rate.carrier:
            from metco.fulfillment.carriers import registry

            registry.get(rate.carrier.integration, field=f"rates.{position}.carrier.integration")
        session.add(ShippingRate(store_id=zone.store_id, zone_id=zone.id, position=position, extra=extra, **values))
    await session.flush()


async def _view(session: AsyncSession, zone: ShippingZone) -> ZoneView:
    return ZoneView(zone, await ZoneRepository(session, zone.store_id).rates([zone.id]))


async def create_zone(session: AsyncSession, scope: StoreScope, *, data: ZoneCreate) -> ZoneView:
    repo = ZoneRepository(session, scope.store_id)
    await _check_countries(repo, data.countries, None)
    zone = repo.add(ShippingZone(name=data.name, countries=data.countries))
    await session.flush()
    await _set_rates(session, zone, data.rates)
    return await _view(session, zone)


async def list_zones(session: AsyncSession, scope: StoreScope) -> list[ZoneView]:
    repo = ZoneRepository(session, scope.store_id)
    zones = await repo.all()
    rates = await repo.rates([z.id for z in zones])
    return [ZoneView(z, [r for r in rates if r.zone_id == z.id]) for z in zones]


async def get_zone(session: AsyncSession, scope: StoreScope, zone_id: uuid.UUID) -> ZoneView:
    return await _view(session, await ZoneRepository(session, scope.store_id).get_or_404(zone_id))


async def update_zone(session: AsyncSession, scope: StoreScope, zone_id: uuid.UUID, *, data: ZoneUpdate) -> ZoneView:
    repo = ZoneRepository(session, scope.store_id)
    zone = await repo.get_or_404(zone_id)
    if data.name is not None:
        zone.name = data.name
    if data.countries is not None:
        await _check_countries(repo, data.countries, zone)
        zone.countries = data.countries
    if data.rates is not None:
        await _set_rates(session, zone, data.rates)
    await session.flush()
    return await _view(session, zone)


async def delete_zone(session: AsyncSession, scope: StoreScope, zone_id: uuid.UUID) -> None:
    await session.delete(await ZoneRepository(session, scope.store_id).get_or_404(zone_id))
    await session.flush()


async def rates_for(session: AsyncSession, *, store_id: uuid.UUID, country: str, subtotal: int,
                    weight_grams: int, address: dict[str, Any] | None = None) -> list[Rate]:
    """The rates a cart going to `country` may choose, cheapest first; carrier rates priced live."""
    repo = ZoneRepository(session, store_id)
    zones = [z for z in await repo.all() if country in z.countries]
    found = []
    for rate in await repo.rates([z.id for z in zones]):
        if rate.min_subtotal is not None and subtotal < rate.min_subtotal:
            continue
        if rate.max_subtotal is not None and subtotal > rate.max_subtotal:
            continue
        if rate.min_weight_grams is not None and weight_grams < rate.min_weight_grams:
            continue
        if rate.max_weight_grams is not None and weight_grams > rate.max_weight_grams:
            continue
        price = rate.price
        if (rate.extra or {}).get("carrier") and address:
            price = await live_rates.price(session, store_id=store_id, carrier=rate.extra["carrier"],
                                           address=address, weight_grams=weight_grams, fallback=rate.price)
        found.append(Rate(rate.id, rate.name, price))
    return sorted(found, key=lambda r: (r.price, r.name))
