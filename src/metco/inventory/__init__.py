"""Inventory: stock per variant per location, every change a movement, reservations that never oversell."""
