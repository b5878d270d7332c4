"""Imports every domain's models, so that `Base.metadata` is whole for Alembic and the drift test."""

from metco.balance import models as balance_models
from metco.catalog import models as catalog_models
from metco.checkout import models as checkout_models
from metco.customers import models as customers_models
from metco.fulfillment import models as fulfillment_models
from metco.identity import models as identity_models
from metco.inventory import models as inventory_models
from metco.kit import idempotency, outbox
from metco.kit.db import Base
from metco.notifications import models as notifications_models
from metco.orders import models as orders_models
from metco.payments import models as payments_models
from metco.promotions import models as promotions_models
from metco.shipping import models as shipping_models
from metco.stores import models as stores_models
from metco.support import models as support_models
from metco.taxes import models as taxes_models
from metco.worker import models as worker_models

metadata = Base.metadata

__all__ = [
    "balance_models",
    "catalog_models",
    "checkout_models",
    "customers_models",
    "fulfillment_models",
    "idempotency",
    "identity_models",
    "inventory_models",
    "metadata",
    "notifications_models",
    "orders_models",
    "outbox",
    "payments_models",
    "promotions_models",
    "shipping_models",
    "stores_models",
    "support_models",
    "taxes_models",
    "worker_models",
]
