"""Promotions: coupon codes and automatic discounts, their conditions, limits and combination rules."""
