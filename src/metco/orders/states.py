"""The order's three state machines, as data. A move not listed here is refused with 409."""

from metco.kit.errors import Conflict


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = "The order is not in a state that allows this"


STATUS = {
    "pending": {"confirmed", "cancelled"},
    "confirmed": {"shipped", "cancelled"},
    "shipped": {"delivered"},
    "delivered": set(),
    "cancelled": set(),
}

PAYMENT_STATUS = {
    "pending": {"authorized", "paid", "failed", "voided"},
    "authorized": {"paid", "voided", "failed"},
    "paid": {"partially_refunded", "refunded"},
    "partially_refunded": {"partially_refunded", "refunded"},
    "refunded": set(),
    "failed": set(),
    "voided": set(),
}

FULFILLMENT_STATUS = {
    "unfulfilled": {"partially_fulfilled", "fulfilled"},
    "partially_fulfilled": {"partially_fulfilled", "fulfilled"},
    "fulfilled": set(),
}

MACHINES = {"status": STATUS, "payment_status": PAYMENT_STATUS, "fulfillment_status": FULFILLMENT_STATUS}


def check(machine: str, current: str, target: str) -> None:
    if target not in MACHINES[machine][current]:
        raise IllegalTransition(f"An order whose {machine} is '{current}' cannot become '{target}'.",
                                machine=machine, current=current, target=target)
