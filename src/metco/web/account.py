"""The shopper's account in a storefront: sign up, sign in, order history, addresses and preferences."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from metco.web.api import Api, ApiError
from metco.web.pages import Page
from metco.web.storefront import ADDRESS_FIELDS, _chrome

router = APIRouter(include_in_schema=False)


@router.get("/s/{slug}/account", response_class=HTMLResponse)
async def account(slug: str, request: Request) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        context: dict[str, Any] = {"orders": [], "addresses": [], "preferences": None}
        if page.session.token:
            try:
                context["orders"] = (await api.get(f"/storefront/{slug}/orders"))["items"]
                context["addresses"] = await api.get(f"/storefront/{slug}/me/addresses")
                context["preferences"] = await api.get(f"/storefront/{slug}/me/preferences")
            except ApiError as exc:
                if exc.status != 401:
                    raise
                page.session.sign_out()  # the token expired or was revoked
    return page.render("storefront/account.html", title=f"Your account · {chrome['store']['name']}",
                       errors=page.session.data.pop("form_errors", {}), **context, **chrome)


@router.post("/s/{slug}/account/signup")
async def signup(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, None) as api:
        try:
            answer = await api.post("/auth/signup", json={"email": form.get("email", ""), "name": form.get("name", ""),
                                                          "password": form.get("password", "")})
        except ApiError as exc:
            page.session.data["form_errors"] = {f"signup_{e['field']}": e["message"] for e in exc.errors}
            page.session.flash(exc.detail if not exc.errors else "Please check the highlighted fields.", "error")
            return page.redirect(f"/s/{slug}/account")
    page.session.sign_in(answer["token"], answer["user"]["name"])
    page.session.flash("Welcome! Your account is ready.", "success")
    return page.redirect(f"/s/{slug}/account")


@router.post("/s/{slug}/account/login")
async def login(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, None) as api:
        try:
            answer = await api.post("/auth/login", json={"email": form.get("email", ""),
                                                         "password": form.get("password", "")})
        except ApiError as exc:
            page.session.flash(exc.detail if exc.status != 422 else "Enter your email and password.", "error")
            return page.redirect(f"/s/{slug}/account")
    page.session.sign_in(answer["token"], answer["user"]["name"])
    cart_id = page.session.cart(slug)
    if cart_id:  # the guest cart becomes the shopper's (and their older cart merges into it)
        async with Api(request, answer["token"]) as api:
            try:
                await api.get(f"/storefront/{slug}/carts/{cart_id}")
            except ApiError:
                page.session.set_cart(slug, None)
    page.session.flash("You are signed in.", "success")
    return page.redirect(f"/s/{slug}/account")


@router.post("/s/{slug}/account/logout")
async def logout(slug: str, request: Request) -> Response:
    page = Page(request)
    await page.form()
    if page.session.token:
        async with Api(request, page.session.token) as api:
            try:
                await api.post("/auth/logout")
            except ApiError:
                pass
    page.session.sign_out()
    page.session.set_cart(slug, None)
    page.session.flash("You are signed out.", "info")
    return page.redirect(f"/s/{slug}/")


@router.post("/s/{slug}/account/preferences")
async def preferences(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        await api.put(f"/storefront/{slug}/me/preferences",
                      json={k: form.get(k) == "on" for k in ("email", "sms", "push", "marketing")})
    page.session.flash("Your preferences are saved.", "success")
    return page.redirect(f"/s/{slug}/account")


@router.post("/s/{slug}/account/addresses")
async def add_address(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    address = {k: form[k].strip() for k in ADDRESS_FIELDS if form.get(k, "").strip()}
    async with Api(request, page.session.token) as api:
        try:
            await api.post(f"/storefront/{slug}/me/addresses", json=address)
            page.session.flash("Address added.", "success")
        except ApiError as exc:
            page.session.data["form_errors"] = {e["field"]: e["message"] for e in exc.errors}
            page.session.flash("Please check the address.", "error")
    return page.redirect(f"/s/{slug}/account")


@router.post("/s/{slug}/account/addresses/{address_id}/delete")
async def remove_address(slug: str, address_id: uuid.UUID, request: Request) -> Response:
    page = Page(request)
    await page.form()
    async with Api(request, page.session.token) as api:
        await api.delete(f"/storefront/{slug}/me/addresses/{address_id}")
    return page.redirect(f"/s/{slug}/account")


@router.post("/s/{slug}/account/push")
async def register_push(slug: str, request: Request) -> Response:
    """The browser's push subscription (sent by push.js, with the CSRF token in X-CSRF-Token)."""
    from fastapi.responses import JSONResponse

    from metco.web.pages import CsrfRefused

    page = Page(request)
    if not page.session.csrf_ok(request.headers.get("x-csrf-token")):
        raise CsrfRefused()
    if not page.session.token:
        return JSONResponse({"detail": "Sign in first."}, status_code=401)
    async with Api(request, page.session.token) as api:
        try:
            await api.post(f"/storefront/{slug}/me/push-subscriptions", json=await request.json())
            await api.put(f"/storefront/{slug}/me/preferences",
                          json={**(await api.get(f"/storefront/{slug}/me/preferences")), "push": True})
        except ApiError as exc:
            return JSONResponse({"detail": exc.detail, "errors": exc.errors}, status_code=exc.status)
    return JSONResponse({"subscribed": True}, status_code=201)
