"""Runs the Alembic migrations in `metco/migrations` from code (the CLI and the tests)."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from metco.kit.db import create_engine, is_sqlite

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leaves the product search index (FTS5 / tsvector, made by hand in 0002) out of autogenerate."""
    return not (type_ == "table" and (name or "").startswith("product_search"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    if connection.dialect.name == "sqlite":
        broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")


async def upgrade(url: str, revision: str = "head") -> None:
    """Brings the database at `url` to `revision`; running it again changes nothing."""
    engine = create_engine(url, pool_size=1, foreign_keys=not is_sqlite(url))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, alembic_config(url), revision)
    finally:
        await engine.dispose()
