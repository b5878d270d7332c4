"""Tax rates, and the rate that applies to an address."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import Conflict
from metco.kit.repository import StoreRepository
from metco.kit.scope import StoreScope
from metco.taxes.models import TaxRate
from metco.taxes.schemas import TaxRateIn, TaxRateUpdate


@dataclass(frozen=True)
class ApplicableTax:
    rate_ppm: int
    on_shipping_ppm: int
    names: tuple[str, ...]


class TaxRateRepository(StoreRepository[TaxRate]):
    model = TaxRate
    not_found = "No such tax rate in this store."

    async def of_country(self, country: str) -> list[TaxRate]:
        stmt = self.select().where(TaxRate.country == country).order_by(TaxRate.id)
        return list((await self.session.scalars(stmt)).all())


def to_ppm(rate: Decimal) -> int:
    return int(rate * 10_000)


def to_percent(ppm: int) -> str:
    return str((Decimal(ppm) / 10_000).normalize())


async def create_rate(session: AsyncSession, scope: StoreScope, *, data: TaxRateIn) -> TaxRate:
    repo = TaxRateRepository(session, scope.store_id)
    rate = repo.add(TaxRate(country=data.country, region=data.region, name=data.name, rate_ppm=to_ppm(data.rate),
                            applies_to_shipping=data.applies_to_shipping))
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("A rate for this country and region exists; change it instead.") from exc
    return rate


async def list_rates(session: AsyncSession, scope: StoreScope) -> list[TaxRate]:
    repo = TaxRateRepository(session, scope.store_id)
    return list((await session.scalars(repo.select().order_by(TaxRate.country, TaxRate.id))).all())


async def update_rate(session: AsyncSession, scope: StoreScope, rate_id: uuid.UUID, *, data: TaxRateUpdate) -> TaxRate:
    rate = await TaxRateRepository(session, scope.store_id).get_or_404(rate_id)
    if data.name is not None:
        rate.name = data.name
    if data.rate is not None:
        rate.rate_ppm = to_ppm(data.rate)
    if data.applies_to_shipping is not None:
        rate.applies_to_shipping = data.applies_to_shipping
    await session.flush()
    return rate


async def delete_rate(session: AsyncSession, scope: StoreScope, rate_id: uuid.UUID) -> None:
    await session.delete(await TaxRateRepository(session, scope.store_id).get_or_404(rate_id))
    await session.flush()


async def applicable(session: AsyncSession, *, store_id: uuid.UUID, country: str | None,
                     region: str | None) -> ApplicableTax:
    """The country's rate plus the region's (as US state taxes add to none at country level)."""
    if not country:
        return ApplicableTax(0, 0, ())
    rates = [r for r in await TaxRateRepository(session, store_id).of_country(country)
             if r.region is None or (region and r.region.lower() == region.lower())]
    return ApplicableTax(rate_ppm=sum(r.rate_ppm for r in rates),
                         on_shipping_ppm=sum(r.rate_ppm for r in rates if r.applies_to_shipping),
                         names=tuple(r.name for r in rates))
