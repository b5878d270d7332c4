"""Products, variants and categories through the admin API, and what the storefront shows of them."""

import uuid

import httpx
import pytest

from tests.helpers import Account, add_member, assert_problem, create_store, signup

SHIRT = {
    "title": "Linen Shirt", "status": "active", "description": "<p>Soft <strong>linen</strong>.</p>",
    "options": [{"name": "Size", "values": ["S", "M"]}, {"name": "Colour", "values": ["Sand", "Navy"]}],
    "variants": [
        {"sku": "LS-S-SAND", "option_values": {"Size": "S", "Colour": "Sand"}, "price": 4500},
        {"sku": "LS-M-NAVY", "option_values": {"Size": "M", "Colour": "Navy"}, "price": 4900,
         "compare_at_price": 5900},
    ],
}


async def _store(client: httpx.AsyncClient) -> tuple[Account, dict]:
    owner = await signup(client)
    return owner, await create_store(client, owner, name="Catalog Shop")


async def test_a_product_with_options_and_variants(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    response = await client.post(f"/stores/{store['id']}/products", json=SHIRT, headers=owner.headers)
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["handle"] == "linen-shirt"
    assert [(v["title"], v["price"]) for v in product["variants"]] == [("S / Sand", 4500), ("M / Navy", 4900)]
    again = await client.post(f"/stores/{store['id']}/products", json=SHIRT | {"variants": [
        {"option_values": {"Size": "S", "Colour": "Sand"}, "price": 1}]}, headers=owner.headers)
    assert again.json()["handle"] == "linen-shirt-2"


async def test_a_product_without_options_gets_one_default_variant(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    product = (await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                                 json={"title": "Gift card", "variants": [{"price": 2500}]})).json()
    assert [(v["title"], v["option_values"]) for v in product["variants"]] == [("Default", {})]
    assert product["status"] == "draft"


@pytest.mark.parametrize(("change", "field", "status"), [
    ({"variants": [{"option_values": {"Size": "S"}, "price": 1}]}, "variants.0.option_values", 422),
    ({"variants": [{"option_values": {"Size": "XL", "Colour": "Sand"}, "price": 1}]}, "variants.0.option_values", 422),
    ({"variants": [{"option_values": {"Size": "S", "Colour": "Sand"}, "price": 1},
                   {"option_values": {"Size": "S", "Colour": "Sand"}, "price": 2}]}, "variants", 422),
    ({"variants": [{"option_values": {"Size": "S", "Colour": "Sand"}, "price": -1}]}, "variants.0.price", 422),
    ({"variants": [{"option_values": {"Size": "S", "Colour": "Sand"}, "price": 10**12}]}, "variants.0.price", 422),
    ({"variants": [{"option_values": {"Size": "S", "Colour": "Sand"}, "price": 500, "compare_at_price": 400}]},
     "variants.0.compare_at_price", 422),
    ({"variants": []}, "variants", 422),
    ({"status": "published"}, "status", 422),
    ({"title": " "}, "title", 422),
    ({"category_ids": [str(uuid.uuid4())]}, "category_ids", 422),
])
async def test_product_rules_refuse_bad_input_and_create_nothing(
    client: httpx.AsyncClient, change: dict, field: str, status: int
) -> None:
    owner, store = await _store(client)
    assert_problem(await client.post(f"/stores/{store['id']}/products", json=SHIRT | change, headers=owner.headers),
                   status, field)
    assert (await client.get(f"/stores/{store['id']}/products", headers=owner.headers)).json()["items"] == []


async def test_skus_and_handles_are_unique_per_store(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    await client.post(f"/stores/{store['id']}/products", json=SHIRT, headers=owner.headers)
    clash = SHIRT | {"title": "Other", "variants": [{"sku": "LS-S-SAND", "option_values": {"Size": "S", "Colour": "Sand"},
                                                     "price": 1}]}
    assert assert_problem(await client.post(f"/stores/{store['id']}/products", json=clash, headers=owner.headers),
                          409)["code"] == "SKU_TAKEN"
    taken = SHIRT | {"handle": "linen-shirt", "variants": [{"option_values": {"Size": "S", "Colour": "Sand"}, "price": 1}]}
    assert_problem(await client.post(f"/stores/{store['id']}/products", json=taken, headers=owner.headers), 409, "handle")
    other_owner, other = await _store(client)
    elsewhere = await client.post(f"/stores/{other['id']}/products", json=SHIRT, headers=other_owner.headers)
    assert elsewhere.status_code == 201 and elsewhere.json()["handle"] == "linen-shirt"


async def test_variants_are_added_changed_and_removed(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    product = (await client.post(f"/stores/{store['id']}/products", json=SHIRT, headers=owner.headers)).json()
    added = await client.post(f"/stores/{store['id']}/products/{product['id']}/variants", headers=owner.headers,
                              json={"option_values": {"Size": "M", "Colour": "Sand"}, "price": 4700})
    assert len(added.json()["variants"]) == 3
    dup = await client.post(f"/stores/{store['id']}/products/{product['id']}/variants", headers=owner.headers,
                            json={"option_values": {"Size": "M", "Colour": "Sand"}, "price": 1})
    assert_problem(dup, 422, "option_values")
    variant_id = product["variants"][0]["id"]
    changed = await client.patch(f"/stores/{store['id']}/variants/{variant_id}", json={"price": 3900},
                                 headers=owner.headers)
    assert changed.json()["price"] == 3900
    assert_problem(await client.patch(f"/stores/{store['id']}/variants/{variant_id}", json={"compare_at_price": 100},
                                      headers=owner.headers), 422, "body.compare_at_price")
    assert (await client.delete(f"/stores/{store['id']}/variants/{variant_id}", headers=owner.headers)).status_code == 204


async def test_categories_form_a_tree_without_cycles(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    url = f"/stores/{store['id']}/categories"
    apparel = (await client.post(url, json={"name": "Apparel"}, headers=owner.headers)).json()
    shirts = (await client.post(url, json={"name": "Shirts", "parent_id": apparel["id"]}, headers=owner.headers)).json()
    assert (shirts["handle"], shirts["parent_id"]) == ("shirts", apparel["id"])
    assert_problem(await client.patch(f"{url}/{apparel['id']}", json={"parent_id": shirts["id"]},
                                      headers=owner.headers), 422, "parent_id")
    assert_problem(await client.patch(f"{url}/{apparel['id']}", json={"parent_id": apparel["id"]},
                                      headers=owner.headers), 422, "parent_id")
    assert_problem(await client.post(url, json={"name": "Other", "handle": "shirts"}, headers=owner.headers), 409)
    product = (await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                                 json=SHIRT | {"category_ids": [shirts["id"]]})).json()
    listed = (await client.get(f"/stores/{store['id']}/products", params={"category_id": shirts["id"]},
                               headers=owner.headers)).json()
    assert [p["id"] for p in listed["items"]] == [product["id"]]


async def test_search_finds_words_in_title_description_sku_and_category(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    cat = (await client.post(f"/stores/{store['id']}/categories", json={"name": "Outerwear"}, headers=owner.headers)).json()
    await client.post(f"/stores/{store['id']}/products", json=SHIRT | {"category_ids": [cat["id"]]}, headers=owner.headers)
    await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                      json={"title": "Ceramic Mug", "status": "active", "variants": [{"sku": "MUG-1", "price": 1200}]})
    for q, titles in (("linen", ["Linen Shirt"]), ("soft", ["Linen Shirt"]), ("mug-1", ["Ceramic Mug"]),
                      ("outerwear", ["Linen Shirt"]), ("nothing-like-this", [])):
        found = (await client.get(f"/storefront/{store['slug']}/products", params={"q": q})).json()["items"]
        assert [p["title"] for p in found] == titles, q


async def test_the_storefront_shows_active_products_with_availability_not_counts(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    product = (await client.post(f"/stores/{store['id']}/products", json=SHIRT, headers=owner.headers)).json()
    await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                      json={"title": "Secret draft", "variants": [{"price": 1}]})
    await client.put(f"/stores/{store['id']}/inventory/{product['variants'][0]['id']}", json={"on_hand": 7},
                     headers=owner.headers)
    listed = (await client.get(f"/storefront/{store['slug']}/products")).json()["items"]
    assert [p["title"] for p in listed] == ["Linen Shirt"]
    shown = (await client.get(f"/storefront/{store['slug']}/products/linen-shirt")).json()
    assert [v["available"] for v in shown["variants"]] == [True, False]
    assert set(shown["variants"][0]) == {"id", "sku", "title", "option_values", "price", "compare_at_price",
                                         "available"}
    assert_problem(await client.get(f"/storefront/{store['slug']}/products/secret-draft"), 404)
    assert_problem(await client.get("/storefront/no-such-store/products"), 404)


async def test_a_description_with_a_script_is_never_served_as_code(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    evil = '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=y>'
    await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                      json={"title": "Evil", "status": "active", "description": evil, "variants": [{"price": 1}]})
    shown = (await client.get(f"/storefront/{store['slug']}/products/evil")).json()
    assert shown["description_html"] == "<p>Hi</p><a>x</a>"


async def test_a_cashier_reads_the_catalog_but_cannot_edit_it(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    cashier = await add_member(client, owner, store["id"], "cashier")
    assert (await client.get(f"/stores/{store['id']}/products", headers=cashier.headers)).status_code == 200
    assert_problem(await client.post(f"/stores/{store['id']}/products", json=SHIRT, headers=cashier.headers), 403)


async def test_product_lists_page_by_cursor_while_products_are_added(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    url = f"/stores/{store['id']}/products"
    made = [(await client.post(url, headers=owner.headers, json={"title": f"P{i}", "variants": [{"price": i}]})).json()["id"]
            for i in range(5)]
    first = (await client.get(url, params={"limit": 2}, headers=owner.headers)).json()
    await client.post(url, headers=owner.headers, json={"title": "Late", "variants": [{"price": 1}]})
    second = (await client.get(url, params={"limit": 10, "cursor": first["next_cursor"]}, headers=owner.headers)).json()
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert ids[:5] == made and len(ids) == 6 and len(set(ids)) == 6


async def test_search_ranks_title_matches_first_and_pages_by_rank(client: httpx.AsyncClient) -> None:
    owner, store = await _store(client)
    url = f"/stores/{store['id']}/products"
    for title, description in (("Plain Mug", "A mug for tea"), ("Tea Towel", "Cotton"), ("Teapot", "Tea pot"),
                               ("Notebook", "For writing tea notes"), ("Tea Caddy", "Tin for tea")):
        await client.post(url, headers=owner.headers, json={"title": title, "description": description,
                                                            "status": "active", "variants": [{"price": 100}]})
    everything = (await client.get(f"/storefront/{store['slug']}/products", params={"q": "tea", "limit": 100})).json()
    titles = [p["title"] for p in everything["items"]]
    assert set(titles) == {"Plain Mug", "Tea Towel", "Teapot", "Notebook", "Tea Caddy"}
    assert set(titles[:3]) == {"Tea Towel", "Tea Caddy", "Teapot"}  # a title match outranks the text
    paged, cursor = [], None
    while True:
        params = {"q": "tea", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/storefront/{store['slug']}/products", params=params)).json()
        paged += [p["title"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paged == titles
