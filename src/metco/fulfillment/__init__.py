"""Fulfillment: shipping what was ordered (pick, pack, ship, track), carriers, and returns."""
