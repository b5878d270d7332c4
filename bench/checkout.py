"""Checkout speed and safety on PostgreSQL: completed checkouts per second with 32 concurrent shoppers, and
units oversold when 500 shoppers race for the last 50 units (must be 0). Skipped without PostgreSQL.

Shoppers go through the whole public API in-process (cart, line, address, rate, checkout with tok_visa),
so the figure includes pricing, reservation, the order's writes and the idempotency claim."""

import asyncio
import os
import socket
import statistics
import tempfile
import time
import uuid

import asyncpg
import httpx

from metco.app import create_app
from metco.config import Settings
from metco.kit.migrate import upgrade

ADDRESS = {"name": "Bench Shopper", "line1": "1 Main St", "city": "Springfield", "region": "IL",
           "postal_code": "62701", "country": "US"}


async def _shop(client: httpx.AsyncClient, stock: int) -> tuple[str, str]:
    signup = (await client.post("/auth/signup", json={"email": f"o{uuid.uuid4().hex[:8]}@example.com",
                                                      "password": "bench password", "name": "Owner"})).json()
    headers = {"Authorization": f"Bearer {signup['token']}"}
    store = (await client.post("/stores", headers=headers, json={"name": "Bench", "currency": "USD",
                                                                 "country": "US"})).json()
    product = (await client.post(f"/stores/{store['id']}/products", headers=headers, json={
        "title": "Limited print", "status": "active", "variants": [{"price": 4500}]})).json()
    variant = product["variants"][0]["id"]
    await client.put(f"/stores/{store['id']}/inventory/{variant}", json={"on_hand": stock}, headers=headers)
    await client.post(f"/stores/{store['id']}/shipping-zones", headers=headers, json={
        "name": "US", "countries": ["US"], "rates": [{"name": "Standard", "price": 500}]})
    return store["slug"], variant


async def _shop_once(client: httpx.AsyncClient, slug: str, variant: str) -> tuple[int, float]:
    started = time.perf_counter()
    cart = (await client.post(f"/storefront/{slug}/carts")).json()
    base = f"/storefront/{slug}/carts/{cart['id']}"
    added = await client.post(f"{base}/lines", json={"variant_id": variant, "quantity": 1})
    if added.status_code != 201:
        return added.status_code, time.perf_counter() - started
    await client.put(f"{base}/shipping-address", json=ADDRESS)
    rates = (await client.get(f"{base}/shipping-rates")).json()
    await client.put(f"{base}/shipping-rate", json={"rate_id": rates[0]["id"]})
    done = await client.post(f"{base}/checkout", headers={"Idempotency-Key": uuid.uuid4().hex},
                             json={"email": "bench@example.com", "payment": {"provider": "sandbox", "token": "tok_visa"}})
    return done.status_code, time.perf_counter() - started


async def run(url: str) -> None:
    await upgrade(url)
    with tempfile.TemporaryDirectory() as media:
        settings = Settings(_env_file=None, database_url=url, log_level="WARNING", run_worker=False,  # type: ignore[call-arg]
                            media_dir=media, db_pool_size=40)
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench/api/v1", timeout=120) as client:
            slug, variant = await _shop(client, stock=100_000)
            shoppers, per_shopper = 32, 8
            started = time.perf_counter()

            async def shopper() -> list[tuple[int, float]]:
                return [await _shop_once(client, slug, variant) for _ in range(per_shopper)]

            results = [r for batch in await asyncio.gather(*(shopper() for _ in range(shoppers))) for r in batch]
            elapsed = time.perf_counter() - started
            ok = [seconds for status, seconds in results if status == 201]
            print(f"{'measure':<52} {'value':>12}")
            print(f"{'completed checkouts per second (32 shoppers)':<52} {len(ok) / elapsed:>12.1f}")
            print(f"{'shopper journey p50 / p99 ms (cart to order)':<52} "
                  f"{statistics.median(ok) * 1000:>5.0f} / {sorted(ok)[int(len(ok) * 0.99) - 1] * 1000:>4.0f}")

            slug, variant = await _shop(client, stock=50)
            statuses = [s for s, _ in await asyncio.gather(*(_shop_once(client, slug, variant) for _ in range(500)))]
            sold = statuses.count(201)
            print(f"{'500 shoppers for 50 units: orders placed':<52} {sold:>12}")
            print(f"{'units oversold':<52} {max(0, sold - 50):>12}")
        await app.state.db.dispose()


async def main() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        print("PostgreSQL does not answer on 127.0.0.1:5432; skipped")
        return
    base = os.environ.get("METCO_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    name = f"metco_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(base.replace("+asyncpg", ""))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await run(base.rsplit("/", 1)[0] + f"/{name}")
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
