"""The platform's own pages: what Metco is, merchant signup and sign-in, and the short set-up that ends on a
live storefront (store, first product with a photo, payment and shipping)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from metco.kit.money import parse_amount
from metco.web.api import Api, ApiError
from metco.web.pages import Page

router = APIRouter(include_in_schema=False)


def _errors(exc: ApiError) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.errors} or {"form": exc.detail}


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    page = Page(request)
    return page.render("platform/home.html", title="Metco: online commerce for small businesses",
                       errors=page.session.data.pop("form_errors", {}),
                       description="Sign up, set up your store in minutes, and sell: storefront, payments, orders, "
                                   "shipping, discounts and notifications in one place.")


@router.post("/signup")
async def signup(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, None) as api:
        try:
            answer = await api.post("/auth/signup", json={k: form.get(k, "") for k in ("name", "email", "password")})
        except ApiError as exc:
            page.session.data["form_errors"] = _errors(exc)
            page.session.flash("Please check the highlighted fields.", "error")
            return page.redirect("/#signup")
    page.session.sign_in(answer["token"], answer["user"]["name"])
    return page.redirect("/setup")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    page = Page(request)
    return page.render("platform/login.html", title="Sign in · Metco")


@router.post("/login")
async def login(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, None) as api:
        try:
            answer = await api.post("/auth/login", json={"email": form.get("email", ""),
                                                         "password": form.get("password", "")})
        except ApiError as exc:
            page.session.flash(exc.detail if exc.status != 422 else "Enter your email and password.", "error")
            return page.redirect("/login")
        page.session.sign_in(answer["token"], answer["user"]["name"])
    async with Api(request, answer["token"]) as api:
        stores = (await api.get("/stores"))["items"]
    return page.redirect("/setup" if not stores else f"/s/{stores[0]['slug']}/")


@router.post("/logout")
async def logout(request: Request) -> Response:
    page = Page(request)
    await page.form()
    if page.session.token:
        async with Api(request, page.session.token) as api:
            try:
                await api.post("/auth/logout")
            except ApiError:
                pass
    page.session.sign_out()
    page.session.flash("You are signed out.", "info")
    return page.redirect("/")


@router.get("/setup", response_class=HTMLResponse)
async def setup(request: Request) -> Response:
    page = Page(request)
    if not page.session.token:
        return page.redirect("/login")
    async with Api(request, page.session.token) as api:
        try:
            stores = (await api.get("/stores"))["items"]
        except ApiError:
            page.session.sign_out()
            return page.redirect("/login")
        store = next((s for s in stores if s["id"] == page.session.data.get("setup_store")), None) or (
            stores[0] if stores else None)
        step = "store"
        if store is not None:
            products = (await api.get(f"/stores/{store['id']}/products", params={"limit": 1}))["items"]
            step = "product" if not products else "payment"
    return page.render("platform/setup.html", title="Set up your store · Metco", step=step, store=store,
                       errors=page.session.data.pop("form_errors", {}))


@router.post("/setup/store")
async def setup_store(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    body: dict[str, Any] = {"name": form.get("name", ""), "currency": form.get("currency", "").upper(),
                            "country": form.get("country", "").upper(), "timezone": form.get("timezone") or "UTC"}
    if form.get("email"):
        body["email"] = form["email"]
    async with Api(request, page.session.token) as api:
        try:
            store = await api.post("/stores", json=body)
            locations = await api.get(f"/stores/{store['id']}/locations")
            if form.get("address") and locations:
                await api.patch(f"/stores/{store['id']}/locations/{locations[0]['id']}",
                                json={"address": form["address"][:1000]})
        except ApiError as exc:
            page.session.data["form_errors"] = _errors(exc)
            page.session.flash("Please check the highlighted fields.", "error")
            return page.redirect("/setup")
    page.session.data["setup_store"] = store["id"]
    page.session.changed = True
    return page.redirect("/setup")


@router.post("/setup/product")
async def setup_product(request: Request) -> Response:
    page = Page(request)
    data, files = await page.multipart()
    store_id = data.get("store_id", "")
    async with Api(request, page.session.token) as api:
        store = await api.get(f"/stores/{store_id}")
        try:
            price = parse_amount(str(data.get("price") or "0"), store["currency"])
        except ValueError:
            page.session.data["form_errors"] = {"price": "Enter a price such as 19.99"}
            return page.redirect("/setup")
        try:
            stock = max(0, int(str(data.get("stock") or "0")))
        except ValueError:
            stock = 0
        try:
            product = await api.post(f"/stores/{store_id}/products", json={
                "title": str(data.get("title") or ""), "description": str(data.get("description") or "") or None,
                "status": "active", "variants": [{"price": price}]})
            photo = files.get("photo")
            if photo is not None:
                await api.post(f"/stores/{store_id}/products/{product['id']}/images",
                               files={"file": (photo.filename, await photo.read(), photo.content_type or "")})
            await api.put(f"/stores/{store_id}/inventory/{product['variants'][0]['id']}", json={"on_hand": stock})
        except ApiError as exc:
            page.session.data["form_errors"] = _errors(exc)
            page.session.flash(exc.detail, "error")
            return page.redirect("/setup")
    return page.redirect("/setup")


@router.post("/setup/payment")
async def setup_payment(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    store_id = form.get("store_id", "")
    async with Api(request, page.session.token) as api:
        store = await api.get(f"/stores/{store_id}")
        try:
            shipping = parse_amount(form.get("shipping") or "0", store["currency"])
        except ValueError:
            shipping = 0
        zones = await api.get(f"/stores/{store_id}/shipping-zones")
        if not zones:
            await api.post(f"/stores/{store_id}/shipping-zones", json={
                "name": "Domestic", "countries": [store["country"]],
                "rates": [{"name": "Standard shipping", "price": shipping}]})
        methods = set(form.get("methods", "sandbox").split(","))
        for name in ("sandbox", "manual"):
            wanted = form.get(name) == "on" or (name in methods and not any(form.get(m) for m in ("sandbox", "manual")))
            await api.put(f"/stores/{store_id}/payment-providers/{name}", json={"enabled": wanted})
    page.session.data.pop("setup_store", None)
    page.session.flash("Your store is live! This is what your customers see.", "success")
    return page.redirect(f"/s/{store['slug']}/")


@router.get("/robots.txt")
async def robots(request: Request) -> PlainTextResponse:
    return PlainTextResponse("User-agent: *\nDisallow: /admin/\nDisallow: /setup\nDisallow: /sandbox/\n")


@router.get("/sw.js")
async def service_worker() -> Response:
    """The storefront's service worker, served from the root so that it may handle every page."""
    from pathlib import Path

    body = (Path(__file__).parent / "static" / "sw.js").read_text()
    return Response(body, media_type="text/javascript", headers={"Service-Worker-Allowed": "/",
                                                                 "Cache-Control": "no-cache"})
