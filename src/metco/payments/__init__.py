"""Payments: provider adapters, payments and refunds of orders. The platform never sees a card number."""
