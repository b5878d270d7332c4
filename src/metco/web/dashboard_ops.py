"""Dashboard pages for the day-to-day: inventory (levels, adjustments with a reason, history), customers,
the catalog CSV (import with its per-row report, export), taxes, and notification templates with a preview
and a test send."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from metco.web.api import ApiError
from metco.web.dashboard import admin
from metco.web.dashboard_more import _fail, _kept
from metco.web.pages import error_page

router = APIRouter(include_in_schema=False)


@router.get("/admin/inventory", response_class=HTMLResponse)
async def inventory(request: Request, cursor: str | None = None) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        sid = ctx.store["id"]
        levels = await api.get(f"/stores/{sid}/inventory", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
        locations = {loc["id"]: loc["name"] for loc in await api.get(f"/stores/{sid}/locations")}
        titles: dict[str, str] = {}
        products = await api.get(f"/stores/{sid}/products", params={"limit": 100})
        for p in products["items"]:
            for v in p["variants"]:
                titles[v["id"]] = p["title"] + ("" if v["title"] == "Default" else f" – {v['title']}")
        movements = (await api.get(f"/stores/{sid}/inventory/movements", params={"limit": 25}))["items"]
    errors, _ = _kept(page)
    return ctx.render("admin/inventory.html", title="Inventory", levels=levels["items"], next_cursor=levels["next_cursor"],
                      locations=locations, titles=titles, movements=movements, errors=errors)


@router.post("/admin/inventory/{variant_id}")
async def adjust(request: Request, variant_id: uuid.UUID) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        try:
            await api.post(f"/stores/{ctx.store['id']}/inventory/{variant_id}/adjustments", json={
                "delta": int(form.get("delta") or 0), "reason": form.get("reason") or "adjustment",
                "location_id": form.get("location_id") or None, "note": form.get("note") or None})
            page.session.flash("Stock adjusted.", "success")
        except ApiError as exc:
            _fail(page, exc)
        except ValueError:
            page.session.flash("The change is a whole number, like -2 or 5.", "error")
    return page.redirect("/admin/inventory")


@router.get("/admin/customers", response_class=HTMLResponse)
async def customers(request: Request, q: str | None = None, cursor: str | None = None) -> Response:
    async with admin(request, "view_orders") as ctx:
        api = ctx.api
        params = {k: v for k, v in (("q", q), ("cursor", cursor)) if v}
        found = await api.get(f"/stores/{ctx.store['id']}/customers", params=params | {"limit": 25})
    return ctx.render("admin/customers.html", title="Customers", customers=found["items"],
                      next_cursor=found["next_cursor"], q=q or "")


@router.get("/admin/customers/{customer_id}", response_class=HTMLResponse)
async def customer(request: Request, customer_id: uuid.UUID) -> Response:
    async with admin(request, "view_orders") as ctx:
        api = ctx.api
        sid = ctx.store["id"]
        try:
            found = await api.get(f"/stores/{sid}/customers/{customer_id}")
        except ApiError:
            return error_page(request, 404, "Not found", "No such customer in this store.")
        orders = (await api.get(f"/stores/{sid}/orders", params={"q": found["email"], "limit": 50}))["items"]
        conversations: list[dict[str, Any]] = []
        if "support" in ctx.permissions:
            everything = (await api.get(f"/stores/{sid}/conversations", params={"limit": 100}))["items"]
            conversations = [c for c in everything if c["email"] == found["email"]]
    return ctx.render("admin/customer.html", title=found["email"], customer=found, orders=orders,
                      conversations=conversations)


@router.get("/admin/products/csv", response_class=HTMLResponse)
async def csv_page(request: Request) -> Response:
    async with admin(request, "edit_products") as ctx:
        page = ctx.page
    report = page.session.data.pop("import_report", None)
    return ctx.render("admin/csv.html", title="Import and export", report=report)


@router.post("/admin/products/csv")
async def csv_import(request: Request) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        _, files = await page.multipart()
        upload = files.get("file")
        if upload is None:
            page.session.flash("Choose a CSV file.", "error")
            return page.redirect("/admin/products/csv")
        try:
            report = await api.post(f"/stores/{ctx.store['id']}/products/import",
                                    files={"file": (upload.filename, await upload.read(), "text/csv")})
            page.session.data["import_report"] = {"created": report["created"], "updated": report["updated"],
                                                  "errors": report["errors"][:100]}
        except ApiError as exc:
            _fail(page, exc)
    return page.redirect("/admin/products/csv")


@router.get("/admin/products/export.csv")
async def csv_export(request: Request) -> Response:
    async with admin(request, "edit_products") as ctx:
        api = ctx.api
        response = await api._client.get(f"/stores/{ctx.store['id']}/products/export")
    return PlainTextResponse(response.text, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": response.headers.get("content-disposition", "attachment")})


@router.get("/admin/settings/taxes", response_class=HTMLResponse)
async def taxes(request: Request) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        rates = await api.get(f"/stores/{ctx.store['id']}/tax-rates")
    errors, values = _kept(page)
    return ctx.render("admin/taxes.html", title="Taxes", rates=rates, errors=errors, v=values)


@router.post("/admin/settings/taxes")
async def add_tax(request: Request) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        try:
            await api.post(f"/stores/{ctx.store['id']}/tax-rates", json={
                "country": form.get("country", "").upper(), "region": form.get("region") or None,
                "name": form.get("name", ""), "rate": form.get("rate", ""),
                "applies_to_shipping": form.get("applies_to_shipping") == "on"})
            page.session.flash("Tax rate added.", "success")
        except ApiError as exc:
            _fail(page, exc, form)
    return page.redirect("/admin/settings/taxes")


@router.get("/admin/settings/templates", response_class=HTMLResponse)
async def templates(request: Request) -> Response:
    async with admin(request, "manage_store") as ctx:
        api = ctx.api
        listed = await api.get(f"/stores/{ctx.store['id']}/notification-templates")
    return ctx.render("admin/templates.html", title="Notification templates", templates=listed)


@router.get("/admin/settings/templates/{event}/{channel}", response_class=HTMLResponse)
async def template(request: Request, event: str, channel: str) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        try:
            found = await api.get(f"/stores/{ctx.store['id']}/notification-templates/{event}/{channel}")
        except ApiError:
            return error_page(request, 404, "Not found", "There is no such message.")
    errors, values = _kept(page)
    return ctx.render("admin/template.html", title=f"{event} · {channel}", t=found, errors=errors, v=values)


@router.get("/admin/settings/templates/{event}/{channel}/preview", response_class=HTMLResponse)
async def template_preview(request: Request, event: str, channel: str) -> Response:
    async with admin(request, "manage_store") as ctx:
        api = ctx.api
        rendered = await api.post(f"/stores/{ctx.store['id']}/notification-templates/{event}/{channel}/preview",
                                  json={})
    if rendered.get("html"):
        return HTMLResponse(rendered["html"], headers={
            "Content-Security-Policy": "default-src 'none'; img-src * data:; style-src 'unsafe-inline'"})
    return PlainTextResponse(f"{rendered.get('subject') or ''}\n\n{rendered['text']}")


@router.post("/admin/settings/templates/{event}/{channel}")
async def save_template(request: Request, event: str, channel: str) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        base = f"/stores/{ctx.store['id']}/notification-templates/{event}/{channel}"
        try:
            if form.get("action") == "reset":
                await api.delete(base)
                page.session.flash("Back to the default wording.", "success")
            elif form.get("action") == "test":
                await api.post(f"{base}/test", json={"to": form.get("to", "")})
                page.session.flash(f"A test was sent to {form.get('to')}.", "success")
            else:
                await api.put(base, json={"subject": form.get("subject") or None, "body": form.get("body", "")})
                page.session.flash("Saved.", "success")
        except ApiError as exc:
            _fail(page, exc, form)
    return page.redirect(f"/admin/settings/templates/{event}/{channel}")


@router.get("/admin/fulfillments/{fulfillment_id}/{document}", response_class=HTMLResponse)
async def printable(request: Request, fulfillment_id: uuid.UUID, document: str) -> Response:
    """The packing slip or picking list, printed from the browser."""
    if document not in ("packing-slip", "picking-list"):
        return error_page(request, 404, "Not found", "No such document.")
    async with admin(request, "manage_orders") as ctx:
        response = await ctx.api._client.get(f"/stores/{ctx.store['id']}/fulfillments/{fulfillment_id}/{document}")
    if response.status_code != 200:
        return error_page(request, 404, "Not found", "No such fulfillment in this store.")
    return HTMLResponse(response.text, headers={"Content-Security-Policy": "default-src 'self'; img-src * data:; "
                                                                         "style-src 'unsafe-inline'"})


@router.get("/admin/discounts/{discount_id}", response_class=HTMLResponse)
async def edit_discount(request: Request, discount_id: uuid.UUID) -> Response:
    async with admin(request, "manage_discounts") as ctx:
        page, api = ctx.page, ctx.api
        try:
            found = await api.get(f"/stores/{ctx.store['id']}/discounts/{discount_id}")
        except ApiError:
            return error_page(request, 404, "Not found", "No such discount in this store.")
    errors, values = _kept(page)
    return ctx.render("admin/discount.html", title=found["title"], d=found, errors=errors, v=values)


@router.post("/admin/discounts/{discount_id}")
async def save_discount(request: Request, discount_id: uuid.UUID) -> Response:
    async with admin(request, "manage_discounts") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        base = f"/stores/{ctx.store['id']}/discounts/{discount_id}"
        try:
            if form.get("action") == "delete":
                await api.delete(base)
                page.session.flash("Discount deleted.", "success")
                return page.redirect("/admin/discounts")
            body: dict[str, Any] = {"title": form.get("title") or None}
            if form.get("value", "").strip():
                body["value"] = int(form["value"])
            body["usage_limit"] = int(form["usage_limit"]) if form.get("usage_limit", "").strip() else None
            await api.patch(base, json=body)
            page.session.flash("Saved.", "success")
        except ApiError as exc:
            _fail(page, exc, form)
        except ValueError:
            page.session.data["form_errors"] = {"value": "Enter a whole number"}
    return page.redirect(f"/admin/discounts/{discount_id}")
