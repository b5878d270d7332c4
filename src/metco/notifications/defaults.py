"""The default wording of every event on every channel (Jinja2). A store may override any of them.

Email bodies are HTML fragments placed inside the store's branded layout (its plain-text part is derived from
them); SMS and push bodies are plain text, kept short. Amounts in the context are already formatted ("$25.00")."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    subject: str | None
    body: str


_ORDER_TABLE = """
<table role="presentation" width="100%" cellpadding="6" style="border-collapse:collapse">
{% for line in order.lines %}<tr><td>{{ line.quantity }} × {{ line.title }}{% if line.variant_title %}
 <span style="color:#666">({{ line.variant_title }})</span>{% endif %}</td><td align="right">{{ line.total }}</td></tr>
{% endfor %}<tr><td>Subtotal</td><td align="right">{{ order.subtotal }}</td></tr>
{% if order.has_discount %}<tr><td>Discounts</td><td align="right">−{{ order.discount_total }}</td></tr>{% endif %}
<tr><td>Shipping</td><td align="right">{{ order.shipping_total }}</td></tr>
<tr><td>Tax</td><td align="right">{{ order.tax_total }}</td></tr>
<tr><td><strong>Total</strong></td><td align="right"><strong>{{ order.total }}</strong></td></tr>
</table>"""

_ADDRESS = """{% if order.shipping_address %}<p><strong>Shipping to</strong><br>{{ order.shipping_address.name }}<br>
{{ order.shipping_address.line1 }}<br>{% if order.shipping_address.line2 %}{{ order.shipping_address.line2 }}<br>{% endif %}
{{ order.shipping_address.postal_code }} {{ order.shipping_address.city }}{% if order.shipping_address.region %},
{{ order.shipping_address.region }}{% endif %}<br>{{ order.shipping_address.country }}</p>{% endif %}"""

DEFAULTS: dict[tuple[str, str], Wording] = {
    ("order_confirmed", "email"): Wording(
        "Order #{{ order.number }} confirmed",
        "<h1>Thank you for your order!</h1><p>We have received order <strong>#{{ order.number }}</strong> and are "
        "getting it ready.</p>" + _ORDER_TABLE + _ADDRESS
        + '<p><a href="{{ order.url }}">View your order</a></p>'),
    ("order_confirmed", "sms"): Wording(None, "{{ store.name }}: order #{{ order.number }} is confirmed "
                                              "({{ order.total }}). {{ order.url }}"),
    ("order_confirmed", "push"): Wording("Order #{{ order.number }} confirmed", "Total {{ order.total }}."),
    ("payment_failed", "email"): Wording(
        "Payment for order #{{ order.number }} failed",
        "<h1>Your payment did not go through</h1><p>The payment for order <strong>#{{ order.number }}</strong> "
        "({{ order.total }}) failed{% if reason %}: {{ reason }}{% endif %}. No money was taken; you can try again "
        "from your cart.</p>"),
    ("payment_failed", "sms"): Wording(None, "{{ store.name }}: the payment for order #{{ order.number }} failed."),
    ("payment_failed", "push"): Wording("Payment failed", "The payment for order #{{ order.number }} failed."),
    ("order_shipped", "email"): Wording(
        "Order #{{ order.number }} is on its way",
        "<h1>Your order is on its way</h1><p>Order <strong>#{{ order.number }}</strong> shipped with "
        "{{ shipment.carrier }}.</p>{% if shipment.tracking_url %}<p><a href=\"{{ shipment.tracking_url }}\">Track "
        "your package</a> ({{ shipment.tracking_number }})</p>{% elif shipment.tracking_number %}<p>Tracking number: "
        "{{ shipment.tracking_number }}</p>{% endif %}"),
    ("order_shipped", "sms"): Wording(None, "{{ store.name }}: order #{{ order.number }} shipped. "
                                            "{{ shipment.tracking_url or shipment.tracking_number or '' }}"),
    ("order_shipped", "push"): Wording("Order #{{ order.number }} shipped", "Track it: {{ shipment.tracking_url }}"),
    ("order_delivered", "email"): Wording(
        "Order #{{ order.number }} was delivered",
        "<h1>Delivered</h1><p>Order <strong>#{{ order.number }}</strong> was delivered. Enjoy!</p>"),
    ("order_delivered", "sms"): Wording(None, "{{ store.name }}: order #{{ order.number }} was delivered."),
    ("order_delivered", "push"): Wording("Delivered", "Order #{{ order.number }} was delivered."),
    ("order_refunded", "email"): Wording(
        "A refund for order #{{ order.number }}",
        "<h1>We sent you a refund</h1><p>We refunded <strong>{{ refund.amount }}</strong> for order "
        "#{{ order.number }}. It can take a few days to appear on your statement.</p>"),
    ("order_refunded", "sms"): Wording(None, "{{ store.name }}: {{ refund.amount }} refunded for order "
                                             "#{{ order.number }}."),
    ("order_refunded", "push"): Wording("Refund sent", "{{ refund.amount }} for order #{{ order.number }}."),
    ("order_cancelled", "email"): Wording(
        "Order #{{ order.number }} was cancelled",
        "<h1>Your order was cancelled</h1><p>Order <strong>#{{ order.number }}</strong> was cancelled"
        "{% if reason %}: {{ reason }}{% endif %}. Anything you paid is refunded.</p>"),
    ("order_cancelled", "sms"): Wording(None, "{{ store.name }}: order #{{ order.number }} was cancelled."),
    ("order_cancelled", "push"): Wording("Order cancelled", "Order #{{ order.number }} was cancelled."),
    ("support_reply", "email"): Wording(
        "Re: {{ conversation.subject }}",
        "<p>{{ message.author }} replied:</p><blockquote>{{ message.body }}</blockquote>"
        '<p><a href="{{ conversation.url }}">Answer</a></p>'),
    ("support_reply", "sms"): Wording(None, "{{ store.name }} replied: {{ message.body|truncate(100) }}"),
    ("support_reply", "push"): Wording("{{ store.name }} replied", "{{ message.body|truncate(120) }}"),
    ("staff_invitation", "email"): Wording(
        "You are invited to join {{ invitation.store_name }}",
        "<h1>Join {{ invitation.store_name }} on Metco</h1><p>{{ invitation.invited_by }} invited you as "
        "<strong>{{ invitation.role }}</strong>. Sign in (or sign up) with this email address to accept before "
        "{{ invitation.expires_at }}.</p><p><a href=\"{{ invitation.url }}\">Open the invitation</a></p>"),
    ("password_reset", "email"): Wording(
        "Reset your Metco password",
        "<h1>Reset your password</h1><p>Someone (we hope you) asked to reset the password of {{ recipient.email }}."
        "</p><p><a href=\"{{ reset.url }}\">Choose a new password</a></p><p>The link works once, until "
        "{{ reset.expires_at }}. If you did not ask, ignore this email: your password stays as it is.</p>"),
    ("new_order", "email"): Wording(
        "New order #{{ order.number }}: {{ order.total }}",
        "<h1>New order #{{ order.number }}</h1><p>{{ order.email }} ordered:</p>" + _ORDER_TABLE
        + '<p><a href="{{ order.admin_url }}">Open it in the dashboard</a></p>'),
    ("low_stock", "email"): Wording(
        "Low stock: {{ variant.title }}",
        "<h1>Running low</h1><p><strong>{{ variant.title }}</strong>{% if variant.sku %} ({{ variant.sku }}){% endif %}"
        " has {{ variant.available }} left (threshold {{ variant.threshold }}).</p>"
        '<p><a href="{{ variant.admin_url }}">Restock it</a></p>'),
    ("new_support_message", "email"): Wording(
        "New message: {{ conversation.subject }}",
        "<p>{{ message.author }} wrote:</p><blockquote>{{ message.body }}</blockquote>"
        '<p><a href="{{ conversation.admin_url }}">Answer in the inbox</a></p>'),
}
