"""The storefront's pages over HTTP: status codes, a whole purchase through forms, CSRF, escaping and SEO."""

import json
import re

import httpx

from tests.shop import Shop, open_shop
from tests.web.conftest import csrf_of


async def _buy_through_pages(browser: httpx.AsyncClient, shop: Shop, card: str = "4242424242424242") -> httpx.Response:
    product = await browser.get(f"/s/{shop.slug}/products/{shop.product['handle']}")
    assert product.status_code == 200
    token = csrf_of(product.text)
    added = await browser.post(f"/s/{shop.slug}/cart/add", data={
        "csrf_token": token, "variant_id": shop.variant_id, "quantity": "2"})
    assert added.status_code == 200 and "Your cart" in added.text
    await browser.post(f"/s/{shop.slug}/checkout/address", data={
        "csrf_token": token, "email": "web@example.com", "name": "Wendy Web", "line1": "1 Main St",
        "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"})
    shipping = await browser.get(f"/s/{shop.slug}/checkout", params={"step": "shipping"})
    assert "rate_id" in shipping.text, re.sub(r"\s+", " ", shipping.text)[-3000:]
    rate_id = re.search(r'name="rate_id" value="([^"]+)"', shipping.text).group(1)  # type: ignore[union-attr]
    await browser.post(f"/s/{shop.slug}/checkout/shipping", data={"csrf_token": token, "rate_id": rate_id})
    card_page = await browser.post(f"/s/{shop.slug}/checkout/payment", data={"csrf_token": token, "method": "card"})
    assert "Pay by card" in card_page.text and str(card_page.url.path) == "/sandbox/pay"
    review = await browser.post("/sandbox/pay", data={"csrf_token": token, "number": card, "exp": "12/34",
                                                      "cvc": "123", "return_to": f"/s/{shop.slug}/checkout/pay"})
    if "Review and pay" not in review.text:
        return review
    attempt = re.search(r'name="attempt" value="([^"]+)"', review.text).group(1)  # type: ignore[union-attr]
    pay_token = re.search(r'name="token" value="([^"]+)"', review.text).group(1)  # type: ignore[union-attr]
    assert pay_token.startswith("tok_") and card not in review.text
    return await browser.post(f"/s/{shop.slug}/checkout/place", data={
        "csrf_token": token, "token": pay_token, "attempt": attempt})


async def test_every_storefront_page_answers(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    for path in ("/", "/products", "/products?q=linen", f"/products/{shop.product['handle']}", "/cart",
                 "/checkout", "/sitemap.xml", "/robots.txt", "/theme.css"):
        response = await browser.get(f"/s/{shop.slug}{path}")
        assert response.status_code == 200, (path, response.status_code)
    assert (await browser.get("/s/no-such-store/")).status_code == 404
    assert (await browser.get(f"/s/{shop.slug}/products/no-such-thing")).status_code == 404
    assert "<h1>Not found</h1>" in (await browser.get(f"/s/{shop.slug}/products/no-such-thing")).text


async def test_a_shopper_buys_through_the_pages(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500)
    done = await _buy_through_pages(browser, shop)
    assert done.status_code == 200, done.text
    assert "Thank you! Your order is placed." in done.text and "Order #1001" in done.text
    assert "$55.00" in done.text  # 2 x 25.00 + 5.00 shipping
    orders = (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()["items"]
    assert [o["email"] for o in orders] == ["web@example.com"]
    assert (await browser.get(f"/s/{shop.slug}/cart")).text.count("Your cart is empty") == 1


async def test_a_declined_card_says_so_and_keeps_the_cart(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    page = await _buy_through_pages(browser, shop, card="4000000000000002")
    assert page.status_code == 200
    assert "Your card was not charged" in page.text and "declined" in page.text
    cart = await browser.get(f"/s/{shop.slug}/cart")
    assert "Linen Shirt" in cart.text
    orders = (await client.get(f"/stores/{shop.id}/orders", headers=shop.owner.headers)).json()["items"]
    assert orders == []


async def test_a_form_without_the_csrf_token_is_refused(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    await browser.get(f"/s/{shop.slug}/")
    refused = await browser.post(f"/s/{shop.slug}/cart/add", data={"variant_id": shop.variant_id, "quantity": "1"})
    assert refused.status_code == 403 and "expired" in refused.text
    wrong = await browser.post(f"/s/{shop.slug}/cart/add", data={"csrf_token": "forged", "variant_id": shop.variant_id})
    assert wrong.status_code == 403


async def test_a_script_in_a_description_never_runs(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    await client.patch(f"/stores/{shop.id}/products/{shop.product['id']}", headers=shop.owner.headers, json={
        "title": "<script>alert(1)</script> Shirt", "description": "<p>Soft</p><script>alert('x')</script>"})
    page = await browser.get(f"/s/{shop.slug}/products/{shop.product['handle']}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shirt" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


async def test_search_engines_find_titles_open_graph_structured_data_and_a_sitemap(
        client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    page = (await browser.get(f"/s/{shop.slug}/products/{shop.product['handle']}")).text
    assert "<title>Linen Shirt · " in page and 'property="og:type" content="product"' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert data["@type"] == "Product" and data["offers"][0]["price"] == "25.00"
    sitemap = (await browser.get(f"/s/{shop.slug}/sitemap.xml")).text
    assert f"/s/{shop.slug}/products/{shop.product['handle']}</loc>" in sitemap
    robots = (await browser.get(f"/s/{shop.slug}/robots.txt")).text
    assert f"Sitemap: http://test/s/{shop.slug}/sitemap.xml" in robots


async def test_the_card_page_accepts_only_test_numbers_and_returns_only_here(browser: httpx.AsyncClient,
                                                                             client: httpx.AsyncClient) -> None:
    page = await browser.get("/sandbox/pay", params={"return_to": "https://evil.example/steal"})
    assert 'name="return_to" value="/"' in page.text
    token = csrf_of(page.text)
    refused = await browser.post("/sandbox/pay", data={"csrf_token": token, "number": "1234", "return_to": "/"})
    assert "not one of the sandbox" in refused.text


async def test_listings_sort_by_price_and_name_across_pages(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    from tests.shop import add_product

    shop = await open_shop(client, price=2500)
    for title, price in (("Alpha Mug", 900), ("Zulu Cap", 4000), ("Mike Tee", 1500)):
        await add_product(client, shop.owner, shop.id, title=title, price=price)
    api = f"/storefront/{shop.slug}/products"

    async def walk(sort: str) -> list[str]:
        titles, cursor = [], None
        while True:
            page = (await client.get(api, params={"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})})).json()
            titles += [p["title"] for p in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                return titles

    assert await walk("price_asc") == ["Alpha Mug", "Mike Tee", "Linen Shirt", "Zulu Cap"]
    assert await walk("price_desc") == ["Zulu Cap", "Linen Shirt", "Mike Tee", "Alpha Mug"]
    assert await walk("title") == ["Alpha Mug", "Linen Shirt", "Mike Tee", "Zulu Cap"]
    assert (await client.get(api, params={"sort": "cheapest"})).status_code == 422
    listing = await browser.get(f"/s/{shop.slug}/products", params={"sort": "price_desc"})
    assert listing.text.index("Zulu Cap") < listing.text.index("Alpha Mug")
    assert '<option value="price_desc" selected>' in listing.text


async def test_pages_stay_light(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    """Under 60 KB of CSS and JavaScript on any page."""
    import re as regex

    shop = await open_shop(client)
    for path in ("/", f"/products/{shop.product['handle']}", "/cart"):
        html: str = (await browser.get(f"/s/{shop.slug}{path}")).text
        assets = regex.findall(r'(?:href|src)="(/(?:static|s)/[^"]+\.(?:css|js))"', html)
        total = 0
        for asset in assets:
            total += len((await browser.get(asset)).content)
        assert assets and total < 60_000, (path, total)
