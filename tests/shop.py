"""A ready-to-sell store for checkout, orders and payments tests, built through the public API."""

from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers import Account, create_store, signup

ADDRESS = {"name": "Sam Shopper", "line1": "1 Main St", "city": "Springfield", "region": "IL",
           "postal_code": "62701", "country": "US", "phone": "+12175550100"}


@dataclass
class Shop:
    owner: Account
    store: dict[str, Any]
    product: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.store["id"])

    @property
    def slug(self) -> str:
        return str(self.store["slug"])

    @property
    def variant_id(self) -> str:
        return str(self.product["variants"][0]["id"])


async def add_product(client: httpx.AsyncClient, owner: Account, store_id: str, *, title: str = "Linen Shirt",
                      price: int = 2500, stock: int = 10, **fields: Any) -> dict[str, Any]:
    body = {"title": title, "status": "active", "variants": [{"price": price, "sku": None}]} | fields
    response = await client.post(f"/stores/{store_id}/products", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    for variant in product["variants"]:
        stocked = await client.put(f"/stores/{store_id}/inventory/{variant['id']}", json={"on_hand": stock},
                                   headers=owner.headers)
        assert stocked.status_code == 200, stocked.text
    return product


async def open_shop(client: httpx.AsyncClient, *, price: int = 2500, stock: int = 10, shipping: int = 500) -> Shop:
    owner = await signup(client, name="Olive Owner")
    store = await create_store(client, owner, name="Checkout Shop")
    product = await add_product(client, owner, store["id"], price=price, stock=stock)
    zone = await client.post(f"/stores/{store['id']}/shipping-zones", headers=owner.headers, json={
        "name": "Domestic", "countries": ["US"], "rates": [{"name": "Standard", "price": shipping}]})
    assert zone.status_code == 201, zone.text
    return Shop(owner=owner, store=store, product=product)


async def cart_with(client: httpx.AsyncClient, shop: Shop, *, quantity: int = 1, variant_id: str | None = None,
                    headers: dict[str, str] | None = None, ship: bool = True) -> dict[str, Any]:
    cart = (await client.post(f"/storefront/{shop.slug}/carts", headers=headers)).json()
    added = await client.post(f"/storefront/{shop.slug}/carts/{cart['id']}/lines", headers=headers,
                              json={"variant_id": variant_id or shop.variant_id, "quantity": quantity})
    assert added.status_code == 201, added.text
    if ship:
        await ship_to(client, shop, cart["id"], headers=headers)
    result: dict[str, Any] = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}", headers=headers)).json()
    return result


async def ship_to(client: httpx.AsyncClient, shop: Shop, cart_id: str, *, headers: dict[str, str] | None = None) -> None:
    response = await client.put(f"/storefront/{shop.slug}/carts/{cart_id}/shipping-address", json=ADDRESS,
                                headers=headers)
    assert response.status_code == 200, response.text
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart_id}/shipping-rates", headers=headers)).json()
    chosen = await client.put(f"/storefront/{shop.slug}/carts/{cart_id}/shipping-rate",
                              json={"rate_id": rates[0]["id"]}, headers=headers)
    assert chosen.status_code == 200, chosen.text


async def checkout(client: httpx.AsyncClient, shop: Shop, cart_id: str, *, token: str | None = "tok_visa",
                   provider: str = "sandbox", key: str | None = None, email: str = "shopper@example.com",
                   headers: dict[str, str] | None = None) -> httpx.Response:
    all_headers = dict(headers or {})
    if key:
        all_headers["Idempotency-Key"] = key
    return await client.post(f"/storefront/{shop.slug}/carts/{cart_id}/checkout", headers=all_headers,
                             json={"email": email, "payment": {"provider": provider, "token": token}})


async def stock_of(client: httpx.AsyncClient, shop: Shop, variant_id: str | None = None) -> dict[str, int]:
    response = await client.get(f"/stores/{shop.id}/inventory", params={"variant_id": variant_id or shop.variant_id},
                                headers=shop.owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return {"on_hand": sum(r["on_hand"] for r in rows), "reserved": sum(r["reserved"] for r in rows),
            "available": sum(r["available"] for r in rows)}
