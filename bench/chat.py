"""Support chat on one `metco serve` process: 1,000 concurrent WebSocket connections (guests, each in its own
conversation, plus one staff member watching the store); staff answer every conversation through the API
and we measure messages delivered per second to the guests' sockets and the p99 delivery latency (from the
moment the reply is sent to the moment the guest's socket has it). PostgreSQL when it answers, else SQLite."""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from websockets.asyncio.client import connect

from metco.kit.migrate import upgrade

GUESTS = int(os.environ.get("METCO_BENCH_CHAT_CONNECTIONS", "1000"))


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _database() -> tuple[str, str | None]:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        path = Path(tempfile.mkdtemp()) / "chat.db"
        return f"sqlite+aiosqlite:///{path}", None
    name = f"metco_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", name


async def run() -> None:
    url, pg_name = await _database()
    await upgrade(url)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "METCO_DATABASE_URL": url, "METCO_LOG_LEVEL": "WARNING", "METCO_DB_POOL_SIZE": "40",
           "METCO_ARGON2_TIME_COST": "1", "METCO_ARGON2_MEMORY_COST_KIB": "64", "METCO_ARGON2_PARALLELISM": "1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "metco"), "serve", "--host", "127.0.0.1",  # noqa: ASYNC220
                               "--port", str(port), "--no-worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=60,
                                     limits=httpx.Limits(max_connections=64)) as http:
            for _ in range(100):
                try:
                    if (await http.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            owner = (await http.post("/auth/signup", json={"email": "bench@example.com", "password": "bench password 1",
                                                           "name": "Bench"})).json()
            headers = {"Authorization": f"Bearer {owner['token']}"}
            store = (await http.post("/stores", headers=headers, json={"name": "Chat Bench", "currency": "USD",
                                                                       "country": "US"})).json()
            gate = asyncio.Semaphore(32)

            async def open_one(i: int) -> dict[str, str]:
                async with gate:
                    answer = (await http.post(f"/storefront/{store['slug']}/conversations", json={
                        "message": f"Question {i}", "email": f"guest{i}@example.com"})).json()
                    return {"id": answer["id"], "token": answer["token"]}

            conversations = await asyncio.gather(*(open_one(i) for i in range(GUESTS)))
            ws_base = base.replace("http://", "ws://")
            staff = await connect(f"{ws_base}/api/v1/ws?token={owner['token']}", max_queue=None)
            sockets = []
            for c in conversations:
                sockets.append(await connect(f"{ws_base}/api/v1/ws?token={c['token']}"))
            sent_at: dict[str, float] = {}
            latencies: list[float] = []
            done = asyncio.Event()

            async def listen(ws: object, conversation_id: str) -> None:
                async for raw in ws:  # type: ignore[attr-defined]
                    event = json.loads(raw)
                    if event.get("type") == "message" and event["message"]["author"] == "staff":
                        latencies.append(time.perf_counter() - sent_at[conversation_id])
                        if len(latencies) == GUESTS:
                            done.set()
                        return

            listeners = [asyncio.create_task(listen(ws, c["id"])) for ws, c in zip(sockets, conversations, strict=True)]
            started = time.perf_counter()

            async def reply(c: dict[str, str]) -> None:
                async with gate:
                    sent_at[c["id"]] = time.perf_counter()
                    await http.post(f"/stores/{store['id']}/conversations/{c['id']}/messages", headers=headers,
                                    json={"body": "Thanks for writing!"})

            await asyncio.gather(*(reply(c) for c in conversations))
            await asyncio.wait_for(done.wait(), timeout=300)
            elapsed = time.perf_counter() - started
            for task in listeners:
                task.cancel()
            for ws in [staff, *sockets]:
                await ws.close()
        ordered = sorted(latencies)
        print(f"{'measure':<60} {'value':>10}")
        print(f"{'database':<60} {'postgresql' if pg_name else 'sqlite':>10}")
        print(f"{'concurrent WebSocket connections':<60} {GUESTS + 1:>10}")
        print(f"{'messages delivered per second (reply sent to socket)':<60} {GUESTS / elapsed:>10.1f}")
        print(f"{'delivery latency p50 / p99 ms':<60} "
              f"{statistics.median(ordered) * 1000:>4.0f} / {ordered[int(len(ordered) * 0.99) - 1] * 1000:>4.0f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if pg_name:
            admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
            await admin.execute(f'DROP DATABASE "{pg_name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(run())
