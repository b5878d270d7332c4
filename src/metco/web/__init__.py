"""The web pages: the platform's home and onboarding, and every store's storefront. Server-rendered with
Jinja2, readable without JavaScript, and built on the same JSON API integrators use (`web/api.py`)."""
