"""Stock levels, the movement ledger and reservations. Every change is an atomic conditional update plus a
movement row in the same transaction, so the ledger always sums to the level and nothing oversells."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import lookup
from metco.inventory import repository
from metco.inventory.errors import LocationNotFound, OutOfStock
from metco.inventory.events import LowStock
from metco.inventory.models import Location, Reservation, StockLevel, StockMovement
from metco.kit.errors import Conflict, InvalidInput, NotFound
from metco.kit.outbox import publish
from metco.kit.pagination import paginate
from metco.kit.scope import StoreScope

DEFAULT_LOW_STOCK_THRESHOLD = 5
REASONS = ("adjustment", "sale", "cancellation", "return", "restock", "reservation", "release")
MANUAL_REASONS = ("adjustment", "restock", "return", "cancellation")


async def create_default_location(session: AsyncSession, *, store_id: uuid.UUID) -> Location:
    location = repository.LocationRepository(session, store_id).add(Location(name="Main location", is_default=True))
    await session.flush()
    return location


async def create_location(session: AsyncSession, scope: StoreScope, *, name: str, address: str | None) -> Location:
    repo = repository.LocationRepository(session, scope.store_id)
    if any(loc.name.lower() == name.lower() for loc in await repo.all()):
        raise Conflict(f"A location named '{name}' exists.")
    location = repo.add(Location(name=name, address=address, is_default=False))
    await session.flush()
    return location


async def update_location(session: AsyncSession, scope: StoreScope, location_id: uuid.UUID, *, name: str | None,
                          address: str | None) -> Location:
    repo = repository.LocationRepository(session, scope.store_id)
    location = await repo.get_or_404(location_id)
    if name is not None and name.strip().lower() != location.name.lower():
        if any(loc.name.lower() == name.strip().lower() for loc in await repo.all()):
            raise Conflict(f"A location named '{name}' exists.")
        location.name = name.strip()
    if address is not None:
        location.address = address.strip() or None
    await session.flush()
    return location


async def list_locations(session: AsyncSession, scope: StoreScope) -> list[Location]:
    return await repository.LocationRepository(session, scope.store_id).all()


async def _location(session: AsyncSession, store_id: uuid.UUID, location_id: uuid.UUID | None) -> Location:
    repo = repository.LocationRepository(session, store_id)
    location = await (repo.get(location_id) if location_id else repo.default())
    if location is None:
        if location_id is not None:
            raise InvalidInput("location_id", "is not a location of this store")
        raise LocationNotFound("This store has no location.")
    return location


async def _variant(session: AsyncSession, store_id: uuid.UUID, variant_id: uuid.UUID) -> lookup.SellableVariant:
    found = (await lookup.variants_for_sale(session, store_id=store_id, variant_ids=[variant_id])).get(variant_id)
    if found is None:
        raise NotFound("No such variant in this store.")
    return found


async def _record(session: AsyncSession, level: StockLevel, *, on_hand: int, reserved: int, reason: str,
                  reference: str | None = None, note: str | None = None, actor_id: uuid.UUID | None = None) -> None:
    session.add(StockMovement(store_id=level.store_id, variant_id=level.variant_id, location_id=level.location_id,
                              delta_on_hand=on_hand, delta_reserved=reserved, reason=reason, reference=reference,
                              note=note, actor_id=actor_id))
    await session.flush()


async def _watch_low_stock(session: AsyncSession, store_id: uuid.UUID, variant_id: uuid.UUID, decrease: int) -> None:
    """Publishes `inventory.low_stock` when available crosses from above the threshold to at or below it."""
    if decrease <= 0:
        return
    variant = (await lookup.variants_for_sale(session, store_id=store_id, variant_ids=[variant_id])).get(variant_id)
    threshold = DEFAULT_LOW_STOCK_THRESHOLD if variant is None or variant.low_stock_threshold is None \
        else variant.low_stock_threshold
    after = (await available_quantities(session, store_id=store_id, variant_ids=[variant_id])).get(variant_id, 0)
    if after <= threshold < after + decrease:
        await publish(session, LowStock(store_id=store_id, variant_id=variant_id, available=after,
                                        threshold=threshold), store_id=store_id)


async def available_quantities(
    session: AsyncSession, *, store_id: uuid.UUID, variant_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    found = await repository.LevelRepository(session, store_id).available_by_variant(variant_ids)
    return {vid: found.get(vid, 0) for vid in variant_ids}


async def on_hand_totals(
    session: AsyncSession, *, store_id: uuid.UUID, variant_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    return await repository.LevelRepository(session, store_id).on_hand_by_variant(variant_ids)


async def available_variants(session: AsyncSession, *, store_id: uuid.UUID, variant_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return {vid for vid, qty in (await available_quantities(session, store_id=store_id, variant_ids=variant_ids)).items()
            if qty > 0}


async def set_on_hand(
    session: AsyncSession, *, store_id: uuid.UUID, variant_id: uuid.UUID, on_hand: int,
    location_id: uuid.UUID | None = None, actor_id: uuid.UUID | None = None,
) -> StockLevel:
    if on_hand < 0:
        raise InvalidInput("on_hand", "must not be negative")
    await _variant(session, store_id, variant_id)
    location = await _location(session, store_id, location_id)
    repo = repository.LevelRepository(session, store_id)
    level = await repo.lock((await repo.ensure(variant_id, location.id)).id)
    delta = on_hand - level.on_hand
    if on_hand < level.reserved:
        raise OutOfStock(f"{level.reserved} are reserved by open checkouts; on hand cannot go below that.",
                         shortages=[{"variant_id": str(variant_id), "available": level.on_hand - level.reserved,
                                     "requested": -delta}])
    if delta:
        assert await repo.change(level.id, on_hand=delta)
        await _record(session, level, on_hand=delta, reserved=0, reason="adjustment", actor_id=actor_id,
                      note="on hand set")
        await _watch_low_stock(session, store_id, variant_id, -delta)
    return await repo.refresh(level)


async def adjust(
    session: AsyncSession, *, store_id: uuid.UUID, variant_id: uuid.UUID, delta: int, reason: str,
    location_id: uuid.UUID | None = None, note: str | None = None, actor_id: uuid.UUID | None = None,
    reference: str | None = None,
) -> StockLevel:
    await _variant(session, store_id, variant_id)
    location = await _location(session, store_id, location_id)
    repo = repository.LevelRepository(session, store_id)
    level = await repo.ensure(variant_id, location.id)
    if delta and not await repo.change(level.id, on_hand=delta):
        level = await repo.refresh(level)
        raise OutOfStock(f"Only {level.on_hand - level.reserved} can be taken away here.",
                         shortages=[{"variant_id": str(variant_id), "available": level.on_hand - level.reserved,
                                     "requested": -delta}])
    await _record(session, level, on_hand=delta, reserved=0, reason=reason, reference=reference, note=note,
                  actor_id=actor_id)
    await _watch_low_stock(session, store_id, variant_id, -delta)
    return await repo.refresh(level)


async def restock(
    session: AsyncSession, *, store_id: uuid.UUID, lines: list[tuple[uuid.UUID, int]], reason: str, reference: str,
    location_id: uuid.UUID | None = None,
) -> None:
    for variant_id, quantity in sorted(lines):
        await adjust(session, store_id=store_id, variant_id=variant_id, delta=quantity, reason=reason,
                     location_id=location_id, reference=reference)


async def reserve(
    session: AsyncSession, *, store_id: uuid.UUID, reference: str, lines: list[tuple[uuid.UUID, int]],
    expires_at: datetime,
) -> list[Reservation]:
    """Holds every line or none: the caller's transaction rolls back on OutOfStock. Variants are taken in
    id order and locations default-first, so concurrent reservations lock rows in the same order."""
    wanted: dict[uuid.UUID, int] = {}
    for variant_id, quantity in lines:
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    made: list[Reservation] = []
    shortages: list[dict[str, Any]] = []
    levels = repository.LevelRepository(session, store_id)
    order = {loc.id: i for i, loc in enumerate(await repository.LocationRepository(session, store_id).all())}
    for variant_id in sorted(wanted):
        remaining = wanted[variant_id]
        for level in sorted(await levels.of_variant(variant_id), key=lambda lv: (order.get(lv.location_id, 99), lv.id)):
            while remaining > 0:
                await levels.refresh(level)
                take = min(remaining, level.on_hand - level.reserved)
                if take <= 0:
                    break
                if await levels.change(level.id, reserved=take):
                    remaining -= take
                    made.append(await _hold(session, level, reference, take, expires_at))
        if remaining > 0:
            available = (await available_quantities(session, store_id=store_id, variant_ids=[variant_id]))[variant_id]
            shortages.append({"variant_id": str(variant_id), "available": available + wanted[variant_id] - remaining,
                              "requested": wanted[variant_id]})
    if shortages:
        names = ", ".join(s["variant_id"] for s in shortages)
        raise OutOfStock(f"Not enough stock for {names}.", shortages=shortages)
    for variant_id, quantity in wanted.items():
        await _watch_low_stock(session, store_id, variant_id, quantity)
    return made


async def _hold(session: AsyncSession, level: StockLevel, reference: str, quantity: int, expires_at: datetime) -> Reservation:
    reservation = Reservation(store_id=level.store_id, reference=reference, variant_id=level.variant_id,
                              location_id=level.location_id, quantity=quantity, expires_at=expires_at)
    session.add(reservation)
    await _record(session, level, on_hand=0, reserved=quantity, reason="reservation", reference=reference)
    return reservation


async def _settle(session: AsyncSession, store_id: uuid.UUID, reference: str, *, sale: bool, reason: str) -> int:
    levels = repository.LevelRepository(session, store_id)
    settled = 0
    for reservation in await repository.ReservationRepository(session, store_id).active(reference):
        level = await levels.ensure(reservation.variant_id, reservation.location_id)
        on_hand = -reservation.quantity if sale else 0
        assert await levels.change(level.id, on_hand=on_hand, reserved=-reservation.quantity)
        await _record(session, level, on_hand=on_hand, reserved=-reservation.quantity, reason=reason,
                      reference=reference)
        reservation.status = "committed" if sale else "released"
        settled += 1
    await session.flush()
    return settled


async def commit_reservation(session: AsyncSession, *, store_id: uuid.UUID, reference: str) -> None:
    """The reserved units are sold: on hand and reserved both drop."""
    await _settle(session, store_id, reference, sale=True, reason="sale")


async def release_reservation(session: AsyncSession, *, store_id: uuid.UUID, reference: str,
                              reason: str = "release") -> None:
    await _settle(session, store_id, reference, sale=False, reason=reason if reason in REASONS else "release")


async def release_expired(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    released = 0
    for store_id, reference in await repository.lapsed_reservations(session, now=now, limit=limit):
        released += await _settle(session, store_id, reference, sale=False, reason="release")
    return released


async def levels(
    session: AsyncSession, scope: StoreScope, *, variant_id: uuid.UUID | None, location_id: uuid.UUID | None,
    limit: int, cursor: str | None,
) -> tuple[list[StockLevel], str | None]:
    stmt = repository.LevelRepository(session, scope.store_id).filtered(variant_id=variant_id, location_id=location_id)
    return await paginate(session, stmt, key=StockLevel.id, limit=limit, cursor=cursor)


async def movements(
    session: AsyncSession, scope: StoreScope, *, variant_id: uuid.UUID | None, limit: int, cursor: str | None
) -> tuple[list[StockMovement], str | None]:
    stmt = repository.MovementRepository(session, scope.store_id).of_variant(variant_id)
    return await paginate(session, stmt, key=StockMovement.id, limit=limit, cursor=cursor, descending=True)


async def ship_from(
    session: AsyncSession, *, store_id: uuid.UUID, sale_reference: str, variant_id: uuid.UUID, quantity: int,
    location_id: uuid.UUID | None, reference: str,
) -> uuid.UUID:
    """Units sold under `sale_reference` leave from `location_id` (default: where the sale took them).

    The sale already took them off hand where they were reserved; shipping from elsewhere moves that: the
    sale's location gets them back and the chosen one gives them up, both recorded as `fulfillment`. Shipping
    from where they were sold is recorded too, with no change to the counts. Returns the location used."""
    location = await _location(session, store_id, location_id) if location_id else None
    sold_at = (await session.scalars(
        select(Reservation.location_id).where(Reservation.store_id == store_id, Reservation.reference == sale_reference,
                                              Reservation.variant_id == variant_id,
                                              Reservation.status == "committed").order_by(Reservation.id))).first()
    if location is None:
        location = await _location(session, store_id, sold_at)
    levels = repository.LevelRepository(session, store_id)
    chosen = await levels.ensure(variant_id, location.id)
    if sold_at is None or sold_at == location.id:
        await _record(session, chosen, on_hand=0, reserved=0, reason="fulfillment", reference=reference,
                      note=f"{quantity} shipped from here")
        return location.id
    if not await levels.change(chosen.id, on_hand=-quantity):
        chosen = await levels.refresh(chosen)
        raise OutOfStock(f"Only {chosen.on_hand - chosen.reserved} can ship from {location.name}.", shortages=[
            {"variant_id": str(variant_id), "available": chosen.on_hand - chosen.reserved, "requested": quantity}])
    origin = await levels.ensure(variant_id, sold_at)
    assert await levels.change(origin.id, on_hand=quantity)
    await _record(session, chosen, on_hand=-quantity, reserved=0, reason="fulfillment", reference=reference)
    await _record(session, origin, on_hand=quantity, reserved=0, reason="fulfillment", reference=reference,
                  note="shipped from another location")
    return location.id
