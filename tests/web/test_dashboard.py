"""The dashboard over HTTP: the owner sees sales, orders and products, fulfils and refunds an order; a
cashier sees orders but neither products nor actions, and is refused (403) where their role may not go."""

import re

import httpx

from tests.helpers import PASSWORD, add_member
from tests.shop import Shop, cart_with, checkout, open_shop
from tests.web.conftest import csrf_of


async def _sign_in(browser: httpx.AsyncClient, email: str) -> None:
    page = await browser.get("/login")
    await browser.post("/login", data={"csrf_token": csrf_of(page.text), "email": email, "password": PASSWORD})


async def _order(client: httpx.AsyncClient, shop: Shop) -> dict[str, object]:
    result: dict[str, object] = (await checkout(client, shop, (await cart_with(client, shop, quantity=2))["id"])).json()
    return result


async def test_the_owner_runs_an_order_from_the_dashboard(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client, price=2500)
    order = await _order(client, shop)
    await _sign_in(browser, shop.owner.email)
    home = await browser.get("/admin/")
    assert home.status_code == 200 and "Net sales, last 30 days" in home.text and "<svg" in home.text
    assert re.search(r"To fulfil</span><strong><a [^>]+>1</a>", home.text)
    listed = await browser.get("/admin/orders", params={"status": "confirmed"})
    assert "#1001" in listed.text
    detail = await browser.get(f"/admin/orders/{order['id']}")
    token = csrf_of(detail.text)
    line_id = re.search(r'name="qty_([0-9a-f-]+)"', detail.text).group(1)  # type: ignore[union-attr]
    shipped = await browser.post(f"/admin/orders/{order['id']}/fulfil", data={
        "csrf_token": token, f"qty_{line_id}": "1", "carrier": "UPS", "tracking_number": "1Z1", "shipped": "on"})
    assert "Fulfillment created." in shipped.text and "partially fulfilled" in shipped.text
    refunded = await browser.post(f"/admin/orders/{order['id']}/refund", data={
        "csrf_token": token, "amount": "10.00", "reason": "Scratched", "key": "k1"})
    assert "Refund made." in refunded.text and "partially refunded" in refunded.text
    too_much = await browser.post(f"/admin/orders/{order['id']}/refund", data={
        "csrf_token": token, "amount": "999.00", "key": "k2"})
    assert 'aria-describedby="e-amount"' in too_much.text  # the field's error beside it
    products = await browser.get("/admin/products")
    assert "Linen Shirt" in products.text


async def test_a_cashier_sees_orders_but_not_products_or_actions(client: httpx.AsyncClient,
                                                                browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    order = await _order(client, shop)
    cashier = await add_member(client, shop.owner, shop.id, "cashier")
    await _sign_in(browser, cashier.email)
    home = await browser.get("/admin/")
    assert 'href="/admin/orders"' in home.text and 'href="/admin/products"' not in home.text
    assert "Net sales" not in home.text
    detail = await browser.get(f"/admin/orders/{order['id']}")
    assert detail.status_code == 200 and "Create fulfillment" not in detail.text and "<h2>Refund</h2>" not in detail.text
    assert (await browser.get("/admin/products")).status_code == 403
    refused = await browser.post(f"/admin/orders/{order['id']}/cancel", data={"csrf_token": csrf_of(home.text)})
    assert refused.status_code == 403
    after = (await client.get(f"/stores/{shop.id}/orders/{order['id']}", headers=shop.owner.headers)).json()
    assert after["status"] == "confirmed"


async def test_the_dashboard_needs_a_signed_in_merchant(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/admin/")
    assert str(response.url.path) == "/login"


async def test_the_owner_builds_a_product_a_discount_and_sets_up_the_store(
        client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    import io

    from PIL import Image

    shop = await open_shop(client)
    await _sign_in(browser, shop.owner.email)
    form = await browser.get("/admin/products/new")
    token = csrf_of(form.text)
    bad = await browser.post("/admin/products/new", data={"csrf_token": token, "title": "Mug", "price": "abc"})
    assert 'aria-describedby="e-price"' in bad.text and 'value="Mug"' in bad.text  # kept what was typed
    made = await browser.post("/admin/products/new", data={
        "csrf_token": token, "title": "Camp Mug", "price": "14.00", "status": "active",
        "option1_name": "Colour", "option1_values": "Red, Blue"})
    assert "Product created." in made.text and "Red" in made.text and "Blue" in made.text
    product_path = str(made.url.path)
    ids = re.findall(r'name="stock_([0-9a-f-]+)"', made.text)
    assert len(ids) == 2
    picture = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(picture, "PNG")
    saved = await browser.post(product_path, data={
        "csrf_token": token, "title": "Camp Mug", "status": "active", "description": "Enamel.",
        f"price_{ids[0]}": "15.50", f"stock_{ids[0]}": "7", f"stock_{ids[1]}": "3"},
        files={"photo": ("mug.png", picture.getvalue(), "image/png")})
    assert "Saved." in saved.text and 'value="15.50"' in saved.text and 'value="7"' in saved.text
    assert "<img src=\"/media/" in saved.text
    storefront = (await client.get(f"/storefront/{shop.slug}/products/camp-mug")).json()
    assert {v["title"]: v["price"] for v in storefront["variants"]} == {"Red": 1550, "Blue": 1400}
    discount = await browser.post("/admin/discounts", data={"csrf_token": token, "title": "Spring", "code": "SPRING",
                                                            "kind": "percentage", "value": "15"})
    assert "Discount created." in discount.text and "SPRING" in discount.text
    balance = await browser.get("/admin/balance")
    assert balance.status_code == 200 and "Pay out to my bank" in balance.text
    settings = await browser.get("/admin/settings")
    assert "Payments" in settings.text and "Cards (Stripe)" in settings.text
    themed = await browser.post("/admin/settings/store", data={"csrf_token": token, "name": "Corner Shop",
                                                              "brand_color": "#224466", "accent_color": "#aa3300"})
    assert "Saved." in themed.text
    theme = await browser.get(f"/s/{shop.slug}/theme.css")
    assert "--brand:#224466" in theme.text and "--on-accent:#ffffff" in theme.text


async def test_a_cashier_cannot_reach_settings_products_or_balance(client: httpx.AsyncClient,
                                                                  browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    cashier = await add_member(client, shop.owner, shop.id, "cashier")
    await _sign_in(browser, cashier.email)
    for path in ("/admin/settings", "/admin/products/new", "/admin/balance", "/admin/discounts"):
        assert (await browser.get(path)).status_code == 403, path


async def test_inventory_customers_csv_taxes_and_templates(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client, stock=10)
    await _order(client, shop)
    await _sign_in(browser, shop.owner.email)
    page = await browser.get("/admin/inventory")
    token = csrf_of(page.text)
    assert "Linen Shirt" in page.text
    adjusted = await browser.post(f"/admin/inventory/{shop.variant_id}", data={
        "csrf_token": token, "delta": "5", "reason": "restock"})
    assert "Stock adjusted." in adjusted.text and "+5 on hand" in adjusted.text
    people = await browser.get("/admin/customers")
    assert "shopper@example.com" in people.text
    customer_id = re.search(r'href="/admin/customers/([0-9a-f-]+)"', people.text).group(1)  # type: ignore[union-attr]
    detail = await browser.get(f"/admin/customers/{customer_id}")
    assert "#1001" in detail.text
    export = await browser.get("/admin/products/export.csv")
    assert export.headers["content-type"].startswith("text/csv") and "Linen Shirt" in export.text
    bad_row = export.text.strip() + "\nbroken-row,,,,,,,,,,,,,,,,,,,\n"
    imported = await browser.post("/admin/products/csv", data={"csrf_token": token},
                                  files={"file": ("products.csv", bad_row.encode(), "text/csv")})
    assert "Import report" in imported.text and "rows with errors" in imported.text
    taxed = await browser.post("/admin/settings/taxes", data={"csrf_token": token, "name": "IL", "country": "US",
                                                             "region": "IL", "rate": "6.25"})
    assert "Tax rate added." in taxed.text and "6.25" in taxed.text
    listed = await browser.get("/admin/settings/templates")
    assert "order confirmed" in listed.text
    url = "/admin/settings/templates/order_confirmed/email"
    broken = await browser.post(url, data={"csrf_token": token, "subject": "Hi", "body": "{% if %}"})
    assert 'aria-describedby="e-body"' in broken.text and "{% if %}" in broken.text  # kept, with the error beside it
    saved = await browser.post(url, data={"csrf_token": token, "subject": "Got it: #{{ order.number }}",
                                          "body": "<p>Thanks, {{ recipient.name }}!</p>"})
    assert "Saved." in saved.text and "Your own wording." in saved.text
    preview = await browser.get(f"{url}/preview")
    assert "Thanks, Sam Lee!" in preview.text
    tested = await browser.post(url, data={"csrf_token": token, "action": "test", "to": "me@example.com"})
    assert "A test was sent to me@example.com." in tested.text
    rows = (await client.get(f"/stores/{shop.id}/notifications", params={"event": "order_confirmed"},
                             headers=shop.owner.headers)).json()["items"]
    assert any(r["recipient"] == "me@example.com" and r["subject"] == "[Test] Got it: #1001" for r in rows)


async def test_refund_lines_with_restock_assign_conversations_and_change_roles(
        client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    from tests.shop import stock_of

    shop = await open_shop(client, price=2500, stock=10)
    order = await _order(client, shop)
    manager = await add_member(client, shop.owner, shop.id, "manager")
    opened = (await client.post(f"/storefront/{shop.slug}/conversations", json={
        "message": "Hello", "email": "q@example.com"})).json()
    await _sign_in(browser, shop.owner.email)
    detail = await browser.get(f"/admin/orders/{order['id']}")
    token = csrf_of(detail.text)
    line_id = re.search(r'name="refund_([0-9a-f-]+)"', detail.text).group(1)  # type: ignore[union-attr]
    before = await stock_of(client, shop)
    done = await browser.post(f"/admin/orders/{order['id']}/refund", data={
        "csrf_token": token, f"refund_{line_id}": "1", "restock": "on", "reason": "Returned", "key": "lines-1"})
    assert "Refund made." in done.text and "restocked" in done.text and "$25.00" in done.text
    assert (await stock_of(client, shop))["on_hand"] == before["on_hand"] + 1
    inbox = await browser.get(f"/admin/inbox/{opened['id']}")
    assigned = await browser.post(f"/admin/inbox/{opened['id']}", data={
        "csrf_token": csrf_of(inbox.text), "store_id": shop.id, "assignee_id": manager.id, "status": "pending"})
    assert f'<option value="{manager.id}" selected>' in assigned.text
    settings = await browser.get("/admin/settings")
    changed = await browser.post("/admin/settings/role", data={"csrf_token": csrf_of(settings.text),
                                                              "user_id": manager.id, "role": "cashier"})
    assert "Saved." in changed.text
    staff = (await client.get(f"/stores/{shop.id}/staff", headers=shop.owner.headers)).json()
    assert {s["user_id"]: s["role"] for s in staff}[manager.id] == "cashier"
    filtered = await browser.get("/admin/products", params={"status": "draft"})
    assert "Linen Shirt" not in filtered.text


async def test_categories_on_edit_and_deleting_a_zone(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    category = (await client.post(f"/stores/{shop.id}/categories", headers=shop.owner.headers,
                                  json={"name": "Shirts"})).json()
    await _sign_in(browser, shop.owner.email)
    page = await browser.get(f"/admin/products/{shop.product['id']}")
    saved = await browser.post(f"/admin/products/{shop.product['id']}", data={
        "csrf_token": csrf_of(page.text), "title": "Linen Shirt", "status": "active", "category_id": category["id"]})
    assert f'<option value="{category["id"]}" selected>' in saved.text
    settings = await browser.get("/admin/settings")
    zone_id = re.search(r'name="zone_id" value="([^"]+)"', settings.text).group(1)  # type: ignore[union-attr]
    gone = await browser.post("/admin/settings/zone-delete", data={"csrf_token": csrf_of(settings.text),
                                                                   "zone_id": zone_id})
    assert "No zones: customers cannot check out yet." in gone.text
