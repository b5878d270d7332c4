"""Catalog: categories (a tree), products with options and variants, images, search."""
