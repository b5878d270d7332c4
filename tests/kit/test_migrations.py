"""Migrations: empty to head on both databases, down and up again, and no drift from the models."""

from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from metco.kit.db import create_engine
from metco.kit.migrate import alembic_config, include_name, upgrade
from metco.models import metadata
from tests.conftest import create_postgres_database, drop_postgres_database


@pytest.fixture
async def fresh_url(backend: str, tmp_path: object) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
        return
    url, name = await create_postgres_database("metco_migrations")
    yield url
    await drop_postgres_database(name)


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    return list(compare_metadata(context, metadata))


async def test_migrations_reach_head_twice_and_match_the_models(fresh_url: str) -> None:
    await upgrade(fresh_url)
    await upgrade(fresh_url)  # idempotent
    engine = create_engine(fresh_url, pool_size=1)
    async with engine.connect() as connection:
        diff = await connection.run_sync(_diff)
    await engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_migrations_go_down_to_empty_and_up_again(fresh_url: str) -> None:
    await upgrade(fresh_url)
    engine = create_engine(fresh_url, pool_size=1, foreign_keys=False)

    def down_and_up(connection: Connection) -> None:
        config = alembic_config(fresh_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(down_and_up)
    await engine.dispose()
