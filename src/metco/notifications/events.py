"""Every event Metco notifies about: who hears of it, on which channels, and whether it can be opted out of.

Transactional messages (receipts, failures, refunds, cancellations, security mail) go by email whatever the
customer's email preference; SMS and push always follow the customer's choice."""

from dataclasses import dataclass
from typing import Literal

Audience = Literal["customer", "staff", "user"]
CHANNELS = ("email", "sms", "push")


@dataclass(frozen=True)
class EventSpec:
    name: str
    audience: Audience
    channels: tuple[str, ...]
    transactional: bool
    description: str
    permission: str | None = None  # staff events: who among the staff hears of it


EVENTS: dict[str, EventSpec] = {spec.name: spec for spec in (
    EventSpec("order_confirmed", "customer", CHANNELS, True, "The order is confirmed: lines, totals, address."),
    EventSpec("payment_failed", "customer", CHANNELS, True, "The payment for an order failed."),
    EventSpec("order_shipped", "customer", CHANNELS, False, "A shipment left, with its tracking link."),
    EventSpec("order_delivered", "customer", CHANNELS, False, "A shipment was delivered."),
    EventSpec("order_refunded", "customer", CHANNELS, True, "Money was refunded."),
    EventSpec("order_cancelled", "customer", CHANNELS, True, "The order was cancelled."),
    EventSpec("support_reply", "customer", CHANNELS, False, "Staff answered the customer's conversation."),
    EventSpec("staff_invitation", "user", ("email",), True, "Someone was invited to join a store's staff."),
    EventSpec("password_reset", "user", ("email",), True, "A password reset link, to whoever asked for it."),
    EventSpec("new_order", "staff", ("email",), True, "A new order came in.", permission="view_orders"),
    EventSpec("low_stock", "staff", ("email",), True, "A variant's stock fell to its threshold.",
              permission="edit_products"),
    EventSpec("new_support_message", "staff", ("email",), True, "A customer wrote to support.",
              permission="support"),
)}
