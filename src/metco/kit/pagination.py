"""Keyset (cursor) pagination: `?limit=&cursor=` in, `{items, next_cursor}` out."""

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from metco.kit.errors import InvalidInput

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100, description="Page size (default 20, at most 100).")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int = 1) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidInput("cursor", "is not a cursor this API gave out") from exc
    if not isinstance(values, list) or len(values) != size or not all(isinstance(v, str) for v in values):
        raise InvalidInput("cursor", "is not a cursor this API gave out")
    return values


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    key: InstrumentedAttribute[Any],
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by the unique, ordered column `key` (a uuid7 id follows creation order)."""
    if cursor is not None:
        (raw,) = decode_cursor(cursor)
        try:
            after = key.type.python_type(raw)
        except (ValueError, TypeError) as exc:
            raise InvalidInput("cursor", "is not a cursor this API gave out") from exc
        stmt = stmt.where(key < after if descending else key > after)
    stmt = stmt.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([getattr(rows[-1], key.key)])
