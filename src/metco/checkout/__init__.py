"""Checkout: carts, pricing and turning a cart into an order."""
