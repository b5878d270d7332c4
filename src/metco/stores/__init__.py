"""Stores: the tenant, its staff and their roles."""
