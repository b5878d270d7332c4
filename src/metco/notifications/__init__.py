"""Notifications: what customers and staff hear about, by email, SMS and web push, never lost."""
