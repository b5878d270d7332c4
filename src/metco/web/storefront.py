"""A store's storefront at /s/{slug}/: browsing, the cart, checkout, orders and the customer's account.

Every page is a thin client of the storefront JSON API (`web/api.py`); forms post back here with the
session's CSRF token and answer with a redirect (post/redirect/get), so a refresh never submits twice."""

import uuid
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from metco.web.api import Api, ApiError
from metco.web.pages import Page, error_page

router = APIRouter(include_in_schema=False)

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


async def _store(api: Api, slug: str) -> dict[str, Any]:
    store: dict[str, Any] = await api.get(f"/storefront/{slug}")
    return store


async def _cart(page: Page, api: Api, slug: str, *, create: bool = False) -> dict[str, Any] | None:
    cart_id = page.session.cart(slug)
    if cart_id:
        try:
            cart: dict[str, Any] = await api.get(f"/storefront/{slug}/carts/{cart_id}")
            if cart["status"] == "active":
                return cart
        except ApiError:
            pass
        page.session.set_cart(slug, None)
    if not create:
        return None
    cart = await api.post(f"/storefront/{slug}/carts")
    page.session.set_cart(slug, str(cart["id"]))
    return cart


def _count(cart: dict[str, Any] | None) -> int:
    return sum(line["quantity"] for line in cart["lines"]) if cart else 0


async def _chrome(page: Page, api: Api, slug: str) -> dict[str, Any]:
    """What every storefront page shows around its content: the store, its categories, the cart count."""
    store = await _store(api, slug)
    categories = await api.get(f"/storefront/{slug}/categories")
    cart = await _cart(page, api, slug)
    return {"store": store, "categories": categories, "cart_count": _count(cart), "slug": slug}


@router.get("/s/{slug}/", response_class=HTMLResponse)
async def home(slug: str, request: Request) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        products = await api.get(f"/storefront/{slug}/products", params={"limit": 12})
    return page.render("storefront/home.html", products=products["items"], **chrome,
                       title=chrome["store"]["name"], description=chrome["store"].get("description"))


@router.get("/s/{slug}", include_in_schema=False)
async def home_without_slash(slug: str) -> RedirectResponse:
    return RedirectResponse(f"/s/{quote(slug)}/", status_code=308)


@router.get("/s/{slug}/products", response_class=HTMLResponse)
async def listing(slug: str, request: Request, q: str | None = None, category: str | None = None,
                  cursor: str | None = None, sort: str = "featured") -> Response:
    page = Page(request)
    params: dict[str, Any] = {"limit": 24, "sort": sort}
    if q:
        params["q"] = q[:200]
    if category:
        params["category"] = category[:120]
    if cursor:
        params["cursor"] = cursor
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        try:
            found = await api.get(f"/storefront/{slug}/products", params=params)
        except ApiError:
            found = {"items": [], "next_cursor": None}
    current = next((c for c in chrome["categories"] if c["handle"] == category), None)
    heading = f"Search: {q}" if q else (current["name"] if current else "All products")
    more = {k: v for k, v in (("q", q), ("category", category), ("sort", sort)) if v}
    next_url = (f"/s/{slug}/products?{urlencode(more | {'cursor': found['next_cursor']})}"
                if found.get("next_cursor") else None)
    return page.render("storefront/listing.html", products=found["items"], heading=heading, q=q or "",
                       category=category, sort=sort, next_url=next_url, title=f"{heading} · {chrome['store']['name']}",
                       **chrome)


@router.get("/s/{slug}/products/{handle}", response_class=HTMLResponse)
async def product(slug: str, handle: str, request: Request) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        try:
            found = await api.get(f"/storefront/{slug}/products/{quote(handle)}")
        except ApiError as exc:
            if exc.status == 404:
                return error_page(request, 404, "Not found", "This product is not (or no longer) in the store.")
            raise
    description = _plain(found["description_html"]) or found["title"]
    return page.render("storefront/product.html", product=found, title=f"{found['title']} · {chrome['store']['name']}",
                       description=description, structured=_product_ld(page, chrome["store"], found, description),
                       **chrome)


def _plain(html_text: str) -> str:
    from metco.notifications.rendering import html_to_text

    return " ".join(html_to_text(html_text).split())[:300]


def _product_ld(page: Page, store: dict[str, Any], product: dict[str, Any], description: str) -> dict[str, Any]:
    """schema.org Product structured data, for search engines' rich results."""
    from metco.kit.money import to_decimal_text

    base = page.settings.base_url
    url = f"{base}/s/{store['slug']}/products/{quote(product['handle'])}"
    return {
        "@context": "https://schema.org", "@type": "Product", "name": product["title"], "description": description,
        "url": url, "image": [f"{base}{i['url']}" for i in product["images"]],
        "brand": {"@type": "Brand", "name": product.get("vendor") or store["name"]},
        "offers": [{"@type": "Offer", "sku": v["sku"], "price": to_decimal_text(v["price"], product["currency"]),
                    "priceCurrency": product["currency"], "url": url,
                    "availability": f"https://schema.org/{'InStock' if v['available'] else 'OutOfStock'}"}
                   for v in product["variants"]],
    }


@router.post("/s/{slug}/cart/add")
async def add_to_cart(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug, create=True)
        assert cart is not None
        try:
            await api.post(f"/storefront/{slug}/carts/{cart['id']}/lines",
                           json={"variant_id": form.get("variant_id", ""), "quantity": _int(form.get("quantity"), 1)})
            page.session.flash("Added to your cart.", "success")
        except ApiError as exc:
            page.session.flash(_why(exc), "error")
            back = form.get("back") or f"/s/{slug}/"
            return page.redirect(back if back.startswith(f"/s/{slug}/") else f"/s/{slug}/")
    return page.redirect(f"/s/{slug}/cart")


@router.get("/s/{slug}/cart", response_class=HTMLResponse)
async def cart_page(slug: str, request: Request) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        cart = await _cart(page, api, slug)
    return page.render("storefront/cart.html", cart=cart, title=f"Your cart · {chrome['store']['name']}", **chrome)


@router.post("/s/{slug}/cart/lines/{line_id}")
async def change_line(slug: str, line_id: uuid.UUID, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug)
        if cart is not None:
            quantity = _int(form.get("quantity"), 1)
            try:
                if quantity <= 0 or form.get("remove"):
                    await api.delete(f"/storefront/{slug}/carts/{cart['id']}/lines/{line_id}")
                else:
                    await api.patch(f"/storefront/{slug}/carts/{cart['id']}/lines/{line_id}",
                                    json={"quantity": quantity})
            except ApiError as exc:
                page.session.flash(_why(exc), "error")
    return page.redirect(f"/s/{slug}/cart")


@router.post("/s/{slug}/cart/discount")
async def add_discount(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug)
        if cart is not None:
            try:
                if form.get("remove"):
                    await api.delete(f"/storefront/{slug}/carts/{cart['id']}/discount-codes/{quote(form['remove'])}")
                else:
                    await api.post(f"/storefront/{slug}/carts/{cart['id']}/discount-codes",
                                   json={"code": form.get("code", "").strip()})
                    page.session.flash("Discount applied.", "success")
            except ApiError as exc:
                page.session.flash(_why(exc), "error")
    return page.redirect(f"/s/{slug}/cart")


@router.get("/s/{slug}/checkout", response_class=HTMLResponse)
async def checkout_page(slug: str, request: Request, step: str = "address") -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        cart = await _cart(page, api, slug)
        if cart is None or not cart["lines"]:
            return page.redirect(f"/s/{slug}/cart")
        rates = await api.get(f"/storefront/{slug}/carts/{cart['id']}/shipping-rates") if cart["shipping_address"] \
            else []
    if step not in ("address", "shipping", "payment"):
        step = "address"
    if step != "address" and not cart["shipping_address"]:
        step = "address"
    if step == "payment" and not cart["shipping_rate"]:
        step = "shipping"
    return page.render("storefront/checkout.html", cart=cart, rates=rates, step=step,
                       email=page.session.data.get("email", ""), address=cart["shipping_address"] or {},
                       errors=page.session.data.pop("form_errors", {}), title=f"Checkout · {chrome['store']['name']}",
                       **chrome)


@router.post("/s/{slug}/checkout/address")
async def checkout_address(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    page.session.data["email"] = form.get("email", "").strip()[:320]
    page.session.changed = True
    address = {k: form[k].strip() for k in ADDRESS_FIELDS if form.get(k, "").strip()}
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug)
        if cart is None:
            return page.redirect(f"/s/{slug}/cart")
        errors: dict[str, str] = {}
        if "@" not in page.session.data["email"]:
            errors["email"] = "Enter the email address for your receipt."
        try:
            await api.put(f"/storefront/{slug}/carts/{cart['id']}/shipping-address", json=address)
        except ApiError as exc:
            errors |= {e["field"]: e["message"] for e in exc.errors} or {"form": exc.detail}
        if errors:
            page.session.data["form_errors"] = errors
            page.session.flash("Please check the highlighted fields.", "error")
            return page.redirect(f"/s/{slug}/checkout")
    return page.redirect(f"/s/{slug}/checkout?step=shipping")


@router.post("/s/{slug}/checkout/shipping")
async def checkout_shipping(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug)
        if cart is None:
            return page.redirect(f"/s/{slug}/cart")
        try:
            await api.put(f"/storefront/{slug}/carts/{cart['id']}/shipping-rate", json={"rate_id": form.get("rate_id")})
        except ApiError as exc:
            page.session.flash(_why(exc), "error")
            return page.redirect(f"/s/{slug}/checkout?step=shipping")
    return page.redirect(f"/s/{slug}/checkout?step=payment")


@router.post("/s/{slug}/checkout/payment")
async def checkout_payment(slug: str, request: Request) -> Response:
    """Card payments go to the provider's own page first (here, the sandbox's hosted card page), which sends the
    shopper back with a token; manual methods place the order at once."""
    page = Page(request)
    form = await page.form()
    method = form.get("method", "card")
    if method == "card":
        back = f"/s/{slug}/checkout/pay"
        return page.redirect(f"/sandbox/pay?{urlencode({'return_to': back, 'store': slug})}")
    return await _place(page, request, slug, provider="manual", token=None)


@router.get("/s/{slug}/checkout/pay", response_class=HTMLResponse)
async def checkout_review(slug: str, request: Request, token: str = "") -> Response:
    """Back from the card page with a token: one last look, then place the order."""
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        cart = await _cart(page, api, slug)
    if cart is None or not token.startswith("tok_"):
        return page.redirect(f"/s/{slug}/checkout?step=payment")
    return page.render("storefront/review.html", cart=cart, token=token, email=page.session.data.get("email", ""),
                       title=f"Review · {chrome['store']['name']}", **chrome)


@router.post("/s/{slug}/checkout/place")
async def checkout_place(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    return await _place(page, request, slug, provider="sandbox", token=form.get("token"),
                        attempt=form.get("attempt"))


async def _place(page: Page, request: Request, slug: str, *, provider: str, token: str | None,
                 attempt: str | None = None) -> Response:
    email = page.session.data.get("email") or ""
    async with Api(request, page.session.token) as api:
        cart = await _cart(page, api, slug)
        if cart is None:
            return page.redirect(f"/s/{slug}/cart")
        try:
            order = await api.post(f"/storefront/{slug}/carts/{cart['id']}/checkout",
                                   headers={"Idempotency-Key": attempt or f"web:{cart['id']}:{uuid.uuid4()}"},
                                   json={"email": email, "payment": {"provider": provider, "token": token}})
        except ApiError as exc:
            if exc.status == 402:
                page.session.flash(f"Your card was not charged: {exc.detail} Please try another card.", "error")
            else:
                page.session.flash(_why(exc), "error")
            return page.redirect(f"/s/{slug}/checkout?step=payment")
    page.session.set_cart(slug, None)
    action = order.get("next_action") or {}
    if action.get("type") == "redirect" and action.get("url"):
        return page.redirect(action["url"])
    page.session.flash("Thank you! Your order is placed.", "success")
    return page.redirect(f"/s/{slug}/orders/{order['id']}?access_token={quote(order['access_token'])}")


@router.get("/s/{slug}/orders/{order_id}", response_class=HTMLResponse)
async def order_page(slug: str, order_id: uuid.UUID, request: Request, access_token: str | None = None) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        try:
            order = await api.get(f"/storefront/{slug}/orders/{order_id}",
                                  params={"access_token": access_token} if access_token else None)
        except ApiError:
            return error_page(request, 404, "Not found", "We could not find this order. Check the link in your email.")
    return page.render("storefront/order.html", order=order, access_token=access_token,
                       title=f"Order {order['name']} · {chrome['store']['name']}", **chrome)


@router.get("/s/{slug}/theme.css")
async def theme(slug: str, request: Request) -> Response:
    """The store's colours as CSS variables (a stylesheet, so the pages need no inline styles)."""
    async with Api(request, None) as api:
        store = await _store(api, slug)
    brand = _colour(store.get("brand_color"), "#1F4E79")
    accent = _colour(store.get("accent_color"), "#B4530F")
    css = (f":root{{--brand:{brand};--on-brand:{_readable_on(brand)};--accent:{accent};"
           f"--on-accent:{_readable_on(accent)}}}\n")
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=300"})


@router.get("/s/{slug}/sitemap.xml")
async def sitemap(slug: str, request: Request) -> Response:
    page = Page(request)
    urls: list[str] = [f"{page.settings.base_url}/s/{slug}/"]
    async with Api(request, None) as api:
        await _store(api, slug)
        for category in await api.get(f"/storefront/{slug}/categories"):
            urls.append(f"{page.settings.base_url}/s/{slug}/products?category={quote(category['handle'])}")
        cursor: str | None = None
        while True:
            found = await api.get(f"/storefront/{slug}/products", params={"limit": 100, **({"cursor": cursor}
                                                                                         if cursor else {})})
            urls += [f"{page.settings.base_url}/s/{slug}/products/{quote(p['handle'])}" for p in found["items"]]
            cursor = found.get("next_cursor")
            if not cursor or len(urls) > 45_000:
                break
    from metco.web.pages import env

    xml = env.get_template("storefront/sitemap.xml").render(urls=urls)
    return Response(xml, media_type="application/xml")


@router.get("/s/{slug}/robots.txt")
async def store_robots(slug: str, request: Request) -> PlainTextResponse:
    base = request.app.state.settings.base_url
    return PlainTextResponse(f"User-agent: *\nDisallow: /s/{slug}/cart\nDisallow: /s/{slug}/checkout\n"
                             f"Disallow: /s/{slug}/orders/\nDisallow: /s/{slug}/account\n"
                             f"Sitemap: {base}/s/{slug}/sitemap.xml\n")


def _colour(value: object, default: str) -> str:
    text = str(value or "")
    return text if len(text) == 7 and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:]) \
        else default


def _readable_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (WCAG relative luminance), so any brand colour a
    merchant picks keeps its text legible."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _why(exc: ApiError) -> str:
    return next((e["message"] for e in exc.errors if e.get("message")), None) or exc.detail
