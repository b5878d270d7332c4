"""Imports every domain's models, so that `Base.metadata` is whole for Alembic and the drift test."""

from metco.catalog import models as catalog_models
from metco.identity import models as identity_models
from metco.inventory import models as inventory_models
from metco.kit import outbox
from metco.kit.db import Base
from metco.stores import models as stores_models

metadata = Base.metadata

__all__ = ["catalog_models", "identity_models", "inventory_models", "metadata", "outbox", "stores_models"]
