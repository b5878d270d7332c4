"""Image upload: decoded by content, WebP renditions, served; anything else refused leaving nothing behind."""

import io
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from tests.helpers import assert_problem, create_store, signup


def _image(fmt: str, size: tuple[int, int] = (1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


async def _product(client: httpx.AsyncClient) -> tuple[dict, dict, dict[str, str]]:
    owner = await signup(client)
    store = await create_store(client, owner)
    product = (await client.post(f"/stores/{store['id']}/products", headers=owner.headers,
                                 json={"title": "Lamp", "status": "active", "variants": [{"price": 100}]})).json()
    return store, product, owner.headers


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "a.png"), ("JPEG", "b.jpg"), ("WEBP", "c.webp"), ("PNG", "no-ext")])
async def test_an_image_gets_webp_renditions_that_are_served(
    client: httpx.AsyncClient, app: FastAPI, fmt: str, name: str
) -> None:
    store, product, headers = await _product(client)
    response = await client.post(f"/stores/{store['id']}/products/{product['id']}/images", headers=headers,
                                 files={"file": (name, _image(fmt), "application/octet-stream")}, data={"alt": "A lamp"})
    assert response.status_code == 201, response.text
    image = response.json()
    assert (image["width"], image["height"]) == (800, 600) and image["url"].endswith("display.webp")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as root:
        served = await root.get(image["thumbnail_url"])
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).size == (200, 150)
    shown = (await client.get(f"/storefront/{store['slug']}/products/lamp")).json()
    assert [i["id"] for i in shown["images"]] == [image["id"]]


@pytest.mark.parametrize("payload", [b"just some text, honest", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, _image("GIF")])
async def test_a_file_that_is_not_a_usable_image_is_422_and_leaves_nothing(
    client: httpx.AsyncClient, app: FastAPI, payload: bytes
) -> None:
    store, product, headers = await _product(client)
    response = await client.post(f"/stores/{store['id']}/products/{product['id']}/images", headers=headers,
                                 files={"file": ("photo.png", payload, "image/png")})
    assert_problem(response, 422, "file")
    assert (await client.get(f"/stores/{store['id']}/products/{product['id']}", headers=headers)).json()["images"] == []
    media = Path(app.state.settings.media_dir) / store["id"]
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


async def test_an_image_is_removed_with_its_files(client: httpx.AsyncClient, app: FastAPI) -> None:
    store, product, headers = await _product(client)
    image = (await client.post(f"/stores/{store['id']}/products/{product['id']}/images", headers=headers,
                               files={"file": ("a.png", _image("PNG"), "image/png")})).json()
    url = f"/stores/{store['id']}/products/{product['id']}/images/{image['id']}"
    assert (await client.delete(url, headers=headers)).status_code == 204
    media = Path(app.state.settings.media_dir) / store["id"]
    assert not any(p.is_file() for p in media.rglob("*"))
    assert_problem(await client.delete(url, headers=headers), 404)
