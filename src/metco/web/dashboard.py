"""The merchant dashboard at /admin/: a client of the same JSON API integrators use, so every business rule
and permission lives in one place. What a role may not do is hidden, and refused with a 403 page."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from metco.web.api import Api, ApiError
from metco.web.pages import Page, error_page

router = APIRouter(include_in_schema=False)


class Context:
    def __init__(self, page: Page, api: Api, store: dict[str, Any], stores: list[dict[str, Any]],
                 permissions: set[str]) -> None:
        self.page, self.api, self.store, self.stores, self.permissions = page, api, store, stores, permissions

    def render(self, template: str, **values: Any) -> HTMLResponse:
        return self.page.render(template, store=self.store, stores=self.stores, can=self.permissions, **values)


async def _context(page: Page, api: Api, store_id: str | None = None) -> Context | Response:
    if not page.session.token:
        return page.redirect("/login")
    try:
        stores = (await api.get("/stores", params={"limit": 100}))["items"]
    except ApiError:
        page.session.sign_out()
        return page.redirect("/login")
    if not stores:
        return page.redirect("/setup")
    chosen = store_id or page.session.data.get("admin_store")
    store = next((s for s in stores if s["id"] == chosen), stores[0])
    if page.session.data.get("admin_store") != store["id"]:
        page.session.data["admin_store"] = store["id"]
        page.session.changed = True
    me = await api.get("/me")
    membership: dict[str, Any] = next((m for m in me["memberships"] if m["store_id"] == store["id"]),
                                      {"permissions": []})
    return Context(page, api, store, stores, set(membership["permissions"]))


def _forbidden(request: Request) -> HTMLResponse:
    return error_page(request, 403, "Not allowed", "Your role in this store does not allow this page.")


class Detour(Exception):
    """A dashboard page that answers otherwise: to the sign-in page, or 403 (the app renders `response`)."""

    def __init__(self, response: Response) -> None:
        super().__init__("detour")
        self.response = response


@asynccontextmanager
async def admin(request: Request, permission: str | None = None, *, store_id: str | None = None
                ) -> AsyncIterator[Context]:
    """A dashboard page's session, API client and store, for a signed-in member holding `permission`."""
    page = Page(request)
    async with Api(request, page.session.token) as api:
        ctx = await _context(page, api, store_id)
        if not isinstance(ctx, Context):
            raise Detour(ctx)
        if permission is not None and permission not in ctx.permissions:
            raise Detour(_forbidden(request))
        yield ctx


def sales_chart(days: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """An SVG bar chart of net sales per day, drawn here (no charting framework)."""
    width, height, pad = 720, 180, 24
    top = max([d["net"] for d in days] + [1])
    step = (width - 2 * pad) / max(len(days), 1)
    bars = []
    for i, day in enumerate(days):
        h = max(0, day["net"]) / top * (height - 2 * pad)
        bars.append({"x": round(pad + i * step + 1, 1), "y": round(height - pad - h, 1), "w": round(step - 2, 1),
                     "h": round(h, 1), "label": f"{day['date']}: {day['net']}"})
    return {"width": width, "height": height, "bars": bars, "top": top, "currency": currency, "pad": pad}


@router.get("/admin", response_class=HTMLResponse)
@router.get("/admin/", response_class=HTMLResponse)
async def home(request: Request, store: str | None = None) -> Response:
    async with admin(request, store_id=store) as ctx:
        api = ctx.api
        sid = ctx.store["id"]
        figures: dict[str, Any] = {}
        chart = None
        if "view_sales" in ctx.permissions:
            today = date.today()
            report = await api.get(f"/stores/{sid}/reports/sales",
                                   params={"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()})
            month = [d for d in report["items"] if d["date"][:7] == today.isoformat()[:7]]
            figures["today"] = report["items"][-1]
            figures["month_net"] = sum(d["net"] for d in month)
            figures["month_orders"] = sum(d["orders"] for d in month)
            chart = sales_chart(report["items"], ctx.store["currency"])
        if "view_orders" in ctx.permissions:
            waiting = await api.get(f"/stores/{sid}/orders", params={"status": "confirmed", "limit": 100})
            figures["to_fulfil"] = sum(1 for o in waiting["items"] if o["fulfillment_status"] != "fulfilled")
        if "support" in ctx.permissions:
            conversations = (await api.get(f"/stores/{sid}/conversations", params={"limit": 100}))["items"]
            figures["unread"] = sum(c["unread"] for c in conversations)
        if "edit_products" in ctx.permissions:
            levels = (await api.get(f"/stores/{sid}/inventory", params={"limit": 100}))["items"]
            figures["low_stock"] = sum(1 for lv in levels if lv["available"] <= 3)
    return ctx.render("admin/home.html", title=f"Dashboard · {ctx.store['name']}", figures=figures, chart=chart)


@router.get("/admin/orders", response_class=HTMLResponse)
async def orders(request: Request, status: str | None = None, q: str | None = None,
                 cursor: str | None = None) -> Response:
    async with admin(request, "view_orders") as ctx:
        api = ctx.api
        params = {k: v for k, v in (("status", status), ("q", q), ("cursor", cursor)) if v}
        found = await api.get(f"/stores/{ctx.store['id']}/orders", params=params | {"limit": 25})
    return ctx.render("admin/orders.html", title="Orders", orders=found["items"], next_cursor=found["next_cursor"],
                      status_filter=status or "", q=q or "")


@router.get("/admin/orders/{order_id}", response_class=HTMLResponse)
async def order(request: Request, order_id: uuid.UUID) -> Response:
    async with admin(request, "view_orders") as ctx:
        page, api = ctx.page, ctx.api
        try:
            found = await api.get(f"/stores/{ctx.store['id']}/orders/{order_id}")
        except ApiError:
            return error_page(request, 404, "Not found", "No such order in this store.")
    return ctx.render("admin/order.html", title=f"Order {found['name']}", order=found,
                      errors=page.session.data.pop("form_errors", {}))


@router.post("/admin/orders/{order_id}/{action}")
async def order_action(request: Request, order_id: uuid.UUID, action: str) -> Response:
    async with admin(request, "manage_orders") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        base = f"/stores/{ctx.store['id']}/orders/{order_id}"
        try:
            if action == "fulfil":
                lines = [{"line_id": k.removeprefix("qty_"), "quantity": int(v)} for k, v in form.items()
                         if k.startswith("qty_") and v.strip().isdigit() and int(v) > 0]
                await api.post(f"{base}/fulfillments", json={
                    "carrier": form.get("carrier") or "Other", "tracking_number": form.get("tracking_number") or None,
                    "lines": lines or None, "status": "shipped" if form.get("shipped") else "pending"})
                page.session.flash("Fulfillment created.", "success")
            elif action == "refund":
                from metco.kit.money import parse_amount

                amount = parse_amount(form.get("amount", "0"), ctx.store["currency"]) if form.get("amount") else None
                lines = [{"line_id": k.removeprefix("refund_"), "quantity": int(v)} for k, v in form.items()
                         if k.startswith("refund_") and v.strip().isdigit() and int(v) > 0]
                await api.post(f"{base}/refunds", headers={"Idempotency-Key": form.get("key") or str(uuid.uuid4())},
                               json={"amount": amount, "lines": lines, "reason": form.get("reason") or None,
                                     "restock": form.get("restock") == "on"})
                page.session.flash("Refund made.", "success")
            elif action == "cancel":
                await api.post(f"{base}/cancel", json={"reason": form.get("reason") or None, "restock": True})
                page.session.flash("Order cancelled.", "success")
            elif action == "mark-paid":
                await api.post(f"{base}/mark-paid")
                page.session.flash("Payment recorded.", "success")
            elif action == "capture":
                await api.post(f"{base}/capture")
                page.session.flash("Payment captured.", "success")
            elif action == "move":
                await api.patch(f"/stores/{ctx.store['id']}/fulfillments/{form.get('fulfillment_id')}",
                                json={"status": form.get("status")})
                page.session.flash("Fulfillment updated.", "success")
        except ApiError as exc:
            page.session.data["form_errors"] = {e["field"]: e["message"] for e in exc.errors}
            page.session.flash(next((e["message"] for e in exc.errors), exc.detail), "error")
        except ValueError:
            page.session.flash("Enter an amount such as 12.50.", "error")
    return page.redirect(f"/admin/orders/{order_id}")


@router.get("/admin/products", response_class=HTMLResponse)
async def products(request: Request, q: str | None = None, cursor: str | None = None,
                   status: str | None = None, category_id: str | None = None) -> Response:
    async with admin(request, "edit_products") as ctx:
        api = ctx.api
        params = {k: v for k, v in (("q", q), ("cursor", cursor), ("status", status), ("category_id", category_id))
                  if v}
        found = await api.get(f"/stores/{ctx.store['id']}/products", params=params | {"limit": 25})
        categories = await api.get(f"/stores/{ctx.store['id']}/categories")
    return ctx.render("admin/products.html", title="Products", products=found["items"],
                      next_cursor=found["next_cursor"], q=q or "", status_filter=status or "",
                      category_filter=category_id or "", categories=categories)


@router.post("/admin/store")
async def switch_store(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    page.session.data["admin_store"] = form.get("store_id")
    page.session.changed = True
    return page.redirect("/admin/")
