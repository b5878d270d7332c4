"""Two `metco serve` processes on PostgreSQL, fanning out through Redis: a customer connected to one gets
the reply staff send through the other."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import create_store, signup
from tests.support.conftest import open_socket


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def two_servers(database_url: str) -> Iterator[tuple[str, str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the cross-process test runs on PostgreSQL")
    if not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    metco = str(Path(sys.executable).parent / "metco")
    env = {**os.environ, "METCO_DATABASE_URL": database_url, "METCO_REDIS_URL": "redis://127.0.0.1:6379/0",
           "METCO_SECRET_KEY": "test-secret-key-" + "x" * 32, "METCO_LOG_LEVEL": "WARNING",
           "METCO_ARGON2_TIME_COST": "1", "METCO_ARGON2_MEMORY_COST_KIB": "64", "METCO_ARGON2_PARALLELISM": "1"}
    ports = [_free_port(), _free_port()]
    processes = [subprocess.Popen([metco, "serve", "--host", "127.0.0.1", "--port", str(p), "--no-worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        deadline = time.monotonic() + 30
        for url in urls:
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("metco serve did not start")
                time.sleep(0.2)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


async def test_a_reply_sent_through_one_process_reaches_a_customer_on_the_other(
        two_servers: tuple[str, str], client: httpx.AsyncClient) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=f"{first}/api/v1", timeout=30) as a, \
            httpx.AsyncClient(base_url=f"{second}/api/v1", timeout=30) as b:
        owner = await signup(a)
        store = await create_store(a, owner, name="Two Process Shop")
        opened = (await a.post(f"/storefront/{store['slug']}/conversations", json={
            "message": "Hello from process one", "email": "far@example.com"})).json()
        customer = await open_socket(first, opened["token"])
        staff = await open_socket(second, owner.token)
        await asyncio.sleep(0.3)  # both subscriptions are in place in Redis
        await b.post(f"/stores/{store['id']}/conversations/{opened['id']}/messages", headers=owner.headers,
                     json={"body": "Answered from process two"})
        got = await customer.next("message", timeout=10)
        assert got["message"]["body"] == "Answered from process two"
        await a.post(f"/storefront/{store['slug']}/conversations/{opened['id']}/messages",
                     headers={"X-Conversation-Token": opened["token"]}, json={"body": "Thanks!"})
        own = await staff.next("message", timeout=10)  # staff see their own reply too (other tabs)
        assert own["message"]["body"] == "Answered from process two"
        seen = await staff.next("message", timeout=10)
        assert (seen["message"]["author"], seen["message"]["body"]) == ("customer", "Thanks!")
        await customer.connection.close()
        await staff.connection.close()
