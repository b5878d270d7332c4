import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class Category(IdMixin, StoreScoped, TimestampMixin, Base):
    """A node of the store's category tree."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("store_id", "handle"),)

    name: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Product(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("store_id", "handle"),
        CheckConstraint("status IN ('draft', 'active', 'archived')", name="status"),
    )

    title: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)  # stored as given; sanitized where rendered
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    vendor: Mapped[str | None] = mapped_column(String(255))
    product_type: Mapped[str | None] = mapped_column(String(255))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # [{"name": "Size", "values": ["S", "M"]}, ...] in display order
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class ProductCategory(Base):
    __tablename__ = "product_categories"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProductVariant(IdMixin, StoreScoped, TimestampMixin, Base):
    """A sellable SKU: one combination of the product's option values, with its own price."""

    __tablename__ = "product_variants"
    __table_args__ = (
        UniqueConstraint("store_id", "sku"),
        UniqueConstraint("product_id", "option_key"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("compare_at_price IS NULL OR compare_at_price >= price", name="compare_at_price"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))  # "M / Red", or "Default" without options
    option_values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    option_key: Mapped[str] = mapped_column(String(500))  # canonical "Colour=Red|Size=M": unique per product
    price: Mapped[int] = mapped_column(BigInteger)  # minor units of the store's currency
    compare_at_price: Mapped[int | None] = mapped_column(BigInteger)
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)


class ProductImage(IdMixin, StoreScoped, Base):
    __tablename__ = "product_images"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt: Mapped[str | None] = mapped_column(String(500))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # {"original": {"key", "url", "width", "height"}, "display": {...}, "thumbnail": {...}}
    renditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
