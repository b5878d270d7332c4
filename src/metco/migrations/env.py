"""Alembic environment: runs on the connection handed in by `metco.kit.migrate`, or its own engine."""

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection

from metco.kit.db import UTCDateTime, create_engine
from metco.kit.migrate import include_name
from metco.models import metadata

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell plain SQLAlchemy types, so they never break when app code moves.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", pool_size=1, foreign_keys=False)
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


given = config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_with_own_engine())
