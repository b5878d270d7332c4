"""Storefront catalog speed: product-list requests per second with 10,000 products, and search latency
p50/p99 with 10,000 and 100,000 products. SQLite always; PostgreSQL too when one answers on 127.0.0.1:5432.

Rows are bulk-inserted with SQLAlchemy core (and indexed for search the way the service does), then the
storefront API is driven in-process through ASGI, so the figures are the app's, not the network's."""

import asyncio
import os
import random
import socket
import statistics
import sys
import tempfile
import time
import uuid

import asyncpg
import httpx
from sqlalchemy import insert

from metco.app import create_app
from metco.catalog import search
from metco.catalog.models import Product, ProductVariant
from metco.config import Settings
from metco.inventory.models import Location, StockLevel
from metco.kit.db import Database
from metco.kit.ids import uuid7
from metco.kit.migrate import upgrade
from metco.stores.models import Store

WORDS = ("linen cotton wool merino denim canvas leather ceramic walnut brass glass copper oak silk cashmere "
         "shirt tee sweater jacket mug bowl vase board candle wallet tote scarf belt notebook pen lamp chair").split()


async def _fill(url: str, count: int, store_id: uuid.UUID) -> None:
    db = Database(url, pool_size=2)
    rng = random.Random(7)
    async with db.sessionmaker() as session:
        location_id = uuid7()
        await session.execute(insert(Location).values(id=location_id, store_id=store_id, name="Main", is_default=True))
        for start in range(0, count, 2000):
            products, variants, levels = [], [], []
            for n in range(start, min(count, start + 2000)):
                pid, vid = uuid7(), uuid7()
                title = " ".join(rng.sample(WORDS, 3)).title()
                products.append({"id": pid, "store_id": store_id, "title": title, "handle": f"p-{n}",
                                 "description": " ".join(rng.sample(WORDS, 12)), "status": "active", "tags": [],
                                 "options": []})
                variants.append({"id": vid, "store_id": store_id, "product_id": pid, "sku": f"SKU-{n}",
                                 "title": "Default", "option_values": {}, "option_key": "",
                                 "price": rng.randrange(500, 20000)})
                levels.append({"id": uuid7(), "store_id": store_id, "variant_id": vid, "location_id": location_id,
                               "on_hand": rng.randrange(0, 50), "reserved": 0})
            await session.execute(insert(Product), products)
            await session.execute(insert(ProductVariant), variants)
            await session.execute(insert(StockLevel), levels)
            await search.reindex(session, store_id=store_id, product_ids=[p["id"] for p in products])
        await session.commit()
    await db.dispose()


async def _measure(client: httpx.AsyncClient, path: str, params_list: list[dict[str, str]]) -> tuple[float, float, float]:
    latencies = []
    started = time.perf_counter()
    for params in params_list:
        t0 = time.perf_counter()
        response = await client.get(path, params=params)
        latencies.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.text
    elapsed = time.perf_counter() - started
    latencies.sort()
    return len(params_list) / elapsed, statistics.median(latencies), latencies[max(0, int(len(latencies) * 0.99) - 1)]


async def run(backend: str, url: str, sizes: list[int]) -> list[tuple[str, str, int, float, float, float]]:
    rows = []
    filled = 0
    await upgrade(url)
    app = create_app(Settings(_env_file=None, database_url=url, log_level="WARNING"))  # type: ignore[call-arg]
    store_id = uuid7()
    async with app.state.db.sessionmaker() as session:
        session.add(Store(id=store_id, name="Bench", slug="bench", currency="USD", country="US"))
        await session.commit()
    rng = random.Random(11)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench/api/v1") as client:
        for size in sizes:
            await _fill(url, size - filled, store_id) if filled == 0 else await _more(url, size - filled, store_id)
            filled = size
            if size == sizes[0]:
                rate, p50, p99 = await _measure(client, "/storefront/bench/products", [{"limit": "20"}] * 300)
                rows.append((backend, "product list (20 per page)", size, rate, p50, p99))
            queries = [{"q": rng.choice(WORDS), "limit": "20"} for _ in range(200)]
            rate, p50, p99 = await _measure(client, "/storefront/bench/products", queries)
            rows.append((backend, "search one word", size, rate, p50, p99))
    await app.state.db.dispose()
    return rows


async def _more(url: str, count: int, store_id: uuid.UUID) -> None:
    db = Database(url, pool_size=2)
    rng = random.Random(count)
    async with db.sessionmaker() as session:
        for start in range(0, count, 2000):
            products = []
            for _ in range(start, min(count, start + 2000)):
                pid = uuid7()
                products.append({"id": pid, "store_id": store_id, "title": " ".join(rng.sample(WORDS, 3)).title(),
                                 "handle": f"m-{pid.hex}", "description": " ".join(rng.sample(WORDS, 12)),
                                 "status": "active", "tags": [], "options": []})
            await session.execute(insert(Product), products)
            await search.reindex(session, store_id=store_id, product_ids=[p["id"] for p in products])
        await session.commit()
    await db.dispose()


def _postgres() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return os.environ.get("METCO_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def main() -> None:
    sizes = [10_000, 100_000] if "--quick" not in sys.argv else [2_000, 10_000]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results += await run("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db", sizes)
    base = _postgres()
    if base:
        name = f"metco_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(base.replace("+asyncpg", ""))
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            results += await run("postgres", base.rsplit("/", 1)[0] + f"/{name}", sizes)
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()
    print(f"{'db':<9} {'request':<28} {'products':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for backend, label, size, rate, p50, p99 in results:
        print(f"{backend:<9} {label:<28} {size:>9,} {rate:>8.1f} {p50:>8.2f} {p99:>8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
