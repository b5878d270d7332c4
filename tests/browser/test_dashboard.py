"""The dashboard in a real browser: an owner creates a product with two variants and a picture, sets stock
and a discount; a shopper's order then appears and is fulfilled and partly refunded from the dashboard; a
cashier sees orders but neither product editing nor settings. axe-core on every page; screenshots."""

from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, screenshot
from tests.browser.test_journeys import _to_payment
from tests.helpers import PASSWORD, add_member, signup


async def _look(page: Any, name: str) -> None:
    await check_accessibility(page, name)
    await page.set_viewport_size(PHONE)
    await screenshot(page, f"{name}-phone")
    await page.set_viewport_size(DESKTOP)
    await screenshot(page, f"{name}-desktop")


async def _sign_in(page: Any, base: str, email: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()


async def test_an_owner_runs_the_store_and_a_cashier_sees_only_orders(live_server: str, api: httpx.AsyncClient,
                                                                      browser: Any) -> None:
    owner = await signup(api)
    store = (await api.post("/stores", headers=owner.headers, json={"name": "Lantern Supply", "currency": "USD",
                                                                    "country": "US"})).json()
    await api.post(f"/stores/{store['id']}/shipping-zones", headers=owner.headers, json={
        "name": "US", "countries": ["US"], "rates": [{"name": "Standard", "price": 600},
                                                     {"name": "Express", "price": 1500}]})
    cashier = await add_member(api, owner, store["id"], "cashier")
    context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = await context.new_page()
    await _sign_in(page, live_server, owner.email)
    await page.goto(f"{live_server}/admin/")
    await page.wait_for_selector("text=Net sales, last 30 days")
    await _look(page, "dashboard-home")

    await page.get_by_role("link", name="Products").first.click()
    await page.get_by_role("link", name="Add a product").click()
    await _look(page, "dashboard-product-new")
    await page.get_by_label("Title").fill("Storm Lantern")
    await page.get_by_label("Price (USD)").fill("39.00")
    await page.get_by_label("First option").fill("Finish")
    await page.get_by_label("Its values").first.fill("Brass, Black")
    await page.get_by_label("Status").select_option("active")
    await page.get_by_role("button", name="Create product").click()
    await page.wait_for_selector("text=Product created.")
    await page.get_by_label("Stock of Brass").fill("6")
    await page.get_by_label("Stock of Black").fill("4")
    await page.get_by_label("Price of Black").fill("42.00")
    await page.locator("#f-photo").set_input_files(str(Path(__file__).parent / "mug.png"))
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_selector("text=Saved.")
    assert await page.locator(".thumbs img").count() == 1
    await _look(page, "dashboard-product-edit")

    await page.get_by_role("link", name="Discounts").first.click()
    await page.get_by_label("Title").fill("Lantern Week")
    await page.get_by_label("Code (empty: automatic)").fill("GLOW")
    await page.get_by_label("Value (percent, or amount in USD)").fill("20")
    await page.get_by_role("button", name="Create discount").click()
    await page.wait_for_selector("text=Discount created.")
    await _look(page, "dashboard-discounts")

    shopper = await (await browser.new_context(viewport=PHONE, bypass_csp=True)).new_page()
    await shopper.goto(f"{live_server}/s/{store['slug']}/products/storm-lantern")
    await shopper.get_by_label("Black — $42.00").check()
    await shopper.get_by_role("button", name="Add to cart").click()
    await shopper.get_by_label("Discount code").fill("glow")
    await shopper.get_by_role("button", name="Apply").click()
    await shopper.wait_for_selector("text=Discount applied.")
    await _to_payment(shopper, live_server, store["slug"])
    await shopper.get_by_label("Card number").fill("4242 4242 4242 4242")
    await shopper.get_by_label("Expiry").fill("12/34")
    await shopper.get_by_label("CVC").fill("123")
    await shopper.get_by_role("button", name="Pay").click()
    await shopper.get_by_role("button", name="Pay $").click()
    await shopper.wait_for_selector("text=Thank you! Your order is placed.")

    await page.get_by_role("link", name="Orders").first.click()
    await page.get_by_role("link", name="#1001").click()
    await page.wait_for_selector("h1:has-text('Order #1001')")
    await _look(page, "dashboard-order")
    await page.get_by_label("Carrier").fill("UPS")
    await page.get_by_label("Tracking number (optional)").fill("1Z999AA10123456784")
    await page.get_by_role("button", name="Create fulfillment").click()
    await page.wait_for_selector("text=Fulfillment created.")
    await page.get_by_label("Amount (USD)").fill("5.00")
    await page.get_by_label("Reason").first.fill("Scuffed base")
    await page.get_by_role("button", name="Refund").click()
    await page.wait_for_selector("text=Refund made.")
    text = await page.inner_text("main")
    assert "shipped" in text and "partially refunded" in text
    for path, name in (("/admin/inventory", "dashboard-inventory"), ("/admin/customers", "dashboard-customers"),
                       ("/admin/balance", "dashboard-balance"), ("/admin/settings", "dashboard-settings"),
                       ("/admin/inbox", "dashboard-inbox")):
        await page.goto(f"{live_server}{path}")
        await _look(page, name)
    await context.close()

    cashier_context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
    seen = await cashier_context.new_page()
    await _sign_in(seen, live_server, cashier.email)
    await seen.goto(f"{live_server}/admin/")
    nav = await seen.inner_text("nav[aria-label=Dashboard]")
    assert "Orders" in nav and "Products" not in nav and "Settings" not in nav
    await seen.get_by_role("link", name="Orders").first.click()
    await seen.get_by_role("link", name="#1001").click()
    assert await seen.get_by_role("button", name="Create fulfillment").count() == 0
    response = await seen.goto(f"{live_server}/admin/settings")
    assert response.status == 403
    await check_accessibility(seen, "dashboard-forbidden")
    await cashier_context.close()
