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
