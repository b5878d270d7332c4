"""A fulfillment's state machine. It moves forward along the line, possibly skipping steps (a carrier may
report `delivered` right after `shipped`, a merchant may ship straight from `pending`), never backwards;
`failed` ends it before delivery, `returned` after it left. A move not allowed is refused with 409."""

from metco.kit.errors import Conflict

LINE = ("pending", "picked", "packed", "shipped", "in_transit", "delivered")
FINAL = {"delivered", "failed", "returned"}
LEFT = {"shipped", "in_transit", "delivered"}  # the parcel is with the carrier or the customer
STATES = (*LINE, "failed", "returned")


class IllegalMove(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = "The fulfillment is not in a state that allows this"


def allowed(current: str, target: str) -> bool:
    if target == "returned":
        return current in LEFT
    if current in FINAL:
        return False
    if target == "failed":
        return True
    return target in LINE and LINE.index(target) > LINE.index(current)


def check(current: str, target: str) -> None:
    if not allowed(current, target):
        raise IllegalMove(f"A fulfillment that is '{current}' cannot become '{target}'.", current=current,
                          target=target)
