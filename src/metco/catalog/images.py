"""Product images: decoded with Pillow (the file name proves nothing), made into WebP renditions once at
upload, stored through the MediaStorage port. A file that is not an image leaves nothing behind."""

import io
import uuid
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from PIL import Image, UnidentifiedImageError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog.models import ProductImage
from metco.catalog.ports import MediaStorage
from metco.catalog.repository import ProductRepository
from metco.kit.errors import InvalidInput, NotFound
from metco.kit.scope import StoreScope

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
RENDITIONS = {"thumbnail": 200, "display": 800}


@dataclass(frozen=True)
class Decoded:
    format: str
    width: int
    height: int
    renditions: dict[str, tuple[bytes, int, int]]


def _decode(data: bytes) -> Decoded:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            if fmt not in FORMATS:
                raise InvalidInput("file", "must be a JPEG, PNG or WebP image")
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput("file", "has too many pixels (at most 40 megapixels)")
            probe.load()
            image = probe.convert("RGBA" if probe.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput("file", "is not an image we can read (JPEG, PNG or WebP)") from exc
    renditions = {}
    for name, size in RENDITIONS.items():
        copy = image.copy()
        copy.thumbnail((size, size))
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=82, method=4)
        renditions[name] = (out.getvalue(), copy.width, copy.height)
    return Decoded(fmt, image.width, image.height, renditions)


async def add_image(
    session: AsyncSession, storage: MediaStorage, scope: StoreScope, product_id: uuid.UUID, *, data: bytes,
    alt: str | None,
) -> ProductImage:
    product = await ProductRepository(session, scope.store_id).get_or_404(product_id)
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", "is larger than 10 MB")
    decoded = await anyio.to_thread.run_sync(_decode, data)
    image_id = uuid.uuid4()
    base = f"{scope.store_id}/products/{product.id}/{image_id}"
    extension, content_type = FORMATS[decoded.format]
    saved: list[str] = []
    try:
        renditions: dict[str, Any] = {}
        key = f"{base}/original.{extension}"
        renditions["original"] = {"key": key, "url": await storage.save(key, data, content_type),
                                  "width": decoded.width, "height": decoded.height}
        saved.append(key)
        for name, (blob, width, height) in decoded.renditions.items():
            key = f"{base}/{name}.webp"
            renditions[name] = {"key": key, "url": await storage.save(key, blob, "image/webp"),
                                "width": width, "height": height}
            saved.append(key)
        existing = (await ProductRepository(session, scope.store_id).images_of([product.id]))[product.id]
        image = ProductImage(id=image_id, store_id=scope.store_id, product_id=product.id, alt=alt,
                             position=len(existing), width=decoded.width, height=decoded.height,
                             renditions=renditions)
        session.add(image)
        await session.flush()
        return image
    except BaseException:
        for key in saved:
            await storage.delete(key)
        raise


async def remove_image(session: AsyncSession, storage: MediaStorage, scope: StoreScope, product_id: uuid.UUID,
                       image_id: uuid.UUID) -> None:
    images = (await ProductRepository(session, scope.store_id).images_of([product_id]))[product_id]
    image = next((i for i in images if i.id == image_id), None)
    if image is None:
        raise NotFound("No such image on this product.")
    await session.delete(image)
    await session.flush()
    for rendition in image.renditions.values():
        await storage.delete(rendition["key"])
