"""Sign-ins and authenticated /me requests per second through the ASGI app, on SQLite.

Prints a table. Uses production argon2id cost for sign-in, so the figure is what a real server pays."""

import asyncio
import statistics
import tempfile
import time

import httpx

from metco.app import create_app
from metco.config import Settings
from metco.kit.migrate import upgrade


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade(url)
        app = create_app(Settings(_env_file=None, database_url=url, log_level="WARNING"))  # type: ignore[call-arg]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench/api/v1") as client:
            signup = await client.post("/auth/signup", json={"email": "b@example.com", "password": "bench password",
                                                            "name": "Bench"})
            headers = {"Authorization": f"Bearer {signup.json()['token']}"}
            rows = []
            for label, count, call in (
                ("GET /me", 2000, lambda: client.get("/me", headers=headers)),
                ("POST /auth/login (argon2id t=3, 64 MiB)", 40,
                 lambda: client.post("/auth/login", json={"email": "b@example.com", "password": "bench password"})),
            ):
                latencies = []
                started = time.perf_counter()
                for _ in range(count):
                    t0 = time.perf_counter()
                    response = await call()
                    latencies.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, response.text
                elapsed = time.perf_counter() - started
                latencies.sort()
                rows.append((label, count / elapsed, statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]))
        await app.state.db.dispose()
    print(f"{'request':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, rate, p50, p99 in rows:
        print(f"{label:<42} {rate:>8.1f} {p50:>8.2f} {p99:>8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
