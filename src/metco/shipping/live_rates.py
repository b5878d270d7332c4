"""Live carrier rates at checkout: the carrier is asked with a deadline, its answer kept for a few minutes
(a cart is re-priced on every read), and the rate's own price is used when it does not answer in time."""

import asyncio
import time
import uuid
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.db import settings_of

log = structlog.get_logger("metco.shipping")
CACHE_SECONDS = 600.0
_cache: dict[tuple[Any, ...], tuple[float, int | None]] = {}


async def price(session: AsyncSession, *, store_id: uuid.UUID, carrier: dict[str, Any], address: dict[str, Any],
                weight_grams: int, fallback: int) -> int:
    key = (store_id, carrier.get("integration"), carrier.get("service"), address.get("country"),
           address.get("postal_code"), (weight_grams + 99) // 100)
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        quoted = cached[1]
    else:
        quoted = await _ask(session, store_id=store_id, carrier=carrier, address=address, weight_grams=weight_grams)
        _cache[key] = (time.monotonic(), quoted)
    return fallback if quoted is None else quoted + int(carrier.get("markup") or 0)


async def _ask(session: AsyncSession, *, store_id: uuid.UUID, carrier: dict[str, Any], address: dict[str, Any],
               weight_grams: int) -> int | None:
    from metco.fulfillment.carriers import connections
    from metco.fulfillment.carriers.ports import Address, ShipmentRequest
    from metco.fulfillment.service import ship_from
    from metco.kit.errors import MetcoError
    from metco.stores.models import Store

    name = str(carrier.get("integration"))
    try:
        adapter, config = await connections.enabled(session, store_id, name)
    except MetcoError:
        return None  # not connected (any more): the fallback price
    store = await session.get(Store, store_id)
    request = ShipmentRequest(
        reference=f"rates:{uuid.uuid4()}", order_number=0, ship_from=ship_from(config, store.name if store else ""),
        ship_to=Address(name=str(address.get("name") or ""), line1=str(address.get("line1") or ""),
                        line2=address.get("line2"), city=str(address.get("city") or ""), region=address.get("region"),
                        postal_code=str(address.get("postal_code") or ""), country=str(address.get("country") or "")),
        weight_grams=max(weight_grams, 1), lines=(), currency=store.currency if store else "USD", buy_label=False)
    try:
        quotes = await asyncio.wait_for(adapter.rates(config, request),
                                        timeout=settings_of(session).carrier_rates_timeout_seconds)
    except Exception as exc:
        log.warning("live_rates_unavailable", carrier=name, error=repr(exc))
        return None
    wanted = carrier.get("service")
    matching = [q for q in quotes if wanted is None or q.service == wanted]
    if not matching:
        return None
    return min(q.price for q in matching)


def forget() -> None:
    """Empties the cache (tests, or after a carrier's prices changed)."""
    _cache.clear()
