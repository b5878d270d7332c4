"""The demo store's catalog: believable products in several categories, with generated images and stock.
Running it again changes nothing."""

import io
import random
import uuid

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession

from metco.catalog import images, service
from metco.catalog.ports import MediaStorage
from metco.catalog.repository import ProductRepository
from metco.catalog.schemas import CategoryCreate, OptionIn, ProductCreate, VariantIn
from metco.inventory import service as inventory_service
from metco.kit.scope import StoreScope
from metco.kit.slugs import slugify

CATEGORIES = {
    "Apparel": ["Linen Shirt", "Organic Cotton Tee", "Merino Sweater", "Denim Jacket", "Rain Shell", "Chino Shorts",
                "Wool Beanie", "Everyday Hoodie", "Oxford Shirt", "Flannel Overshirt"],
    "Home": ["Stoneware Mug", "Linen Napkins (set of 4)", "Walnut Serving Board", "Beeswax Candle", "Wool Throw",
             "Ceramic Vase", "Cast Iron Skillet", "Glass Carafe", "Bamboo Utensil Set", "Cotton Bath Towel"],
    "Accessories": ["Leather Wallet", "Canvas Tote", "Waxed Backpack", "Silk Scarf", "Brass Keyring",
                    "Sunglasses", "Leather Belt", "Card Holder", "Travel Pouch", "Watch Strap"],
    "Stationery": ["Dot Grid Notebook", "Fountain Pen", "Desk Planner", "Recycled Envelopes", "Brass Ruler",
                   "Sketchbook", "Washi Tape Set", "Letterpress Cards", "Pencil Case", "Ink Bottle"],
    "Pantry": ["Single-Origin Coffee", "Loose Leaf Green Tea", "Wildflower Honey", "Dark Chocolate Bar",
               "Olive Oil", "Sea Salt Flakes", "Granola", "Hot Sauce"],
}
APPAREL_SIZES = ["XS", "S", "M", "L", "XL"]
COLOURS = ["Sand", "Navy", "Forest", "Charcoal"]
PALETTE = [(231, 111, 81), (42, 157, 143), (233, 196, 106), (38, 70, 83), (244, 162, 97), (129, 178, 154),
           (61, 64, 91), (224, 122, 95)]


def _picture(title: str, seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    top, bottom = rng.sample(PALETTE, 2)
    image = Image.new("RGB", (960, 960))
    draw = ImageDraw.Draw(image)
    for y in range(960):
        t = y / 959
        draw.line([(0, y), (959, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    draw.ellipse([220, 220, 740, 740], outline=(255, 255, 255), width=18)
    initials = "".join(word[0] for word in title.split()[:2]).upper()
    draw.text((480, 480), initials, fill=(255, 255, 255), anchor="mm", font_size=220)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _product(category_id: uuid.UUID, category: str, title: str, rng: random.Random) -> ProductCreate:
    base = rng.randrange(8, 120) * 100 - 1 if category != "Pantry" else rng.randrange(4, 30) * 100 - 1
    description = (f"<p>The {title.lower()} you will reach for every day: made in small batches, "
                   f"built to last, and good-looking on the shelf.</p><ul><li>Thoughtfully sourced</li>"
                   f"<li>Free returns within 30 days</li></ul>")
    common = {"title": title, "description": description, "status": "active", "vendor": "Demo Goods Co.",
              "product_type": category, "tags": [category.lower(), "demo"], "category_ids": [category_id]}
    if category == "Apparel":
        colours = rng.sample(COLOURS, 2)
        variants = [VariantIn(sku=f"{_code(title)}-{size}-{colour[:3].upper()}", price=base,
                              option_values={"Size": size, "Colour": colour}, weight_grams=300,
                              compare_at_price=base + 1500 if size == "M" else None)
                    for colour in colours for size in APPAREL_SIZES]
        return ProductCreate(**common, options=[OptionIn(name="Size", values=APPAREL_SIZES),
                                                OptionIn(name="Colour", values=colours)], variants=variants)
    if category == "Pantry":
        sizes = ["250 g", "500 g"]
        variants = [VariantIn(sku=f"{_code(title)}-{i}", price=base * (i + 1), option_values={"Size": size},
                              weight_grams=250 * (i + 1)) for i, size in enumerate(sizes)]
        return ProductCreate(**common, options=[OptionIn(name="Size", values=sizes)], variants=variants)
    return ProductCreate(**common, variants=[VariantIn(sku=_code(title), price=base, weight_grams=rng.randrange(1, 20) * 50)])


def _code(title: str) -> str:
    return "".join(word[:3] for word in title.upper().replace("(", "").split()[:3])


async def load_demo_catalog(session: AsyncSession, storage: MediaStorage, scope: StoreScope) -> int:
    """Creates what is missing; returns how many products it made."""
    rng = random.Random(2026)  # noqa: S311 - the same believable catalog every time
    existing = {c.name: c for c in await service.list_categories(session, scope.store_id)}
    products = ProductRepository(session, scope.store_id)
    made = 0
    for index, (category, titles) in enumerate(CATEGORIES.items()):
        if category not in existing:
            existing[category] = await service.create_category(session, scope, data=CategoryCreate(
                name=category, position=index))
        for title in titles:
            data = _product(existing[category].id, category, title, rng)
            if await products.by_handle(slugify(title)) is not None:
                continue
            view = await service.create_product(session, scope, data=data)
            await images.add_image(session, storage, scope, view.product.id,
                                   data=_picture(title, sum(map(ord, title))), alt=title)
            for n, variant in enumerate(view.variants):
                on_hand = 0 if (made + n) % 13 == 0 else (3 if (made + n) % 7 == 0 else rng.randrange(8, 60))
                await inventory_service.set_on_hand(session, store_id=scope.store_id, variant_id=variant.id,
                                                    on_hand=on_hand)
            made += 1
    return made
