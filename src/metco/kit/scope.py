"""The caller's standing in one store, established once by the permission dependency."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class StoreScope:
    store_id: uuid.UUID
    user_id: uuid.UUID
    role: str
    permissions: frozenset[str]

    def can(self, permission: str) -> bool:
        return permission in self.permissions
