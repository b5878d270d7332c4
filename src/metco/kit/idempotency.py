"""Idempotency keys: a retried request with the same key and body gets the first answer, and nothing more
happens. The key is claimed in its own committed transaction before the work starts, so simultaneous
duplicates wait for the first answer instead of doing the work twice."""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, Database, IdMixin, JSONType
from metco.kit.errors import Conflict, InvalidInput, MetcoError

LEASE = timedelta(seconds=60)
WAIT_STEP_SECONDS = 0.05
MAX_WAIT_SECONDS = 30.0


class IdempotencyKey(IdMixin, Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress|completed
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    locked_until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


class KeyInProgress(Conflict):
    code = "IDEMPOTENCY_KEY_IN_USE"
    title = "A request with this key is still being processed"


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is not None and not 1 <= len(key) <= 255:
        raise InvalidInput("Idempotency-Key", "must be 1 to 255 characters")
    return key


async def _claim(db: Database, scope: str, key: str, print_: str) -> Answer | None:
    """Claims the key (None) or returns the answer a finished request with this key gave."""
    waited = 0.0
    while True:
        async with db.sessionmaker() as session:
            session.add(IdempotencyKey(scope=scope, key=key, fingerprint=print_, locked_until=utcnow() + LEASE))
            try:
                await session.commit()
                return None
            except IntegrityError:
                await session.rollback()
            row = (await session.scalars(
                select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))).first()
            if row is None:
                continue  # released between our insert and read: try again
            if row.fingerprint != print_:
                raise InvalidInput("Idempotency-Key", "was already used with a different request")
            if row.status == "completed":
                return Answer(row.response_status or 200, row.response_body or {})
            if row.locked_until < utcnow():  # the first request died: take its lease over
                taken = await session.execute(
                    update(IdempotencyKey)
                    .where(IdempotencyKey.id == row.id, IdempotencyKey.locked_until == row.locked_until)
                    .values(locked_until=utcnow() + LEASE))
                await session.commit()
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    return None
        if waited >= MAX_WAIT_SECONDS:
            raise KeyInProgress("Another request with this Idempotency-Key is still running; retry shortly.")
        await asyncio.sleep(WAIT_STEP_SECONDS)
        waited += WAIT_STEP_SECONDS


async def _finish(db: Database, scope: str, key: str, answer: Answer) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
            .values(status="completed", response_status=answer.status, response_body=answer.body))
        await session.commit()


async def _release(db: Database, scope: str, key: str) -> None:
    async with db.sessionmaker() as session:
        await session.execute(delete(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))
        await session.commit()


async def run_once(
    db: Database,
    *,
    scope: str,
    key: str | None,
    request: Any,
    operation: Callable[[], Awaitable[Answer]],
    error_answer: Callable[[MetcoError], Answer],
) -> Answer:
    """Runs `operation` once per (scope, key). Expected failures (MetcoError) are answers too and are kept;
    an unexpected crash releases the key so that a retry can run."""
    if key is None:
        return await operation()
    print_ = fingerprint(request)
    earlier = await _claim(db, scope, key, print_)
    if earlier is not None:
        return earlier
    try:
        answer = await operation()
    except MetcoError as exc:
        answer = error_answer(exc)
    except BaseException:
        await _release(db, scope, key)
        raise
    await _finish(db, scope, key, answer)
    return answer


async def claim_in(session: AsyncSession, *, scope: str, key: str | None, request: Any) -> Answer | None:
    """Idempotency inside one request transaction, for work that needs no provider step of its own: the key
    row is written with the work and commits with it. A simultaneous duplicate waits on the key's unique
    index until the first commits, then gets the first answer; the same key with another body is 422."""
    if key is None:
        return None
    print_ = fingerprint(request)
    try:
        async with session.begin_nested():
            session.add(IdempotencyKey(scope=scope, key=key, fingerprint=print_, locked_until=utcnow() + LEASE))
            await session.flush()
        return None
    except IntegrityError:
        row = (await session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))).one()
        if row.fingerprint != print_:
            raise InvalidInput("Idempotency-Key", "was already used with a different request") from None
        return Answer(row.response_status or 200, row.response_body or {})


async def complete_in(session: AsyncSession, *, scope: str, key: str | None, answer: Answer) -> None:
    if key is None:
        return
    await session.execute(update(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
                          .values(status="completed", response_status=answer.status, response_body=answer.body))
