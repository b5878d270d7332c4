"""The permission map, held as data: each role is a set of named permissions."""

from typing import Literal

PERMISSIONS: tuple[str, ...] = (
    "manage_store",
    "manage_staff",
    "withdraw_funds",
    "view_sales",
    "edit_products",
    "manage_discounts",
    "manage_orders",
    "view_orders",
    "support",
)

Role = Literal["owner", "manager", "cashier", "staff"]

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(PERMISSIONS),
    "manager": frozenset(
        {"view_sales", "edit_products", "manage_discounts", "manage_orders", "view_orders", "support"}
    ),
    "cashier": frozenset({"view_orders", "support"}),
    "staff": frozenset({"view_orders", "support"}),
}

ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def as_lists() -> dict[str, list[str]]:
    """The map in a stable order, as served at GET /roles."""
    return {role: [p for p in PERMISSIONS if p in perms] for role, perms in ROLE_PERMISSIONS.items()}
