"""Product CSV in Shopify's format, so a merchant can move a catalog over from Shopify and back.

Rows are grouped by Handle: the first row of a handle carries the product (Title, Body, Vendor, Type,
Tags, Published, Status, option names), every row carries one variant. Prices are decimal text in the
store's currency. Importing matches products by handle (update) and variants by option values; every
product is imported in its own savepoint, so a bad row is reported and the good ones stay."""

import csv
import io
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import service
from metco.catalog.repository import ProductRepository
from metco.catalog.schemas import OptionIn, ProductCreate, ProductUpdate, VariantIn, VariantUpdate
from metco.inventory import service as inventory_service
from metco.kit.errors import InvalidInput, MetcoError
from metco.kit.money import parse_amount, to_decimal_text
from metco.kit.scope import StoreScope

COLUMNS = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name", "Option1 Value",
           "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU", "Variant Price",
           "Variant Compare At Price", "Variant Inventory Qty", "Variant Grams", "Image Src", "Status"]
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    errors: list[dict[str, Any]]


async def export_csv(session: AsyncSession, scope: StoreScope, *, currency: str, base_url: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    cursor: str | None = None
    while True:
        views, cursor = await service.list_products(session, scope, q=None, status=None, category_id=None,
                                                    limit=100, cursor=cursor)
        stock = await inventory_service.on_hand_totals(
            session, store_id=scope.store_id, variant_ids=[v.id for view in views for v in view.variants])
        for view in views:
            for row in _rows(view, currency=currency, base_url=base_url, stock=stock):
                writer.writerow(row)
        if cursor is None:
            return out.getvalue()


def _rows(view: service.ProductView, *, currency: str, base_url: str, stock: dict[uuid.UUID, int]) -> list[dict[str, str]]:
    p = view.product
    rows = []
    for i, variant in enumerate(view.variants):
        row = dict.fromkeys(COLUMNS, "")
        row["Handle"] = p.handle
        for n, option in enumerate(p.options, start=1):
            row[f"Option{n} Value"] = variant.option_values.get(option["name"], "")
        row.update({
            "Variant SKU": variant.sku or "", "Variant Price": to_decimal_text(variant.price, currency),
            "Variant Compare At Price": "" if variant.compare_at_price is None
            else to_decimal_text(variant.compare_at_price, currency),
            "Variant Inventory Qty": str(stock.get(variant.id, 0)),
            "Variant Grams": "" if variant.weight_grams is None else str(variant.weight_grams),
        })
        if i == 0:
            row.update({"Title": p.title, "Body (HTML)": p.description or "", "Vendor": p.vendor or "",
                        "Type": p.product_type or "", "Tags": ", ".join(p.tags),
                        "Published": "TRUE" if p.status == "active" else "FALSE", "Status": p.status})
            for n, option in enumerate(p.options, start=1):
                row[f"Option{n} Name"] = option["name"]
            if view.images:
                row["Image Src"] = base_url + view.images[0].renditions["original"]["url"]
        rows.append(row)
    return rows


def _groups(text: str) -> list[list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"Handle", "Variant Price"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput("file", f"is missing the column(s) {', '.join(sorted(missing))}")
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if number - 1 > MAX_ROWS:
            raise InvalidInput("file", f"has more than {MAX_ROWS} rows; split it")
        cleaned = {k: (v or "").strip() for k, v in row.items() if k}
        groups.setdefault(cleaned.get("Handle", "").lower(), []).append((number, cleaned))
    return list(groups.values())


def _product_fields(first: dict[str, str]) -> dict[str, Any]:
    status = first.get("Status", "").lower() or ("active" if first.get("Published", "").upper() == "TRUE" else "draft")
    tags = [t.strip() for t in first.get("Tags", "").split(",") if t.strip()]
    return {"title": first.get("Title", ""), "description": first.get("Body (HTML)") or None,
            "vendor": first.get("Vendor") or None, "product_type": first.get("Type") or None, "tags": tags,
            "status": status}


def _variant(row: dict[str, str], names: list[str], currency: str) -> tuple[dict[str, Any], int | None]:
    values = {name: row.get(f"Option{n} Value", "") for n, name in enumerate(names, start=1)}
    try:
        fields: dict[str, Any] = {"sku": row.get("Variant SKU") or None, "option_values": values,
                                  "price": parse_amount(row.get("Variant Price") or "", currency)}
        if row.get("Variant Compare At Price"):
            fields["compare_at_price"] = parse_amount(row["Variant Compare At Price"], currency)
        if row.get("Variant Grams"):
            fields["weight_grams"] = int(row["Variant Grams"])
        quantity = int(row["Variant Inventory Qty"]) if row.get("Variant Inventory Qty") else None
    except ValueError as exc:
        raise InvalidInput("row", str(exc)) from exc
    return fields, quantity


async def import_csv(session: AsyncSession, scope: StoreScope, *, text: str, currency: str) -> ImportReport:
    created = updated = 0
    errors: list[dict[str, Any]] = []
    for group in _groups(text):
        _first_number, first = group[0]
        if not first.get("Handle"):
            errors.extend({"row": n, "message": "Handle is empty"} for n, _ in group)
            continue
        names = [first[f"Option{n} Name"] for n in (1, 2, 3) if first.get(f"Option{n} Name")]
        good: list[tuple[int, dict[str, Any], int | None]] = []
        for number, row in group:
            try:
                fields, quantity = _variant(row, names, currency)
                good.append((number, fields, quantity))
            except MetcoError as exc:
                errors.append({"row": number, "message": exc.detail.removeprefix("row: ")})
        if not good:
            continue
        try:
            async with session.begin_nested():
                was_new = await _upsert(session, scope, first, names, good)
            created, updated = (created + 1, updated) if was_new else (created, updated + 1)
        except (MetcoError, ValidationError) as exc:
            message = exc.detail if isinstance(exc, MetcoError) else _pydantic_message(exc)
            errors.extend({"row": n, "message": message} for n, _, _ in good)
    return ImportReport(created=created, updated=updated, errors=sorted(errors, key=lambda e: e["row"]))


def _pydantic_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


async def _upsert(session: AsyncSession, scope: StoreScope, first: dict[str, str], names: list[str],
                  rows: list[tuple[int, dict[str, Any], int | None]]) -> bool:
    handle = first["Handle"].lower()
    existing = await ProductRepository(session, scope.store_id).by_handle(handle)
    options = [OptionIn(name=name, values=list(dict.fromkeys(f["option_values"][name] for _, f, _ in rows)))
               for name in names]
    if existing is None:
        view = await service.create_product(session, scope, data=ProductCreate(
            handle=handle, options=options, variants=[VariantIn(**f) for _, f, _ in rows], **_product_fields(first)))
    else:
        view = await service.update_product(session, scope, existing.id,
                                            data=ProductUpdate(**_product_fields(first)))
        view = await _merge_variants(session, scope, view, options, rows)
    by_values = {tuple(sorted(v.option_values.items())): v for v in view.variants}
    for _, fields, quantity in rows:
        variant = by_values.get(tuple(sorted(fields["option_values"].items())))
        if variant is not None and quantity is not None:
            await inventory_service.set_on_hand(session, store_id=scope.store_id, variant_id=variant.id,
                                                on_hand=max(0, quantity), actor_id=scope.user_id)
    return existing is None


async def _merge_variants(session: AsyncSession, scope: StoreScope, view: service.ProductView, options: list[OptionIn],
                          rows: list[tuple[int, dict[str, Any], int | None]]) -> service.ProductView:
    await service.set_options(session, scope, view.product.id, options=[o.model_dump() for o in options])
    current = {tuple(sorted(v.option_values.items())): v for v in view.variants}
    for _, fields, _ in rows:
        match = current.get(tuple(sorted(fields["option_values"].items())))
        if match is None:
            await service.add_variant(session, scope, view.product.id, data=VariantIn(**fields))
        else:
            await service.update_variant(session, scope, match.id, data=VariantUpdate(**fields))
    return await service.get_product(session, scope, view.product.id)
