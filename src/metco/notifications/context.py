"""The values a template receives, built from the database in the shape `samples.py` shows."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.money import format_amount
from metco.orders import links
from metco.orders.models import Order, OrderLine
from metco.stores.models import Store


def store_context(settings: Settings, store: Store | None) -> dict[str, Any]:
    if store is None:
        return {"name": "Metco", "logo_url": None, "brand_color": "#1F4E79", "url": settings.base_url, "email": None}
    return {"name": store.name, "logo_url": store.logo_url, "brand_color": store.brand_color or "#1F4E79",
            "url": f"{settings.base_url}/s/{store.slug}/", "email": store.email}


async def order_context(session: AsyncSession, settings: Settings, store: Store, order: Order) -> dict[str, Any]:
    lines = (await session.scalars(select(OrderLine).where(OrderLine.store_id == order.store_id,
                                                           OrderLine.order_id == order.id)
                                   .order_by(OrderLine.id))).all()

    def money(amount: int) -> str:
        return format_amount(amount, order.currency)

    return {
        "id": str(order.id), "number": order.number, "email": order.email, "currency": order.currency,
        "status": order.status, "payment_status": order.payment_status,
        "lines": [{"title": line.title, "variant_title": line.variant_title, "sku": line.sku,
                   "quantity": line.quantity, "unit_price": money(line.unit_price), "total": money(line.total)}
                  for line in lines],
        "subtotal": money(order.subtotal), "discount_total": money(order.discount_total),
        "has_discount": order.discount_total > 0, "shipping_total": money(order.shipping_total),
        "tax_total": money(order.tax_total), "total": money(order.total),
        "shipping_address": order.shipping_address,
        "url": links.order_url(settings, slug=store.slug, order_id=order.id),
        "admin_url": f"{settings.base_url}/admin/orders/{order.id}",
    }


def money_text(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


def admin_url(settings: Settings, path: str, *ids: uuid.UUID) -> str:
    return f"{settings.base_url}/admin/{path}" + "".join(f"/{i}" for i in ids)
