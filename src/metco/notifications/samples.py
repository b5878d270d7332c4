"""A sample of the values each event's template receives: what a store's template is checked against when it
is saved, and what the template API lists as the available variables."""

from typing import Any

STORE = {"name": "Sample Store", "logo_url": None, "brand_color": "#1F4E79", "url": "https://example.com/s/sample",
         "email": "hello@example.com"}
ORDER = {
    "number": 1001, "email": "sam@example.com", "currency": "USD",
    "lines": [{"title": "Linen Shirt", "variant_title": "M / Blue", "sku": "LS-M-B", "quantity": 2,
               "unit_price": "$25.00", "total": "$50.00"}],
    "subtotal": "$50.00", "discount_total": "$5.00", "has_discount": True, "shipping_total": "$5.00",
    "tax_total": "$4.44", "total": "$54.44",
    "shipping_address": {"name": "Sam Lee", "line1": "1 Main St", "line2": None, "city": "Albany", "region": "NY",
                         "postal_code": "12207", "country": "US", "phone": None},
    "url": "https://example.com/s/sample/orders/1?access_token=…", "admin_url": "https://example.com/admin/orders/1",
}
SHIPMENT = {"carrier": "UPS", "tracking_number": "1Z999AA10123456784",
            "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"}
CONVERSATION = {"subject": "Where is my parcel?", "url": "https://example.com/s/sample/account",
                "admin_url": "https://example.com/admin/inbox/1"}
MESSAGE = {"body": "It left our warehouse this morning.", "author": "Alex from Sample Store"}

_BY_EVENT: dict[str, dict[str, Any]] = {
    "order_confirmed": {"order": ORDER},
    "payment_failed": {"order": ORDER, "reason": "Your card was declined."},
    "order_shipped": {"order": ORDER, "shipment": SHIPMENT},
    "order_delivered": {"order": ORDER, "shipment": SHIPMENT},
    "order_refunded": {"order": ORDER, "refund": {"amount": "$10.00", "reason": "Damaged"}},
    "order_cancelled": {"order": ORDER, "reason": "Out of stock"},
    "support_reply": {"conversation": CONVERSATION, "message": MESSAGE},
    "staff_invitation": {"invitation": {"store_name": "Sample Store", "role": "manager", "invited_by": "Kim",
                                        "url": "https://example.com/admin/", "expires_at": "2026-12-01 12:00 UTC"}},
    "password_reset": {"reset": {"url": "https://example.com/reset-password?token=…",
                                 "expires_at": "2026-12-01 12:00 UTC"}},
    "new_order": {"order": ORDER},
    "low_stock": {"variant": {"title": "Linen Shirt – M / Blue", "sku": "LS-M-B", "available": 2, "threshold": 3,
                              "admin_url": "https://example.com/admin/products/1"}},
    "new_support_message": {"conversation": CONVERSATION, "message": {**MESSAGE, "author": "Sam Lee"}},
}


def sample_context(event: str) -> dict[str, Any]:
    return {"store": STORE, "recipient": {"name": "Sam Lee", "email": "sam@example.com"}, **_BY_EVENT[event]}


def variables(event: str) -> list[str]:
    """Dotted names of the values an event's template may use, e.g. "order.total"."""
    names: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            walk(f"{prefix}[]", value[0])
        else:
            names.append(prefix)

    walk("", sample_context(event))
    return names
