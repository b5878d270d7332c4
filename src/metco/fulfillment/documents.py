"""Printable picking lists (for whoever walks the shelves: sorted by SKU, with the location and a box to
tick) and packing slips (what is in this parcel, and what ships separately), as HTML pages with a print
stylesheet. Every value is escaped by Jinja's autoescape: a product's title is the merchant's text, an
address the shopper's."""

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from metco.fulfillment.service import FulfillmentRepository, view
from metco.inventory.repository import LocationRepository
from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.scope import StoreScope
from metco.orders.repository import OrderRepository
from metco.stores.models import Store

router = APIRouter(tags=["fulfillment"])
_pages = Environment(loader=FileSystemLoader(Path(__file__).parent / "layouts"),
                     autoescape=select_autoescape(["html"], default=True))
ManageOrders = Annotated[StoreScope, Depends(require("manage_orders"))]
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}  # an address and a name: not for caches


@dataclass(frozen=True)
class Row:
    sku: str | None
    title: str
    variant_title: str | None
    quantity: int


async def _document(session: SessionDep, scope: StoreScope, fulfillment_id: uuid.UUID, *, picking: bool) -> HTMLResponse:
    found = await view(session, await FulfillmentRepository(session, scope.store_id).get_or_404(fulfillment_id))
    fulfillment = found.fulfillment
    orders = OrderRepository(session, scope.store_id)
    order = await orders.get_or_404(fulfillment.order_id)
    store = await session.get(Store, scope.store_id)
    assert store is not None
    lines = {line.id: line for line in await orders.lines(order.id)}
    in_parcel: dict[uuid.UUID, int] = {}
    for item in found.lines:
        in_parcel[item.order_line_id] = in_parcel.get(item.order_line_id, 0) + item.quantity
    rows = [Row(lines[i].sku, lines[i].title, lines[i].variant_title, q) for i, q in in_parcel.items() if i in lines]
    rows.sort(key=lambda r: (r.sku is None, r.sku or "", r.title.casefold()))
    separately = [Row(line.sku, line.title, line.variant_title,
                      line.quantity - line.refunded_quantity - in_parcel.get(line.id, 0)) for line in lines.values()]
    location = (await LocationRepository(session, scope.store_id).get(fulfillment.location_id)
                if fulfillment.location_id else None)
    try:
        placed = order.placed_at.astimezone(ZoneInfo(store.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        placed = order.placed_at
    html = _pages.get_template("document.html").render(
        title="Picking list" if picking else "Packing slip", picking=picking, rows=rows,
        separately=[r for r in separately if r.quantity > 0], store=store, order=order, placed_on=placed.date(),
        address=order.shipping_address or {}, fulfillment=fulfillment, location=location,
        units=sum(r.quantity for r in rows))
    return HTMLResponse(html, headers=HEADERS)


@router.get("/stores/{store_id}/fulfillments/{fulfillment_id}/packing-slip", response_class=HTMLResponse)
async def packing_slip(fulfillment_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> HTMLResponse:
    """What is in this parcel, and what of the order ships separately: to print and put in the box."""
    return await _document(session, scope, fulfillment_id, picking=False)


@router.get("/stores/{store_id}/fulfillments/{fulfillment_id}/picking-list", response_class=HTMLResponse)
async def picking_list(fulfillment_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> HTMLResponse:
    """What to take from the shelves for this parcel, sorted by SKU, with a box to tick for each."""
    return await _document(session, scope, fulfillment_id, picking=True)
