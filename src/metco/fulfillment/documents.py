"""Printable picking lists (for whoever walks the shelves, sorted by SKU, with boxes to tick) and packing
slips (what is in this parcel, and what ships separately), as HTML pages with a print stylesheet."""

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from metco.fulfillment.service import FulfillmentRepository, view
from metco.inventory.models import Location
from metco.kit.auth import require
from metco.kit.deps import SessionDep
from metco.kit.scope import StoreScope
from metco.orders.repository import OrderRepository
from metco.stores.models import Store

router = APIRouter(tags=["fulfillment"])
_pages = Environment(loader=FileSystemLoader(Path(__file__).parent / "layouts"), autoescape=select_autoescape(["html"]))
ManageOrders = Annotated[StoreScope, Depends(require("manage_orders"))]


@dataclass(frozen=True)
class Row:
    sku: str | None
    title: str
    variant_title: str | None
    quantity: int


async def _document(session: SessionDep, scope: StoreScope, fulfillment_id: uuid.UUID, *, picking: bool) -> HTMLResponse:
    found = await view(session, await FulfillmentRepository(session, scope.store_id).get_or_404(fulfillment_id))
    orders = OrderRepository(session, scope.store_id)
    order = await orders.get_or_404(found.fulfillment.order_id)
    lines = {line.id: line for line in await orders.lines(order.id)}
    in_parcel = {x.order_line_id: x.quantity for x in found.lines}
    rows = [Row(lines[i].sku, lines[i].title, lines[i].variant_title, q) for i, q in in_parcel.items() if i in lines]
    if picking:
        rows.sort(key=lambda r: (r.sku or "~", r.title))
    separately = [Row(line.sku, line.title, line.variant_title, line.quantity - line.refunded_quantity
                      - in_parcel.get(line.id, 0)) for line in lines.values()]
    location = await session.get(Location, found.fulfillment.location_id) if found.fulfillment.location_id else None
    html = _pages.get_template("document.html").render(
        title="Picking list" if picking else "Packing slip", picking=picking, rows=rows,
        separately=[r for r in separately if r.quantity > 0], store=await session.get(Store, scope.store_id),
        order=order, fulfillment=found.fulfillment, location=location)
    return HTMLResponse(html)


@router.get("/stores/{store_id}/fulfillments/{fulfillment_id}/packing-slip", response_class=HTMLResponse)
async def packing_slip(fulfillment_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> HTMLResponse:
    return await _document(session, scope, fulfillment_id, picking=False)


@router.get("/stores/{store_id}/fulfillments/{fulfillment_id}/picking-list", response_class=HTMLResponse)
async def picking_list(fulfillment_id: uuid.UUID, scope: ManageOrders, session: SessionDep) -> HTMLResponse:
    return await _document(session, scope, fulfillment_id, picking=True)
