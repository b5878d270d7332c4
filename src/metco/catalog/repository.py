"""Every SQL statement of the catalog module."""

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Select, delete, exists, select

from metco.catalog.models import Category, Product, ProductCategory, ProductImage, ProductVariant
from metco.kit.repository import StoreRepository


class CategoryRepository(StoreRepository[Category]):
    model = Category
    not_found = "No such category in this store."

    async def by_handle(self, handle: str) -> Category | None:
        return (await self.session.scalars(self.select().where(Category.handle == handle))).first()

    async def handles_like(self, base: str) -> set[str]:
        stmt = select(Category.handle).where(Category.store_id == self.store_id,
                                             (Category.handle == base) | Category.handle.like(f"{base}-%"))
        return set(await self.session.scalars(stmt))

    async def all(self) -> list[Category]:
        return list((await self.session.scalars(self.select().order_by(Category.position, Category.id))).all())

    async def ids_in_store(self, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        return set(await self.session.scalars(select(Category.id).where(
            Category.store_id == self.store_id, Category.id.in_(set(ids)))))


class ProductRepository(StoreRepository[Product]):
    model = Product
    not_found = "No such product in this store."

    async def by_handle(self, handle: str) -> Product | None:
        return (await self.session.scalars(self.select().where(Product.handle == handle))).first()

    async def handles_like(self, base: str) -> set[str]:
        stmt = select(Product.handle).where(Product.store_id == self.store_id,
                                            (Product.handle == base) | Product.handle.like(f"{base}-%"))
        return set(await self.session.scalars(stmt))

    def filtered(self, *, status: str | None, category_id: uuid.UUID | None) -> Select[Any]:
        stmt = self.select()
        if status is not None:
            stmt = stmt.where(Product.status == status)
        if category_id is not None:
            stmt = stmt.where(exists().where(ProductCategory.product_id == Product.id,
                                             ProductCategory.category_id == category_id))
        return stmt

    async def variants_of(self, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ProductVariant]]:
        found: dict[uuid.UUID, list[ProductVariant]] = defaultdict(list)
        if product_ids:
            stmt = (select(ProductVariant).where(ProductVariant.store_id == self.store_id,
                                                 ProductVariant.product_id.in_(product_ids))
                    .order_by(ProductVariant.position, ProductVariant.id))
            for variant in await self.session.scalars(stmt):
                found[variant.product_id].append(variant)
        return found

    async def images_of(self, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ProductImage]]:
        found: dict[uuid.UUID, list[ProductImage]] = defaultdict(list)
        if product_ids:
            stmt = (select(ProductImage).where(ProductImage.store_id == self.store_id,
                                               ProductImage.product_id.in_(product_ids))
                    .order_by(ProductImage.position, ProductImage.id))
            for image in await self.session.scalars(stmt):
                found[image.product_id].append(image)
        return found

    async def categories_of(self, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        if product_ids:
            stmt = select(ProductCategory.product_id, ProductCategory.category_id).where(
                ProductCategory.product_id.in_(product_ids)).order_by(ProductCategory.category_id)
            for product_id, category_id in (await self.session.execute(stmt)).all():
                found[product_id].append(category_id)
        return found

    async def set_categories(self, product_id: uuid.UUID, category_ids: list[uuid.UUID]) -> None:
        await self.session.execute(delete(ProductCategory).where(ProductCategory.product_id == product_id))
        for category_id in dict.fromkeys(category_ids):
            self.session.add(ProductCategory(product_id=product_id, category_id=category_id))
        await self.session.flush()


class VariantRepository(StoreRepository[ProductVariant]):
    model = ProductVariant
    not_found = "No such variant in this store."

    async def sku_taken(self, sku: str, *, other_than: uuid.UUID | None = None) -> bool:
        stmt = self.select().where(ProductVariant.sku == sku)
        if other_than is not None:
            stmt = stmt.where(ProductVariant.id != other_than)
        return (await self.session.scalars(stmt)).first() is not None
