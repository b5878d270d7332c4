"""In a real browser: a newcomer opens a store; a shopper picks two variants, applies a code, pays with a
sandbox test card and sees the confirmation; a declined card shows why and keeps the cart. Every page is
checked with axe-core and photographed at phone and desktop widths for docs/screenshots/."""

from typing import Any

import httpx

from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot
from tests.helpers import signup

_OWNERS: dict[str, str] = {}  # store slug -> its owner's email, as _shop made them
ADDRESS = {"name": "Sam Shopper", "line1": "1 Main St", "city": "Springfield", "region": "IL",
           "postal_code": "62701", "country": "US"}


async def _shop(api: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    owner = await signup(api)
    store = (await api.post("/stores", headers=owner.headers, json={
        "name": "Harbor Goods", "currency": "USD", "country": "US", "brand_color": "#0B5563"})).json()
    await api.patch(f"/stores/{store['id']}", headers=owner.headers, json={"brand_color": "#0B5563",
                                                                         "accent_color": "#B3541E"})
    category = (await api.post(f"/stores/{store['id']}/categories", headers=owner.headers,
                               json={"name": "Apparel"})).json()
    product = (await api.post(f"/stores/{store['id']}/products", headers=owner.headers, json={
        "title": "Harbor Hoodie", "status": "active", "vendor": "Harbor Goods", "category_ids": [category["id"]],
        "description": "<p>Heavy cotton, made to last.</p><script>alert('x')</script>",
        "options": [{"name": "Size", "values": ["S", "M", "L"]}],
        "variants": [{"option_values": {"Size": s}, "price": p, "sku": f"HH-{s}"} for s, p in
                     (("S", 5400), ("M", 5400), ("L", 5900))]})).json()
    for variant in product["variants"]:
        await api.put(f"/stores/{store['id']}/inventory/{variant['id']}", headers=owner.headers,
                      json={"on_hand": 0 if variant["sku"] == "HH-L" else 10})
    await api.post(f"/stores/{store['id']}/shipping-zones", headers=owner.headers, json={
        "name": "US", "countries": ["US"], "rates": [{"name": "Standard", "price": 600},
                                                     {"name": "Express", "price": 1500}]})
    await api.post(f"/stores/{store['id']}/discounts", headers=owner.headers, json={
        "title": "Welcome", "code": "WELCOME10", "kind": "percentage", "value": 10})
    _OWNERS[store["slug"]] = owner.email
    return store["slug"], product


async def _look(page: Any, name: str) -> None:
    await check_accessibility(page, name)
    await page.set_viewport_size(PHONE)
    await screenshot(page, f"{name}-phone")
    await page.set_viewport_size(DESKTOP)
    await screenshot(page, f"{name}-desktop")


async def _add(page: Any, base: str, slug: str, size: str) -> None:
    await page.goto(f"{base}/s/{slug}/products/harbor-hoodie")
    await page.get_by_label(f"{size} — $54.00").check()
    await page.get_by_role("button", name="Add to cart").click()
    await page.wait_for_url(f"{base}/s/{slug}/cart")


async def _to_payment(page: Any, base: str, slug: str) -> None:
    await page.get_by_role("link", name="Check out").click()
    await page.get_by_label("Email").fill("sam@example.com")
    for field, label in (("name", "Full name"), ("line1", "Address"), ("city", "City"),
                         ("region", "State or region (optional)"), ("postal_code", "Postal code")):
        await page.get_by_label(label, exact=True).fill(ADDRESS[field])
    await page.get_by_label("Country code (e.g. US)").fill("US")
    await page.get_by_role("button", name="Continue to shipping").click()
    await page.get_by_label("Express — $15.00").check()
    await page.get_by_role("button", name="Continue to payment").click()
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url(f"{base}/sandbox/pay*")


async def test_a_shopper_buys_two_variants_with_a_code_and_a_test_card(
        live_server: str, api: httpx.AsyncClient, browser: Any) -> None:
    slug, _ = await _shop(api)
    context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{live_server}/s/{slug}/")
    await page.wait_for_selector("text=Harbor Hoodie")
    await _look(page, "storefront-home")
    await page.get_by_role("link", name="Apparel").first.click()
    await page.wait_for_selector("h1:has-text('Apparel')")
    await _look(page, "storefront-category")
    await page.goto(f"{live_server}/s/{slug}/products/harbor-hoodie")
    assert await page.locator("script:has-text(\"alert('x')\")").count() == 0
    await page.get_by_label("M — $54.00").check()
    assert await page.locator("#availability").inner_text() == "In stock"
    assert await page.get_by_label("L — $59.00 (sold out)").is_disabled()
    await _look(page, "product")
    await _add(page, live_server, slug, "S")
    await _add(page, live_server, slug, "M")
    await page.get_by_label("Discount code").fill("welcome10")
    await page.get_by_role("button", name="Apply").click()
    await page.wait_for_selector("text=Discount applied.")
    assert "WELCOME10" in await page.content()
    await _look(page, "cart")
    await _to_payment(page, live_server, slug)
    await _look(page, "sandbox-card-page")
    await page.get_by_label("Card number").fill("4242 4242 4242 4242")
    await page.get_by_label("Expiry").fill("12/34")
    await page.get_by_label("CVC").fill("123")
    await page.get_by_role("button", name="Pay").click()
    await page.wait_for_selector("h1:has-text('Review and pay')")
    assert "4242" not in await page.content()
    await _look(page, "checkout-review")
    await page.get_by_role("button", name="Pay $").click()
    await page.wait_for_selector("text=Thank you! Your order is placed.")
    text = await page.inner_text("main")
    assert "Order #1001" in text and "Harbor Hoodie" in text
    # 2 x 54.00 = 108.00, 10% off = 97.20, express 15.00: 112.20 (no tax zone)
    assert "$112.20" in text
    await _look(page, "order-confirmation")
    await context.close()


async def test_a_declined_card_says_why_and_keeps_the_cart(live_server: str, api: httpx.AsyncClient,
                                                          browser: Any) -> None:
    slug, _ = await _shop(api)
    context = await browser.new_context(viewport=PHONE, bypass_csp=True)
    page = await context.new_page()
    await _add(page, live_server, slug, "S")
    await _to_payment(page, live_server, slug)
    await page.get_by_label("Card number").fill("4000 0000 0000 0002")
    await page.get_by_label("Expiry").fill("12/34")
    await page.get_by_label("CVC").fill("123")
    await page.get_by_role("button", name="Pay").click()
    await page.get_by_role("button", name="Pay $").click()
    alert = page.get_by_role("alert")
    await alert.wait_for()
    assert "Your card was not charged" in await alert.inner_text()
    await check_accessibility(page, "declined")
    await page.goto(f"{live_server}/s/{slug}/cart")
    assert "Harbor Hoodie" in await page.inner_text("main")
    await context.close()


async def test_a_newcomer_signs_up_and_opens_a_store(live_server: str, api: httpx.AsyncClient, browser: Any) -> None:
    from pathlib import Path

    context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{live_server}/")
    await _look(page, "platform-home")
    await page.get_by_label("Your name").fill("Ola")
    await page.get_by_label("Email").fill("ola@example.com")
    await page.get_by_label("Password (8 characters or more)").fill("ola's long passphrase")
    await page.get_by_role("button", name="Create my store").click()
    await page.wait_for_selector("h1:has-text('Set up your store')")
    await _look(page, "setup-store")
    await page.get_by_label("Store name").fill("Ola's Ceramics")
    await page.get_by_label("Store address (where you ship from)").fill("3 Kiln Road, Portland")
    await page.get_by_role("button", name="Create the store").click()
    await page.wait_for_selector("text=Add what you sell")
    await _look(page, "setup-product")
    await page.get_by_label("Product name").fill("Speckled Mug")
    await page.get_by_label("Price (USD)").fill("24.00")
    await page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(str(Path(__file__).parent / "mug.png"))
    await page.get_by_role("button", name="Add the product").click()
    await page.wait_for_selector("text=How will customers pay")
    await _look(page, "setup-payment")
    await page.get_by_role("button", name="Open my store").click()
    await page.wait_for_selector("text=Your store is live!")
    assert "Speckled Mug" in await page.inner_text("main")
    assert page.url.endswith("/s/olas-ceramics/")
    await context.close()


async def _owner_email(api: httpx.AsyncClient, slug: str) -> str:
    return _OWNERS[slug]
