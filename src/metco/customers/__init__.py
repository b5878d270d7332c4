"""Customers: a store's record of the people who buy from it, guests and account holders alike."""
