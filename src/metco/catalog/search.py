"""Ranked product search: SQLite FTS5 on the embedded default, PostgreSQL full-text search (tsvector with
a GIN index) in production. The index holds one document per product (title weighted above the rest:
description, vendor, type, tags, SKUs, category names) and is rewritten in the same transaction as any
change to those. Its tables live outside the ORM metadata (created in migration 0002)."""

import re
import uuid
from typing import Any

from sqlalchemy import Select, bindparam, column, delete, func, literal_column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog.models import Category, Product, ProductCategory, ProductVariant
from metco.catalog.sanitize import safe_html

SEARCH_TABLES_PREFIX = "product_search"
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")


_index = table("product_search", column("product_id"), column("store_id"), column("title"), column("body"))


def words(q: str, *, limit: int | None = 10) -> list[str]:
    found = [w.lower() for w in _WORD.findall(q)]
    return found if limit is None else found[:limit]


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _key(session: AsyncSession, value: uuid.UUID) -> Any:
    return value.hex if _is_sqlite(session) else value


async def reindex(session: AsyncSession, *, store_id: uuid.UUID, product_ids: list[uuid.UUID]) -> None:
    if not product_ids:
        return
    await session.execute(delete(_index).where(_index.c.product_id.in_([_key(session, p) for p in product_ids])))
    products = list(await session.scalars(select(Product).where(Product.store_id == store_id,
                                                                Product.id.in_(product_ids))))
    if not products:
        return
    ids = [p.id for p in products]
    skus: dict[uuid.UUID, list[str]] = {}
    for product_id, sku in (await session.execute(select(ProductVariant.product_id, ProductVariant.sku).where(
            ProductVariant.product_id.in_(ids), ProductVariant.sku.is_not(None)))).all():
        skus.setdefault(product_id, []).append(str(sku))
    names: dict[uuid.UUID, list[str]] = {}
    for product_id, name in (await session.execute(
            select(ProductCategory.product_id, Category.name).join(Category, Category.id == ProductCategory.category_id)
            .where(ProductCategory.product_id.in_(ids)))).all():
        names.setdefault(product_id, []).append(name)
    rows = []
    for p in products:
        description = _TAG.sub(" ", safe_html(p.description))
        body = " ".join([description, p.vendor or "", p.product_type or "", " ".join(p.tags),
                         " ".join(skus.get(p.id, [])), " ".join(names.get(p.id, []))])
        # Plain words only: PostgreSQL's parser would read "MUG-1" as "mug" and the number "-1".
        rows.append({"product_id": _key(session, p.id), "store_id": _key(session, store_id),
                     "title": " ".join(words(p.title, limit=None)), "body": " ".join(words(body, limit=None))})
    await session.execute(_index.insert(), rows)


async def reindex_category(session: AsyncSession, *, store_id: uuid.UUID, category_id: uuid.UUID) -> None:
    ids = list(await session.scalars(select(ProductCategory.product_id).where(ProductCategory.category_id == category_id)))
    await reindex(session, store_id=store_id, product_ids=ids)


def ranked(session: AsyncSession, *, store_id: uuid.UUID, q: str) -> Select[Any] | None:
    """(product_id, score) for the store's products matching every word of `q`; a higher score is better."""
    terms = words(q)
    if not terms:
        return None
    if _is_sqlite(session):
        match = " ".join(f'"{t}"*' for t in terms)
        score = (-func.bm25(literal_column("product_search"), 0.0, 0.0, 10.0, 1.0)).label("score")
        return (select(_index.c.product_id, score)
                .where(text("product_search MATCH :match").bindparams(bindparam("match", match)),
                       _index.c.store_id == store_id.hex))
    query = func.to_tsquery("simple", " & ".join(f"{t}:*" for t in terms))
    document: Any = literal_column("product_search.document")
    score = func.ts_rank(document, query).label("score")
    return select(_index.c.product_id, score).where(document.op("@@")(query), _index.c.store_id == store_id)
