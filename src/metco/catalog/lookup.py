"""Read-only catalog facts other domains need (checkout prices lines with them)."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog.models import Product, ProductCategory, ProductVariant


@dataclass(frozen=True)
class SellableVariant:
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_title: str
    product_handle: str
    variant_title: str
    sku: str | None
    price: int
    compare_at_price: int | None
    weight_grams: int | None
    product_status: str
    category_ids: frozenset[uuid.UUID]
    low_stock_threshold: int | None = None

    @property
    def for_sale(self) -> bool:
        return self.product_status == "active"


async def variants_for_sale(
    session: AsyncSession, *, store_id: uuid.UUID, variant_ids: list[uuid.UUID]
) -> dict[uuid.UUID, SellableVariant]:
    """The store's variants among `variant_ids`, with their product; ids of another store are absent."""
    if not variant_ids:
        return {}
    rows = (await session.execute(
        select(ProductVariant, Product)
        .join(Product, Product.id == ProductVariant.product_id)
        .where(ProductVariant.store_id == store_id, ProductVariant.id.in_(set(variant_ids)))
    )).all()
    product_ids = {p.id for _, p in rows}
    categories: dict[uuid.UUID, set[uuid.UUID]] = {pid: set() for pid in product_ids}
    if product_ids:
        links = await session.execute(
            select(ProductCategory.product_id, ProductCategory.category_id)
            .where(ProductCategory.product_id.in_(product_ids)))
        for product_id, category_id in links.all():
            categories[product_id].add(category_id)
    return {
        v.id: SellableVariant(
            variant_id=v.id, product_id=p.id, product_title=p.title, product_handle=p.handle,
            variant_title=v.title, sku=v.sku, price=v.price, compare_at_price=v.compare_at_price,
            weight_grams=v.weight_grams, product_status=p.status, category_ids=frozenset(categories[p.id]),
            low_stock_threshold=v.low_stock_threshold,
        )
        for v, p in rows
    }
