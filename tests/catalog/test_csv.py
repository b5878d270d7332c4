"""Product CSV in Shopify's format: import with per-row errors, export, and a round trip with no change."""

import httpx

from tests.helpers import Account, assert_problem, create_store, signup

HEADER = ("Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
          "Option3 Name,Option3 Value,Variant SKU,Variant Price,Variant Compare At Price,Variant Inventory Qty,"
          "Variant Grams,Image Src,Status\n")
SHOPIFY_EXPORT = HEADER + (
    'linen-shirt,Linen Shirt,<p>Soft linen</p>,Acme,Shirts,"summer, linen",TRUE,Size,S,Colour,Sand,,,LS-S,45.00,59.00,4,220,,active\n'  # noqa: E501
    "linen-shirt,,,,,,,,M,,Sand,,,LS-M,45.00,,0,230,,\n"
    "linen-shirt,,,,,,,,M,,Navy,,,LS-M-N,49.50,,7,230,,\n"
    "gift-card,Gift Card,,,,,FALSE,,,,,,,GC,25.00,,,,,draft\n"
    "broken,Broken,,,,,TRUE,,,,,,,BR,not-a-price,,,,,active\n"
    "half-broken,Half,,,,,TRUE,Size,S,,,,,HB-S,10.00,,,,,active\n"
    "half-broken,,,,,,,,M,,,,,HB-M,10.999,,,,,\n"
)


async def _shop(client: httpx.AsyncClient, name: str) -> tuple[Account, dict]:
    owner = await signup(client)
    return owner, await create_store(client, owner, name=name)


async def _import(client: httpx.AsyncClient, owner: Account, store: dict, text: str) -> httpx.Response:
    return await client.post(f"/stores/{store['id']}/products/import", headers=owner.headers,
                             files={"file": ("products.csv", text.encode(), "text/csv")})


async def test_a_shopify_export_imports_with_per_row_errors(client: httpx.AsyncClient) -> None:
    owner, store = await _shop(client, "Importer")
    report = (await _import(client, owner, store, SHOPIFY_EXPORT)).json()
    assert (report["created"], report["updated"]) == (3, 0)
    assert [e["row"] for e in report["errors"]] == [6, 8]
    assert "not-a-price" in report["errors"][0]["message"]
    products = (await client.get(f"/stores/{store['id']}/products", headers=owner.headers)).json()["items"]
    shirt = next(p for p in products if p["handle"] == "linen-shirt")
    assert [(v["title"], v["price"], v["sku"]) for v in shirt["variants"]] == [
        ("S / Sand", 4500, "LS-S"), ("M / Sand", 4500, "LS-M"), ("M / Navy", 4950, "LS-M-N")]
    assert shirt["tags"] == ["summer", "linen"] and shirt["status"] == "active"
    half = next(p for p in products if p["handle"] == "half-broken")
    assert [v["sku"] for v in half["variants"]] == ["HB-S"]
    stock = (await client.get(f"/stores/{store['id']}/inventory", params={"variant_id": shirt["variants"][2]["id"]},
                              headers=owner.headers)).json()["items"]
    assert stock[0]["on_hand"] == 7


async def test_export_then_import_is_a_round_trip_with_no_change(client: httpx.AsyncClient) -> None:
    owner, store = await _shop(client, "Source")
    await _import(client, owner, store, SHOPIFY_EXPORT)
    exported = await client.get(f"/stores/{store['id']}/products/export", headers=owner.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    other_owner, other = await _shop(client, "Target")
    report = (await _import(client, other_owner, other, exported.text)).json()
    assert report["errors"] == [] and report["created"] == 3
    again = await client.get(f"/stores/{other['id']}/products/export", headers=other_owner.headers)
    assert again.text == exported.text
    # Importing the same file again updates and changes nothing.
    report = (await _import(client, other_owner, other, exported.text)).json()
    assert (report["created"], report["updated"], report["errors"]) == (0, 3, [])
    assert (await client.get(f"/stores/{other['id']}/products/export", headers=other_owner.headers)).text == exported.text


async def test_an_import_updates_prices_and_adds_variants(client: httpx.AsyncClient) -> None:
    owner, store = await _shop(client, "Updater")
    await _import(client, owner, store, SHOPIFY_EXPORT)
    change = HEADER + ("linen-shirt,Linen Shirt,<p>Soft linen</p>,Acme,Shirts,\"summer, linen\",TRUE,Size,L,Colour,Sand,"
                       ",,LS-L,52.00,,3,240,,active\n"
                       "linen-shirt,,,,,,,,S,,Sand,,,LS-S,39.00,59.00,4,220,,\n")
    report = (await _import(client, owner, store, change)).json()
    assert (report["created"], report["updated"], report["errors"]) == (0, 1, [])
    shirt = next(p for p in (await client.get(f"/stores/{store['id']}/products", headers=owner.headers)).json()["items"]
                 if p["handle"] == "linen-shirt")
    assert {v["sku"]: v["price"] for v in shirt["variants"]} == {"LS-S": 3900, "LS-M": 4500, "LS-M-N": 4950, "LS-L": 5200}


async def test_a_file_without_the_needed_columns_is_422(client: httpx.AsyncClient) -> None:
    owner, store = await _shop(client, "Bad file")
    assert_problem(await _import(client, owner, store, "name,price\nx,1\n"), 422, "file")
    assert_problem(await client.post(f"/stores/{store['id']}/products/import", headers=owner.headers,
                                     files={"file": ("x.csv", b"\xff\xfe\x00bad", "text/csv")}), 422, "file")
