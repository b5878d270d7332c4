"""Categories, products and variants: the rules a catalog keeps, and the storefront's view of it."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import search
from metco.catalog.errors import HandleTaken, SkuTaken
from metco.catalog.models import Category, Product, ProductCategory, ProductImage, ProductVariant
from metco.catalog.repository import CategoryRepository, ProductRepository, VariantRepository
from metco.catalog.schemas import CategoryCreate, CategoryUpdate, ProductCreate, ProductUpdate, VariantIn, VariantUpdate
from metco.kit.errors import Conflict, InvalidInput
from metco.kit.pagination import decode_cursor, encode_cursor, paginate
from metco.kit.scope import StoreScope
from metco.kit.slugs import slugify, unique_slug


@dataclass(frozen=True)
class ProductView:
    product: Product
    variants: list[ProductVariant]
    images: list[ProductImage]
    category_ids: list[uuid.UUID]


# ---- categories ----

async def _category_handle(repo: CategoryRepository, name: str, wanted: str | None, current: Category | None) -> str:
    if wanted is not None:
        taken = await repo.by_handle(wanted)
        if taken is not None and taken is not current:
            raise HandleTaken(f"A category already uses '{wanted}'.")
        return wanted
    base = slugify(name, max_length=110) or "category"
    return unique_slug(base, await repo.handles_like(base), max_length=120)


async def _check_parent(repo: CategoryRepository, category: Category | None, parent_id: uuid.UUID | None) -> None:
    seen: set[uuid.UUID] = set()
    cursor = parent_id
    while cursor is not None:
        parent = await repo.get(cursor)
        if parent is None:
            raise InvalidInput("parent_id", "is not a category of this store")
        if category is not None and parent.id == category.id:
            raise InvalidInput("parent_id", "would put the category inside itself")
        if parent.id in seen:
            break
        seen.add(parent.id)
        cursor = parent.parent_id


async def create_category(session: AsyncSession, scope: StoreScope, *, data: CategoryCreate) -> Category:
    repo = CategoryRepository(session, scope.store_id)
    await _check_parent(repo, None, data.parent_id)
    category = repo.add(Category(name=data.name, handle=await _category_handle(repo, data.name, data.handle, None),
                                 parent_id=data.parent_id, description=data.description, position=data.position))
    await session.flush()
    return category


async def list_categories(session: AsyncSession, store_id: uuid.UUID) -> list[Category]:
    return await CategoryRepository(session, store_id).all()


async def get_category(session: AsyncSession, scope: StoreScope, category_id: uuid.UUID) -> Category:
    return await CategoryRepository(session, scope.store_id).get_or_404(category_id)


async def update_category(session: AsyncSession, scope: StoreScope, category_id: uuid.UUID, *,
                          data: CategoryUpdate) -> Category:
    repo = CategoryRepository(session, scope.store_id)
    category = await repo.get_or_404(category_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is None and "name" in changes:
        raise InvalidInput("name", "must not be null")
    if "parent_id" in changes:
        await _check_parent(repo, category, changes["parent_id"])
    if "handle" in changes and changes["handle"] is not None:
        changes["handle"] = await _category_handle(repo, category.name, changes["handle"], category)
    for field, value in changes.items():
        if field != "handle" or value is not None:
            setattr(category, field, value)
    await session.flush()
    if "name" in changes:
        await search.reindex_category(session, store_id=scope.store_id, category_id=category.id)
    return category


async def delete_category(session: AsyncSession, scope: StoreScope, category_id: uuid.UUID) -> None:
    category = await CategoryRepository(session, scope.store_id).get_or_404(category_id)
    products = list(await session.scalars(select(ProductCategory.product_id).where(
        ProductCategory.category_id == category.id)))
    await session.delete(category)
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=products)


# ---- products ----

def _option_key(options: list[dict[str, Any]], values: dict[str, str]) -> str:
    return "|".join(f"{o['name']}={values[o['name']]}" for o in options)


def _check_variant(options: list[dict[str, Any]], variant: VariantIn | VariantUpdate, field: str) -> dict[str, str]:
    values = variant.option_values or {}
    names = [o["name"] for o in options]
    if set(values) != set(names):
        expected = ", ".join(names) or "no options"
        raise InvalidInput(f"{field}.option_values", f"must name exactly the product's options ({expected})")
    for option in options:
        if values[option["name"]] not in option["values"]:
            raise InvalidInput(f"{field}.option_values", f"'{values[option['name']]}' is not a value of {option['name']}")
    if variant.price is not None and variant.compare_at_price is not None and variant.compare_at_price < variant.price:
        raise InvalidInput(f"{field}.compare_at_price", "must be at least the price")
    return {o["name"]: values[o["name"]] for o in options}


async def _product_handle(repo: ProductRepository, title: str, wanted: str | None, current: Product | None) -> str:
    if wanted is not None:
        taken = await repo.by_handle(wanted)
        if taken is not None and taken is not current:
            raise HandleTaken(f"A product already uses '{wanted}'.")
        return wanted
    base = slugify(title, max_length=240) or "product"
    return unique_slug(base, await repo.handles_like(base), max_length=255)


async def _check_categories(session: AsyncSession, store_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    found = await CategoryRepository(session, store_id).ids_in_store(ids)
    if set(ids) - found:
        raise InvalidInput("category_ids", "names a category that is not in this store")


def _new_variant(product: Product, options: list[dict[str, Any]], data: VariantIn, values: dict[str, str],
                 position: int) -> ProductVariant:
    title = " / ".join(values[o["name"]] for o in options) or "Default"
    return ProductVariant(store_id=product.store_id, product_id=product.id, sku=data.sku, title=title,
                          option_values=values, option_key=_option_key(options, values), price=data.price,
                          compare_at_price=data.compare_at_price, weight_grams=data.weight_grams,
                          position=position, low_stock_threshold=data.low_stock_threshold)


async def create_product(session: AsyncSession, scope: StoreScope, *, data: ProductCreate) -> ProductView:
    repo = ProductRepository(session, scope.store_id)
    options = [o.model_dump() for o in data.options]
    if len({o["name"].lower() for o in options}) != len(options):
        raise InvalidInput("options", "option names must be distinct")
    if not options and len(data.variants) > 1:
        raise InvalidInput("variants", "a product without options has exactly one variant")
    checked = [_check_variant(options, v, f"variants.{i}") for i, v in enumerate(data.variants)]
    keys = [_option_key(options, values) for values in checked]
    if len(set(keys)) != len(keys):
        raise InvalidInput("variants", "two variants have the same option values")
    skus = [v.sku for v in data.variants if v.sku]
    if len(set(skus)) != len(skus):
        raise InvalidInput("variants", "two variants have the same SKU")
    variants = VariantRepository(session, scope.store_id)
    for i, variant in enumerate(data.variants):
        if variant.sku and await variants.sku_taken(variant.sku):
            raise SkuTaken(f"SKU '{variant.sku}' is already used in this store.", field=f"variants.{i}.sku")
    await _check_categories(session, scope.store_id, data.category_ids)
    product = repo.add(Product(
        title=data.title, handle=await _product_handle(repo, data.title, data.handle, None),
        description=data.description, status=data.status, vendor=data.vendor, product_type=data.product_type,
        tags=data.tags, options=options))
    await session.flush()
    for i, (variant, values) in enumerate(zip(data.variants, checked, strict=True)):
        session.add(_new_variant(product, options, variant, values, i))
    await repo.set_categories(product.id, data.category_ids)
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[product.id])
    return await _view(session, product)


async def _view(session: AsyncSession, product: Product) -> ProductView:
    return (await _views(session, product.store_id, [product]))[0]


async def _views(session: AsyncSession, store_id: uuid.UUID, products: list[Product]) -> list[ProductView]:
    repo = ProductRepository(session, store_id)
    ids = [p.id for p in products]
    variants, images, categories = await repo.variants_of(ids), await repo.images_of(ids), await repo.categories_of(ids)
    return [ProductView(p, variants[p.id], images[p.id], categories[p.id]) for p in products]


async def list_products(
    session: AsyncSession, scope: StoreScope, *, q: str | None, status: str | None, category_id: uuid.UUID | None,
    limit: int, cursor: str | None,
) -> tuple[list[ProductView], str | None]:
    stmt = ProductRepository(session, scope.store_id).filtered(status=status, category_id=category_id)
    rows, next_cursor = await _page(session, scope.store_id, stmt, q=q, limit=limit, cursor=cursor)
    return await _views(session, scope.store_id, rows), next_cursor


SORTS = ("featured", "newest", "price_asc", "price_desc", "title")


async def _sorted_page(session: AsyncSession, stmt: Select[Any], *, sort: str, limit: int,
                       cursor: str | None) -> tuple[list[Product], str | None]:
    """A page ordered by price (the cheapest variant) or title, keyset-paged on (value, id)."""
    if sort == "title":
        value: Any = func.lower(Product.title)
    else:
        value = func.coalesce(select(func.min(ProductVariant.price)).where(ProductVariant.product_id == Product.id)
                              .correlate(Product).scalar_subquery(), 0)
    descending = sort == "price_desc"
    stmt = stmt.add_columns(value)
    if cursor is not None:
        last_value, last_id = decode_cursor(cursor, 2)
        try:
            after: Any = last_value if sort == "title" else int(last_value)
            after_id = uuid.UUID(last_id)
        except ValueError as exc:
            raise InvalidInput("cursor", "is not a cursor this API gave out") from exc
        beyond = value < after if descending else value > after
        stmt = stmt.where(or_(beyond, and_(value == after, Product.id > after_id)))
    rows = (await session.execute(stmt.order_by(value.desc() if descending else value.asc(), Product.id)
                                  .limit(limit + 1))).all()
    products = [row[0] for row in rows[:limit]]
    if len(rows) <= limit:
        return products, None
    return products, encode_cursor([str(rows[limit - 1][1]), rows[limit - 1][0].id])


async def _page(session: AsyncSession, store_id: uuid.UUID, stmt: Select[Any], *, q: str | None, limit: int,
                cursor: str | None, sort: str = "featured") -> tuple[list[Product], str | None]:
    """A page of `stmt`: by id, or with `q` by search rank (best first), keyset-paged on (rank, id); or in the
    order `sort` asks for (newest, price up or down, title)."""
    if sort in ("price_asc", "price_desc", "title"):
        if q:
            ranked_ids = search.ranked(session, store_id=store_id, q=q)
            if ranked_ids is None:
                return [], None
            stmt = stmt.where(Product.id.in_(select(ranked_ids.subquery().c.product_id)))
        return await _sorted_page(session, stmt, sort=sort, limit=limit, cursor=cursor)
    ranked = search.ranked(session, store_id=store_id, q=q) if q else None
    if ranked is None:
        if q:  # only punctuation: nothing can match
            return [], None
        return await paginate(session, stmt, key=Product.id, limit=limit, cursor=cursor, descending=sort == "newest")
    hits = ranked.subquery()
    score = cast(hits.c.score, Float(53))
    stmt = stmt.join(hits, hits.c.product_id == Product.id).add_columns(score)
    if cursor is not None:
        last_score, last_id = decode_cursor(cursor, 2)
        try:
            after, after_id = float(last_score), uuid.UUID(last_id)
        except ValueError as exc:
            raise InvalidInput("cursor", "is not a cursor this API gave out") from exc
        stmt = stmt.where(or_(score < after, and_(score == after, Product.id > after_id)))
    rows = (await session.execute(stmt.order_by(score.desc(), Product.id).limit(limit + 1))).all()
    products = [row[0] for row in rows[:limit]]
    if len(rows) <= limit:
        return products, None
    return products, encode_cursor([repr(rows[limit - 1][1]), rows[limit - 1][0].id])


async def get_product(session: AsyncSession, scope: StoreScope, product_id: uuid.UUID) -> ProductView:
    return await _view(session, await ProductRepository(session, scope.store_id).get_or_404(product_id))


async def update_product(session: AsyncSession, scope: StoreScope, product_id: uuid.UUID, *,
                         data: ProductUpdate) -> ProductView:
    repo = ProductRepository(session, scope.store_id)
    product = await repo.get_or_404(product_id)
    changes = data.model_dump(exclude_unset=True)
    for field in ("title", "status", "tags"):
        if field in changes and changes[field] is None:
            raise InvalidInput(field, "must not be null")
    if changes.get("handle") is not None:
        changes["handle"] = await _product_handle(repo, product.title, changes["handle"], product)
    if "category_ids" in changes:
        ids = changes.pop("category_ids") or []
        await _check_categories(session, scope.store_id, ids)
        await repo.set_categories(product.id, ids)
    for field, value in changes.items():
        if field != "handle" or value is not None:
            setattr(product, field, value)
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[product.id])
    return await _view(session, product)


async def set_options(session: AsyncSession, scope: StoreScope, product_id: uuid.UUID, *,
                      options: list[dict[str, Any]]) -> None:
    """Adds option values (an import brings new sizes); the option names themselves must not change."""
    product = await ProductRepository(session, scope.store_id).get_or_404(product_id)
    if [o["name"] for o in product.options] != [o["name"] for o in options]:
        raise InvalidInput("options", "the option names differ from the product's; change them in the dashboard")
    product.options = [{"name": old["name"], "values": list(dict.fromkeys([*old["values"], *new["values"]]))}
                       for old, new in zip(product.options, options, strict=True)]
    await session.flush()


async def delete_product(session: AsyncSession, scope: StoreScope, product_id: uuid.UUID) -> None:
    await session.delete(await ProductRepository(session, scope.store_id).get_or_404(product_id))
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[product_id])


async def add_variant(session: AsyncSession, scope: StoreScope, product_id: uuid.UUID, *, data: VariantIn) -> ProductView:
    product = await ProductRepository(session, scope.store_id).get_or_404(product_id)
    view = await _view(session, product)
    if not product.options:
        raise InvalidInput("option_values", "a product without options has exactly one variant; add options first")
    values = _check_variant(product.options, data, "body")
    key = _option_key(product.options, values)
    if any(v.option_key == key for v in view.variants):
        raise InvalidInput("option_values", "another variant has these option values")
    if data.sku and await VariantRepository(session, scope.store_id).sku_taken(data.sku):
        raise SkuTaken(f"SKU '{data.sku}' is already used in this store.")
    session.add(_new_variant(product, product.options, data, values, len(view.variants)))
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[product.id])
    return await _view(session, product)


async def update_variant(session: AsyncSession, scope: StoreScope, variant_id: uuid.UUID, *,
                         data: VariantUpdate) -> ProductVariant:
    repo = VariantRepository(session, scope.store_id)
    variant = await repo.get_or_404(variant_id)
    product = await ProductRepository(session, scope.store_id).get_or_404(variant.product_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("price", 0) is None:
        raise InvalidInput("price", "must not be null")
    merged = VariantUpdate(**({"option_values": variant.option_values, "price": variant.price,
                              "compare_at_price": variant.compare_at_price} | changes))
    values = _check_variant(product.options, merged, "body")
    if "sku" in changes and changes["sku"] and await repo.sku_taken(changes["sku"], other_than=variant.id):
        raise SkuTaken(f"SKU '{changes['sku']}' is already used in this store.")
    key = _option_key(product.options, values)
    siblings = (await ProductRepository(session, scope.store_id).variants_of([product.id]))[product.id]
    if any(v.option_key == key and v.id != variant.id for v in siblings):
        raise InvalidInput("option_values", "another variant has these option values")
    for field, value in changes.items():
        setattr(variant, field, value)
    variant.option_values, variant.option_key = values, key
    variant.title = " / ".join(values[o["name"]] for o in product.options) or "Default"
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[product.id])
    return variant


async def delete_variant(session: AsyncSession, scope: StoreScope, variant_id: uuid.UUID) -> None:
    repo = VariantRepository(session, scope.store_id)
    variant = await repo.get_or_404(variant_id)
    siblings = (await ProductRepository(session, scope.store_id).variants_of([variant.product_id]))[variant.product_id]
    if len(siblings) <= 1:
        raise Conflict("A product keeps at least one variant; archive or delete the product instead.")
    await session.delete(variant)
    await session.flush()
    await search.reindex(session, store_id=scope.store_id, product_ids=[variant.product_id])


# ---- storefront ----

async def active_products(
    session: AsyncSession, store_id: uuid.UUID, *, q: str | None, category_handle: str | None, limit: int,
    cursor: str | None, sort: str = "featured",
) -> tuple[list[ProductView], str | None]:
    category_id = None
    if category_handle:
        category = await CategoryRepository(session, store_id).by_handle(category_handle)
        if category is None:
            return [], None
        category_id = category.id
    stmt = ProductRepository(session, store_id).filtered(status="active", category_id=category_id)
    rows, next_cursor = await _page(session, store_id, stmt, q=q, limit=limit, cursor=cursor, sort=sort)
    return await _views(session, store_id, rows), next_cursor


async def active_product(session: AsyncSession, store_id: uuid.UUID, handle: str) -> ProductView | None:
    product = await ProductRepository(session, store_id).by_handle(handle)
    if product is None or product.status != "active":
        return None
    return await _view(session, product)
