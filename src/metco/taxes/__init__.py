"""Tax rates by country and region, and whether the store's prices include tax."""
