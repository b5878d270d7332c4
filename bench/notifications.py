"""Notification delivery on PostgreSQL: emails delivered per second through the outbox to a local SMTP server
(aiosmtpd), with 1 and with 4 `metco worker` processes. Skipped without PostgreSQL.

Each run queues N rendered order confirmations (a notification row and its outbox delivery event each, as
the planner writes them), starts the workers, and times until every one is sent and the server has them all."""

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from metco.config import Settings
from metco.kit.db import Database
from metco.kit.migrate import upgrade
from metco.kit.outbox import publish
from metco.notifications.messages import DeliverNotification
from metco.notifications.models import Notification
from metco.notifications.rendering import render
from metco.notifications.samples import sample_context
from metco.stores.models import Store

EMAILS = int(os.environ.get("METCO_BENCH_EMAILS", "2000"))


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received += 1
        return "250 OK"


async def _queue(db: Database, count: int) -> None:
    rendered = render("order_confirmed", "email", {**sample_context("order_confirmed"), "unsubscribe_url": None})
    async with db.sessionmaker() as session:
        store = Store(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}", currency="USD", country="US")
        session.add(store)
        await session.flush()
        for i in range(count):
            row = Notification(store_id=store.id, event="order_confirmed", channel="email",
                               recipient=f"shopper{i}@example.com", audience="customer", subject=rendered.subject,
                               body_text=rendered.text, body_html=rendered.html, data={}, transactional=True,
                               status="queued", source=f"bench:{uuid.uuid4()}")
            session.add(row)
            await session.flush()
            await publish(session, DeliverNotification(notification_id=row.id), store_id=store.id)
        await session.commit()


async def _sent(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Notification)
                                        .where(Notification.status == "sent")) or 0)


async def measure(url: str, workers: int, smtp_port: int, counter: Counter) -> float:
    db = Database(url, pool_size=2)
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql("TRUNCATE notifications, outbox_events, stores CASCADE")
    await _queue(db, EMAILS)
    counter.received = 0
    env = {**os.environ, "METCO_DATABASE_URL": url, "METCO_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
           "METCO_LOG_LEVEL": "WARNING", "METCO_WORKER_POLL_SECONDS": "0.05", "METCO_WORKER_BATCH_SIZE": "100",
           "METCO_DB_POOL_SIZE": "4"}
    metco = str(Path(sys.executable).parent / "metco")
    started = time.perf_counter()
    procs = [subprocess.Popen([metco, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: ASYNC220
             for _ in range(workers)]
    try:
        while await _sent(db) < EMAILS:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(procs[0].stderr.read().decode() if procs[0].stderr else "a worker died")
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        await db.dispose()
    assert counter.received >= EMAILS, (counter.received, EMAILS)
    return EMAILS / elapsed


async def run(url: str) -> None:
    await upgrade(url)
    Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        print(f"{'measure':<56} {'value':>10}")
        for workers in (1, 4):
            rate = await measure(url, workers, port, counter)
            print(f"{f'emails delivered per second, {workers} worker(s), {EMAILS} emails':<56} {rate:>10.1f}")
    finally:
        controller.stop()


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
