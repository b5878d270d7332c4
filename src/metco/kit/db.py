"""Declarative base, column types that behave the same on SQLite and PostgreSQL, and the engine."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, TypeDecorator, Uuid, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from metco.kit.clock import utcnow
from metco.kit.ids import uuid7

if TYPE_CHECKING:
    from metco.config import Settings

# Stable constraint names keep Alembic's autogenerate diffs quiet and make batch mode on SQLite work.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid(), dict[str, Any]: JSONType}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StoreScoped:
    """A row that belongs to exactly one store; read it only through `kit.repository.StoreRepository`."""

    @declared_attr
    def store_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An engine for `url`. Migrations pass `foreign_keys=False` on SQLite: rebuilding a table in batch
    mode would otherwise cascade deletes into its children."""
    if not is_sqlite(url):
        return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, echo=echo)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        fk = "ON" if foreign_keys else "OFF"
        for pragma in ("journal_mode=WAL", f"foreign_keys={fk}", "busy_timeout=30000", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    # SQLite has one writer at a time. A transaction starts IMMEDIATE so that two writers queue on the
    # busy timeout instead of failing on a lock upgrade; read-only requests ask for DEFERRED.
    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """The engine and session factory of one process."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False, settings: Any = None) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size, echo=echo)
        # The settings ride along on every session (session.info), for code far from a request, such as a
        # payment adapter that needs the secret key during a job.
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, info={"settings": settings})

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def settings_of(session: AsyncSession) -> "Settings":
    """The settings of the process that opened this session (see Database)."""
    from metco.config import Settings, get_settings

    settings = session.info.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()
