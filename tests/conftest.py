"""Test harness: every database test runs on SQLite and, where PostgreSQL answers, again on PostgreSQL.

Each backend is migrated once per session with `alembic upgrade head` (which tests the migrations), and
tables are emptied after every test, so concurrent tests with several connections see real commits."""

import os
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from metco.app import create_app
from metco.config import Settings
from metco.kit.migrate import upgrade
from metco.models import metadata

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def postgres_url() -> str | None:
    url = os.environ.get("METCO_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return DEFAULT_POSTGRES


def _backends() -> list[str]:
    chosen = os.environ.get("METCO_TEST_BACKENDS")
    if chosen:
        return chosen.split(",")
    return ["sqlite", "postgres"] if postgres_url() else ["sqlite"]


BACKENDS = _backends()


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def create_postgres_database(prefix: str = "metco_test") -> tuple[str, str]:
    """A new, empty database beside the configured one; returns (its URL, its name)."""
    base = postgres_url()
    assert base is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return base.rsplit("/", 1)[0] + f"/{name}", name


async def drop_postgres_database(name: str) -> None:
    base = postgres_url()
    assert base is not None
    admin = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "metco.db"
        url = f"sqlite+aiosqlite:///{path}"
        await upgrade(url)
        yield url
        return
    url, name = await create_postgres_database()
    await upgrade(url)
    yield url
    await drop_postgres_database(name)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "environment": "test",
        "secret_key": "test-secret-key-" + "x" * 32,
        "base_url": "http://test",
        "log_level": "WARNING",
        "run_worker": False,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 64,
        "argon2_parallelism": 1,
        "db_pool_size": 20,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
async def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    media = tmp_path_factory.mktemp("media")
    application = create_app(make_settings(database_url, media_dir=str(media)))
    yield application
    await application.state.db.dispose()


async def _empty_tables(application: FastAPI) -> None:
    db = application.state.db
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as http:
        yield http
    await _empty_tables(app)


@pytest.fixture
async def session(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[AsyncSession]:
    """A session on the same database for checks the API does not show.

    It begins DEFERRED on SQLite, so reading does not hold the write lock; call `rollback()` before a
    read that must see what the API committed since this session's last read."""
    engine = app.state.db.engine.execution_options(sqlite_begin="DEFERRED")
    async with async_sessionmaker(engine, expire_on_commit=False)() as db_session:
        yield db_session
        await db_session.rollback()


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"
