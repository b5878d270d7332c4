"""Every SQL statement of the inventory module. Levels change only by atomic conditional updates."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.inventory.models import Location, Reservation, StockLevel, StockMovement
from metco.kit.clock import utcnow
from metco.kit.repository import StoreRepository


class LocationRepository(StoreRepository[Location]):
    model = Location
    not_found = "No such location in this store."

    async def default(self) -> Location | None:
        stmt = self.select().where(Location.is_default.is_(True))
        return (await self.session.scalars(stmt)).first()

    async def all(self) -> list[Location]:
        stmt = self.select().order_by(Location.is_default.desc(), Location.id)
        return list((await self.session.scalars(stmt)).all())


class LevelRepository(StoreRepository[StockLevel]):
    model = StockLevel

    def filtered(self, *, variant_id: uuid.UUID | None, location_id: uuid.UUID | None) -> Select[Any]:
        stmt = self.select()
        if variant_id is not None:
            stmt = stmt.where(StockLevel.variant_id == variant_id)
        if location_id is not None:
            stmt = stmt.where(StockLevel.location_id == location_id)
        return stmt

    async def of_variant(self, variant_id: uuid.UUID) -> list[StockLevel]:
        stmt = self.select().where(StockLevel.variant_id == variant_id).order_by(StockLevel.id)
        return list((await self.session.scalars(stmt)).all())

    async def ensure(self, variant_id: uuid.UUID, location_id: uuid.UUID) -> StockLevel:
        found = (await self.session.scalars(self.select().where(
            StockLevel.variant_id == variant_id, StockLevel.location_id == location_id))).first()
        if found is not None:
            return found
        try:
            async with self.session.begin_nested():
                level = self.add(StockLevel(variant_id=variant_id, location_id=location_id, on_hand=0, reserved=0))
                await self.session.flush()
            return level
        except IntegrityError:  # made at the same moment by another transaction
            return await self.ensure(variant_id, location_id)

    async def lock(self, level_id: uuid.UUID) -> StockLevel:
        stmt = self.select().where(StockLevel.id == level_id).with_for_update()
        return (await self.session.scalars(stmt)).one()

    async def change(self, level_id: uuid.UUID, *, on_hand: int = 0, reserved: int = 0) -> bool:
        """Moves a level by the deltas only if it stays valid (on_hand >= reserved >= 0); atomic."""
        stmt = (
            update(StockLevel)
            .where(StockLevel.id == level_id, StockLevel.store_id == self.store_id,
                   StockLevel.reserved + reserved >= 0,
                   StockLevel.on_hand + on_hand - (StockLevel.reserved + reserved) >= 0)
            .values(on_hand=StockLevel.on_hand + on_hand, reserved=StockLevel.reserved + reserved, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def refresh(self, level: StockLevel) -> StockLevel:
        await self.session.refresh(level)
        return level

    async def available_by_variant(self, variant_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not variant_ids:
            return {}
        stmt = (select(StockLevel.variant_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
                .where(StockLevel.store_id == self.store_id, StockLevel.variant_id.in_(set(variant_ids)))
                .group_by(StockLevel.variant_id))
        return {vid: int(total or 0) for vid, total in (await self.session.execute(stmt)).all()}


    async def on_hand_by_variant(self, variant_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not variant_ids:
            return {}
        stmt = (select(StockLevel.variant_id, func.sum(StockLevel.on_hand))
                .where(StockLevel.store_id == self.store_id, StockLevel.variant_id.in_(set(variant_ids)))
                .group_by(StockLevel.variant_id))
        return {vid: int(total or 0) for vid, total in (await self.session.execute(stmt)).all()}


class MovementRepository(StoreRepository[StockMovement]):
    model = StockMovement

    def of_variant(self, variant_id: uuid.UUID | None) -> Select[Any]:
        stmt = self.select()
        return stmt if variant_id is None else stmt.where(StockMovement.variant_id == variant_id)


class ReservationRepository(StoreRepository[Reservation]):
    model = Reservation

    async def active(self, reference: str) -> list[Reservation]:
        stmt = (self.select().where(Reservation.reference == reference, Reservation.status == "active")
                .order_by(Reservation.id).with_for_update())
        return list((await self.session.scalars(stmt)).all())


async def lapsed_reservations(session: AsyncSession, *, now: datetime, limit: int) -> list[tuple[uuid.UUID, str]]:
    """Across stores (a scheduled job): (store, reference) of active reservations past their expiry."""
    stmt = (select(Reservation.store_id, Reservation.reference)
            .where(Reservation.status == "active", Reservation.expires_at <= now)
            .group_by(Reservation.store_id, Reservation.reference).limit(limit))
    return [(s, r) for s, r in (await session.execute(stmt)).all()]
