"""The JSON API of the catalog: the store's admin side, and the public storefront reads."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import PlainTextResponse

from metco.catalog import csv_io, images, service
from metco.catalog.ports import MediaStorage
from metco.catalog.sanitize import safe_html
from metco.catalog.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    ImageRead,
    ImportReportRead,
    OptionIn,
    ProductCreate,
    ProductRead,
    ProductUpdate,
    PublicProduct,
    PublicStore,
    PublicVariant,
    Status,
    VariantIn,
    VariantRead,
    VariantUpdate,
)
from metco.inventory import service as inventory_service
from metco.kit.auth import Member, require
from metco.kit.deps import SessionDep, SettingsDep
from metco.kit.errors import InvalidInput, NotFound
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.stores import service as stores_service

router = APIRouter(tags=["catalog"])
storefront_router = APIRouter(prefix="/storefront/{slug}", tags=["storefront"])

EditProducts = Annotated[StoreScope, Depends(require("edit_products"))]
CSV_MAX_BYTES = 20 * 1024 * 1024
Search = Annotated[str | None, Query(max_length=200, description="Words in title, description, SKU or category.")]


def _images(view: service.ProductView) -> list[ImageRead]:
    out = []
    for image in view.images:
        display = image.renditions.get("display") or image.renditions.get("original") or {}
        thumb = image.renditions.get("thumbnail") or {}
        out.append(ImageRead(id=image.id, url=display.get("url", ""), width=display.get("width", image.width),
                             height=display.get("height", image.height), alt=image.alt,
                             thumbnail_url=thumb.get("url")))
    return out


def product_read(view: service.ProductView) -> ProductRead:
    p = view.product
    return ProductRead(
        id=p.id, title=p.title, handle=p.handle, description=p.description, status=p.status, vendor=p.vendor,
        product_type=p.product_type, tags=p.tags, category_ids=view.category_ids,
        options=[OptionIn(**o) for o in p.options], variants=[VariantRead.model_validate(v) for v in view.variants],
        images=_images(view), created_at=p.created_at, updated_at=p.updated_at)


@router.post("/stores/{store_id}/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryRead)
async def create_category(body: CategoryCreate, scope: EditProducts, session: SessionDep) -> CategoryRead:
    return CategoryRead.model_validate(await service.create_category(session, scope, data=body))


@router.get("/stores/{store_id}/categories", response_model=list[CategoryRead])
async def list_categories(scope: Member, session: SessionDep) -> list[CategoryRead]:
    return [CategoryRead.model_validate(c) for c in await service.list_categories(session, scope.store_id)]


@router.get("/stores/{store_id}/categories/{category_id}", response_model=CategoryRead)
async def get_category(category_id: uuid.UUID, scope: Member, session: SessionDep) -> CategoryRead:
    return CategoryRead.model_validate(await service.get_category(session, scope, category_id))


@router.patch("/stores/{store_id}/categories/{category_id}", response_model=CategoryRead)
async def update_category(category_id: uuid.UUID, body: CategoryUpdate, scope: EditProducts,
                          session: SessionDep) -> CategoryRead:
    return CategoryRead.model_validate(await service.update_category(session, scope, category_id, data=body))


@router.delete("/stores/{store_id}/categories/{category_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_category(category_id: uuid.UUID, scope: EditProducts, session: SessionDep) -> Response:
    await service.delete_category(session, scope, category_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/stores/{store_id}/products", status_code=status.HTTP_201_CREATED, response_model=ProductRead)
async def create_product(body: ProductCreate, scope: EditProducts, session: SessionDep) -> ProductRead:
    return product_read(await service.create_product(session, scope, data=body))


@router.get("/stores/{store_id}/products", response_model=Page[ProductRead])
async def list_products(scope: Member, session: SessionDep, q: Search = None, status: Status | None = None,
                        category_id: uuid.UUID | None = None, limit: Limit = 20, cursor: Cursor = None) -> Page[ProductRead]:
    views, next_cursor = await service.list_products(session, scope, q=q, status=status, category_id=category_id,
                                                     limit=limit, cursor=cursor)
    return Page(items=[product_read(v) for v in views], next_cursor=next_cursor)


@router.post("/stores/{store_id}/products/import", response_model=ImportReportRead)
async def import_products(scope: EditProducts, session: SessionDep,
                          file: Annotated[UploadFile, File(description="A product CSV in Shopify's format.")]
                          ) -> ImportReportRead:
    raw = await file.read(CSV_MAX_BYTES + 1)
    if len(raw) > CSV_MAX_BYTES:
        raise InvalidInput("file", "is larger than 20 MB; split it")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", "is not UTF-8 text") from exc
    store = await stores_service.get_store(session, scope)
    report = await csv_io.import_csv(session, scope, text=text, currency=store.currency)
    return ImportReportRead.model_validate(report, from_attributes=True)


@router.get("/stores/{store_id}/products/export", response_class=PlainTextResponse,
            responses={200: {"content": {"text/csv": {}}}})
async def export_products(scope: Member, session: SessionDep, settings: SettingsDep) -> PlainTextResponse:
    store = await stores_service.get_store(session, scope)
    text = await csv_io.export_csv(session, scope, currency=store.currency, base_url=settings.base_url)
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{store.slug}-products.csv"'})


@router.get("/stores/{store_id}/products/{product_id}", response_model=ProductRead)
async def get_product(product_id: uuid.UUID, scope: Member, session: SessionDep) -> ProductRead:
    return product_read(await service.get_product(session, scope, product_id))


@router.patch("/stores/{store_id}/products/{product_id}", response_model=ProductRead)
async def update_product(product_id: uuid.UUID, body: ProductUpdate, scope: EditProducts,
                         session: SessionDep) -> ProductRead:
    return product_read(await service.update_product(session, scope, product_id, data=body))


@router.delete("/stores/{store_id}/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(product_id: uuid.UUID, scope: EditProducts, session: SessionDep) -> Response:
    await service.delete_product(session, scope, product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _storage(request: Request) -> MediaStorage:
    storage: MediaStorage = request.app.state.media
    return storage


Storage = Annotated[MediaStorage, Depends(_storage)]


@router.post("/stores/{store_id}/products/{product_id}/images", status_code=status.HTTP_201_CREATED,
             response_model=ImageRead)
async def add_image(product_id: uuid.UUID, scope: EditProducts, session: SessionDep, storage: Storage,
                    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP image up to 10 MB.")],
                    alt: Annotated[str | None, Form(max_length=500)] = None) -> ImageRead:
    data = await file.read(images.MAX_BYTES + 1)
    image = await images.add_image(session, storage, scope, product_id, data=data, alt=alt)
    display, thumb = image.renditions["display"], image.renditions["thumbnail"]
    return ImageRead(id=image.id, url=display["url"], width=display["width"], height=display["height"],
                     alt=image.alt, thumbnail_url=thumb["url"])


@router.delete("/stores/{store_id}/products/{product_id}/images/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_image(product_id: uuid.UUID, image_id: uuid.UUID, scope: EditProducts, session: SessionDep,
                       storage: Storage) -> Response:
    await images.remove_image(session, storage, scope, product_id, image_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/stores/{store_id}/products/{product_id}/variants", status_code=status.HTTP_201_CREATED,
             response_model=ProductRead)
async def add_variant(product_id: uuid.UUID, body: VariantIn, scope: EditProducts, session: SessionDep) -> ProductRead:
    return product_read(await service.add_variant(session, scope, product_id, data=body))


@router.patch("/stores/{store_id}/variants/{variant_id}", response_model=VariantRead)
async def update_variant(variant_id: uuid.UUID, body: VariantUpdate, scope: EditProducts,
                         session: SessionDep) -> VariantRead:
    return VariantRead.model_validate(await service.update_variant(session, scope, variant_id, data=body))


@router.delete("/stores/{store_id}/variants/{variant_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_variant(variant_id: uuid.UUID, scope: EditProducts, session: SessionDep) -> Response:
    await service.delete_variant(session, scope, variant_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _public(session: SessionDep, views: list[service.ProductView], currency: str) -> list[PublicProduct]:
    variant_ids = [v.id for view in views for v in view.variants]
    store_id = views[0].product.store_id if views else None
    available = await inventory_service.available_variants(session, store_id=store_id, variant_ids=variant_ids) \
        if store_id else set()
    out = []
    for view in views:
        p = view.product
        prices = [v.price for v in view.variants] or [0]
        variants = [PublicVariant(id=v.id, sku=v.sku, title=v.title, option_values=v.option_values, price=v.price,
                                  compare_at_price=v.compare_at_price, available=v.id in available)
                    for v in view.variants]
        out.append(PublicProduct(
            id=p.id, title=p.title, handle=p.handle, description_html=safe_html(p.description), vendor=p.vendor,
            product_type=p.product_type, tags=p.tags, options=[OptionIn(**o) for o in p.options], variants=variants,
            images=_images(view), price_min=min(prices), price_max=max(prices),
            available=any(v.available for v in variants), currency=currency))
    return out


@storefront_router.get("", response_model=PublicStore)
async def public_store(slug: str, session: SessionDep) -> PublicStore:
    store = await stores_service.get_store_by_slug(session, slug)
    return PublicStore(name=store.name, slug=store.slug, currency=store.currency, country=store.country,
                       logo_url=store.logo_url, brand_color=store.brand_color, accent_color=store.accent_color)


@storefront_router.get("/products", response_model=Page[PublicProduct])
async def public_products(slug: str, session: SessionDep, q: Search = None,
                          category: Annotated[str | None, Query(max_length=120)] = None, limit: Limit = 20,
                          cursor: Cursor = None,
                          sort: Annotated[Literal["featured", "newest", "price_asc", "price_desc", "title"], Query(
                              description="featured: by relevance with q, else oldest first")] = "featured",
                          ) -> Page[PublicProduct]:
    store = await stores_service.get_store_by_slug(session, slug)
    views, next_cursor = await service.active_products(session, store.id, q=q, category_handle=category,
                                                       limit=limit, cursor=cursor, sort=sort)
    return Page(items=await _public(session, views, store.currency), next_cursor=next_cursor)


@storefront_router.get("/products/{handle}", response_model=PublicProduct)
async def public_product(slug: str, handle: str, session: SessionDep) -> PublicProduct:
    store = await stores_service.get_store_by_slug(session, slug)
    view = await service.active_product(session, store.id, handle)
    if view is None:
        raise NotFound("No such product in this store.")
    return (await _public(session, [view], store.currency))[0]


@storefront_router.get("/categories", response_model=list[CategoryRead])
async def public_categories(slug: str, session: SessionDep) -> list[CategoryRead]:
    store = await stores_service.get_store_by_slug(session, slug)
    return [CategoryRead.model_validate(c) for c in await service.list_categories(session, store.id)]
