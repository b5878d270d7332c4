"""More dashboard pages: products (create with options and variants, edit prices and stock, images),
discounts, balance and payouts, and the store's settings (details and theme, payments, shipping, staff)."""

import itertools
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from metco.kit.money import parse_amount
from metco.web.api import ApiError
from metco.web.dashboard import admin
from metco.web.pages import Page, error_page

router = APIRouter(include_in_schema=False)


def _fail(page: Page, exc: ApiError, fields: dict[str, str] | None = None) -> None:
    page.session.data["form_errors"] = {e["field"]: e["message"] for e in exc.errors}
    if fields is not None:
        page.session.data["form_values"] = fields
    page.session.flash(next((e["message"] for e in exc.errors), exc.detail) if not exc.errors
                       else "Please check the highlighted fields.", "error")


def _kept(page: Page) -> tuple[dict[str, str], dict[str, str]]:
    if "form_errors" in page.session.data or "form_values" in page.session.data:
        page.session.changed = True
    return page.session.data.pop("form_errors", {}), page.session.data.pop("form_values", {})


@router.get("/admin/products/new", response_class=HTMLResponse)
async def new_product(request: Request) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        categories = await api.get(f"/stores/{ctx.store['id']}/categories")
    errors, values = _kept(page)
    return ctx.render("admin/product_new.html", title="New product", categories=categories, errors=errors, v=values)


@router.post("/admin/products/new")
async def create_product(request: Request) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        try:
            price = parse_amount(form.get("price") or "0", ctx.store["currency"])
        except ValueError:
            page.session.data["form_errors"] = {"price": "Enter a price such as 19.99"}
            page.session.data["form_values"] = form
            page.session.changed = True
            return page.redirect("/admin/products/new")
        options = [{"name": form[f"option{i}_name"].strip(), "values": [v.strip() for v in
                                                                        form.get(f"option{i}_values", "").split(",")
                                                                        if v.strip()]}
                   for i in (1, 2) if form.get(f"option{i}_name", "").strip()]
        combos = list(itertools.product(*[[(o["name"], v) for v in o["values"]] for o in options])) if options else [()]
        body = {"title": form.get("title", ""), "description": form.get("description") or None,
                "status": form.get("status") or "draft", "options": options,
                "category_ids": [form["category_id"]] if form.get("category_id") else [],
                "variants": [{"option_values": dict(c), "price": price} for c in combos]}
        try:
            product = await api.post(f"/stores/{ctx.store['id']}/products", json=body)
        except ApiError as exc:
            _fail(page, exc, form)
            return page.redirect("/admin/products/new")
    page.session.flash("Product created. Now set prices, stock and pictures.", "success")
    return page.redirect(f"/admin/products/{product['id']}")


@router.get("/admin/products/{product_id}", response_class=HTMLResponse)
async def edit_product(request: Request, product_id: uuid.UUID) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        try:
            product = await api.get(f"/stores/{ctx.store['id']}/products/{product_id}")
        except ApiError:
            return error_page(request, 404, "Not found", "No such product in this store.")
        categories = await api.get(f"/stores/{ctx.store['id']}/categories")
        levels = {}
        for variant in product["variants"]:
            rows = (await api.get(f"/stores/{ctx.store['id']}/inventory", params={"variant_id": variant["id"]}))["items"]
            levels[variant["id"]] = sum(r["on_hand"] for r in rows)
    errors, _ = _kept(page)
    return ctx.render("admin/product_edit.html", title=product["title"], product=product, levels=levels, errors=errors,
                      categories=categories)


@router.post("/admin/products/{product_id}")
async def save_product(request: Request, product_id: uuid.UUID) -> Response:
    async with admin(request, "edit_products") as ctx:
        page, api = ctx.page, ctx.api
        form, files = await page.multipart()
        sid = ctx.store["id"]
        try:
            await api.patch(f"/stores/{sid}/products/{product_id}", json={
                "title": form.get("title"), "status": form.get("status"), "description": form.get("description"),
                "category_ids": [form["category_id"]] if form.get("category_id") else []})
            for key, value in form.items():
                if key.startswith("price_") and value.strip():
                    await api.patch(f"/stores/{sid}/variants/{key[6:]}",
                                    json={"price": parse_amount(value, ctx.store["currency"])})
                if key.startswith("stock_") and value.strip().isdigit():
                    await api.put(f"/stores/{sid}/inventory/{key[6:]}", json={"on_hand": int(value)})
            photo = files.get("photo")
            if photo is not None:
                await api.post(f"/stores/{sid}/products/{product_id}/images",
                               files={"file": (photo.filename, await photo.read(), photo.content_type or "")})
            page.session.flash("Saved.", "success")
        except ApiError as exc:
            _fail(page, exc)
        except ValueError:
            page.session.flash("Prices look like 19.99.", "error")
    return page.redirect(f"/admin/products/{product_id}")


@router.get("/admin/discounts", response_class=HTMLResponse)
async def discounts(request: Request) -> Response:
    async with admin(request, "manage_discounts") as ctx:
        page, api = ctx.page, ctx.api
        found = await api.get(f"/stores/{ctx.store['id']}/discounts")
    errors, values = _kept(page)
    items = found["items"] if isinstance(found, dict) else found
    return ctx.render("admin/discounts.html", title="Discounts", discounts=items, errors=errors, v=values)


@router.post("/admin/discounts")
async def create_discount(request: Request) -> Response:
    async with admin(request, "manage_discounts") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        kind = form.get("kind", "percentage")
        body: dict[str, Any] = {"title": form.get("title", ""), "code": form.get("code") or None, "kind": kind,
                                "combines": form.get("combines") == "on",
                                "once_per_customer": form.get("once_per_customer") == "on"}
        try:
            if kind == "percentage":
                body["value"] = int(form.get("value") or 0)
            elif kind == "fixed_amount":
                body["value"] = parse_amount(form.get("value") or "0", ctx.store["currency"])
            elif kind == "buy_x_get_y":
                body |= {"buy_quantity": int(form.get("buy_quantity") or 0), "get_quantity":
                         int(form.get("get_quantity") or 0), "value": int(form.get("value") or 100)}
            else:
                body["value"] = 0
            for name in ("usage_limit", "min_quantity"):
                if form.get(name, "").strip():
                    body[name] = int(form[name])
            await api.post(f"/stores/{ctx.store['id']}/discounts", json=body)
            page.session.flash("Discount created.", "success")
        except ApiError as exc:
            _fail(page, exc, form)
        except ValueError:
            page.session.data["form_errors"] = {"value": "Enter a number"}
            page.session.data["form_values"] = form
            page.session.changed = True
    return page.redirect("/admin/discounts")


@router.get("/admin/balance", response_class=HTMLResponse)
async def balance(request: Request) -> Response:
    async with admin(request, "view_sales") as ctx:
        page, api = ctx.page, ctx.api
        sid = ctx.store["id"]
        current = await api.get(f"/stores/{sid}/balance")
        transactions = (await api.get(f"/stores/{sid}/balance/transactions", params={"limit": 50}))["items"]
        payouts = (await api.get(f"/stores/{sid}/payouts"))["items"] if "withdraw_funds" in ctx.permissions else []
    errors, _ = _kept(page)
    return ctx.render("admin/balance.html", title="Balance", balance=current, transactions=transactions,
                      payouts=payouts, errors=errors)


@router.post("/admin/balance/payout")
async def payout(request: Request) -> Response:
    async with admin(request, "withdraw_funds") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        try:
            amount = parse_amount(form.get("amount") or "0", ctx.store["currency"])
            await api.post(f"/stores/{ctx.store['id']}/payouts", json={"amount": amount},
                           headers={"Idempotency-Key": form.get("key") or str(uuid.uuid4())})
            page.session.flash("Payout requested.", "success")
        except ApiError as exc:
            _fail(page, exc)
        except ValueError:
            page.session.data["form_errors"] = {"amount": "Enter an amount such as 100.00"}
            page.session.changed = True
    return page.redirect("/admin/balance")


@router.get("/admin/settings", response_class=HTMLResponse)
async def settings(request: Request) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        sid = ctx.store["id"]
        store = await api.get(f"/stores/{sid}")
        providers = await api.get(f"/stores/{sid}/payment-providers")
        zones = await api.get(f"/stores/{sid}/shipping-zones")
        staff = await api.get(f"/stores/{sid}/staff") if "manage_staff" in ctx.permissions else []
    errors, _ = _kept(page)
    return ctx.render("admin/settings.html", title="Settings", details=store, providers=providers, zones=zones,
                      staff=staff, errors=errors)


@router.post("/admin/settings/{section}")
async def save_settings(request: Request, section: str) -> Response:
    async with admin(request, "manage_store") as ctx:
        page, api = ctx.page, ctx.api
        form = await page.form()
        sid = ctx.store["id"]
        try:
            if section == "store":
                await api.patch(f"/stores/{sid}", json={k: form[k] for k in (
                    "name", "email", "timezone", "brand_color", "accent_color", "logo_url") if form.get(k)})
            elif section == "provider":
                values = {k.removeprefix("s_"): v for k, v in form.items() if k.startswith("s_") and v}
                await api.put(f"/stores/{sid}/payment-providers/{form['provider']}",
                              json={"enabled": form.get("enabled") == "on", "settings": values})
            elif section == "zone":
                await api.post(f"/stores/{sid}/shipping-zones", json={
                    "name": form.get("name", ""), "countries": [c.strip().upper() for c in
                                                                 form.get("countries", "").split(",") if c.strip()],
                    "rates": [{"name": form.get("rate_name") or "Standard",
                               "price": parse_amount(form.get("rate_price") or "0", ctx.store["currency"])}]})
            elif section == "zone-delete":
                await api.delete(f"/stores/{sid}/shipping-zones/{form.get('zone_id')}")
            elif section == "role":
                await api.patch(f"/stores/{sid}/staff/{form.get('user_id')}", json={"role": form.get("role")})
            elif section == "invite":
                await api.post(f"/stores/{sid}/invitations", json={"email": form.get("email", ""), "role": form.get("role")})
            page.session.flash("Saved.", "success")
        except ApiError as exc:
            _fail(page, exc)
        except ValueError:
            page.session.flash("Prices look like 5.00.", "error")
    return page.redirect("/admin/settings")
