"""Shipping zones and their rates: which countries a store ships to, and at what price."""
