"""The pure discount rules: whether a discount applies to a cart, what it takes off each line, and which
discounts a cart gets. No database here; money is integer minor units throughout.

Precedence (see docs/checkout.md): every applicable discount is considered, entered codes and automatic
ones alike. Those marked `combines` stack, in a fixed order (fixed amounts, then percentages, then buy X
get Y, then free shipping; ties by id), each taking from what the previous left. A discount that does not
combine stands alone. The cart gets whichever of these gives the largest saving: the stack, or the best
single non-combining discount; a tie goes to the stack."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

KINDS = ("percentage", "fixed_amount", "free_shipping", "buy_x_get_y")
STACK_ORDER = {"fixed_amount": 0, "percentage": 1, "buy_x_get_y": 2, "free_shipping": 3}


@dataclass(frozen=True)
class Line:
    line_id: uuid.UUID
    product_id: uuid.UUID
    category_ids: frozenset[uuid.UUID]
    unit_price: int
    quantity: int

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Cart:
    lines: tuple[Line, ...]
    shipping: int
    now: datetime

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)


@dataclass(frozen=True)
class Discount:
    id: uuid.UUID
    title: str
    code: str | None
    kind: str
    value: int
    combines: bool = False
    min_quantity: int | None = None
    min_subtotal: int | None = None
    product_ids: frozenset[uuid.UUID] = frozenset()
    category_ids: frozenset[uuid.UUID] = frozenset()
    buy_quantity: int | None = None
    get_quantity: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = None
    times_used: int = 0
    once_per_customer: bool = False
    customer_has_used: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Application:
    discount: Discount
    per_line: dict[uuid.UUID, int] = field(default_factory=dict)
    shipping: int = 0

    @property
    def amount(self) -> int:
        return sum(self.per_line.values()) + self.shipping


def eligible(discount: Discount, line: Line) -> bool:
    if not discount.product_ids and not discount.category_ids:
        return True
    return line.product_id in discount.product_ids or bool(line.category_ids & discount.category_ids)


def why_not(discount: Discount, cart: Cart) -> Reason | None:
    """None when the discount applies to this cart; otherwise the first reason it does not."""
    if discount.starts_at is not None and cart.now < discount.starts_at:
        return Reason("NOT_STARTED", "This code is not active yet.")
    if discount.ends_at is not None and cart.now >= discount.ends_at:
        return Reason("EXPIRED", "This code has expired.")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        return Reason("USED_UP", "This code has been used as many times as it may be.")
    if discount.once_per_customer and discount.customer_has_used:
        return Reason("ALREADY_USED", "You have already used this code.")
    lines = [line for line in cart.lines if eligible(discount, line)]
    if not lines:
        return Reason("NO_ELIGIBLE_ITEMS", "Nothing in the cart qualifies for this discount.")
    quantity, subtotal = sum(line.quantity for line in lines), sum(line.subtotal for line in lines)
    if discount.min_subtotal is not None and subtotal < discount.min_subtotal:
        return Reason("MIN_SUBTOTAL_NOT_MET", f"Add {discount.min_subtotal - subtotal} more (minor units) of "
                                              "qualifying items to use this discount.")
    if discount.min_quantity is not None and quantity < discount.min_quantity:
        return Reason("MIN_QUANTITY_NOT_MET", f"Add {discount.min_quantity - quantity} more qualifying item(s) "
                                              "to use this discount.")
    if discount.kind == "buy_x_get_y" and quantity < (discount.buy_quantity or 1) + (discount.get_quantity or 1):
        need = (discount.buy_quantity or 1) + (discount.get_quantity or 1) - quantity
        return Reason("MIN_QUANTITY_NOT_MET", f"Add {need} more qualifying item(s) to get the free one(s).")
    if discount.kind == "free_shipping" and cart.shipping == 0:
        return Reason("NOTHING_TO_DISCOUNT", "Shipping is already free for this cart.")
    return None


def spread(amount: int, weights: dict[uuid.UUID, int]) -> dict[uuid.UUID, int]:
    """Splits `amount` over keys in proportion to their weights, exactly (largest remainder)."""
    total = sum(weights.values())
    if total <= 0 or amount <= 0:
        return dict.fromkeys(weights, 0)
    shares = {k: amount * w // total for k, w in weights.items()}
    remainders = sorted(weights, key=lambda k: (-(amount * weights[k] % total), str(k)))
    for k in remainders[: amount - sum(shares.values())]:
        shares[k] += 1
    return shares


def evaluate(discount: Discount, cart: Cart, taken: dict[uuid.UUID, int] | None = None,
             shipping_taken: int = 0) -> Application:
    """What the discount takes off, from what earlier discounts (`taken`) left of each line."""
    taken = taken or {}
    left = {line.line_id: max(0, line.subtotal - taken.get(line.line_id, 0))
            for line in cart.lines if eligible(discount, line)}
    if discount.kind == "percentage":
        per_line = {k: min(v, (v * discount.value + 50) // 100) for k, v in left.items()}
        return Application(discount, per_line)
    if discount.kind == "fixed_amount":
        return Application(discount, spread(min(discount.value, sum(left.values())), left))
    if discount.kind == "free_shipping":
        return Application(discount, {}, max(0, cart.shipping - shipping_taken))
    return Application(discount, _buy_x_get_y(discount, cart, left))


def _buy_x_get_y(discount: Discount, cart: Cart, left: dict[uuid.UUID, int]) -> dict[uuid.UUID, int]:
    """Units of qualifying lines, dearest first; in every group of buy+get units the cheapest `get` are free."""
    buy, get = discount.buy_quantity or 1, discount.get_quantity or 1
    units = sorted(((line.unit_price, line.line_id) for line in cart.lines if line.line_id in left
                    for _ in range(line.quantity)), key=lambda u: (-u[0], str(u[1])))
    free: dict[uuid.UUID, int] = dict.fromkeys(left, 0)
    for start in range(0, len(units) - (buy + get) + 1, buy + get):
        for price, line_id in units[start + buy: start + buy + get]:
            free[line_id] += price
    return {k: min(v, left[k]) for k, v in free.items()}


def _stack(discounts: list[Discount], cart: Cart) -> list[Application]:
    taken: dict[uuid.UUID, int] = {}
    shipping_taken = 0
    applied = []
    for discount in sorted(discounts, key=lambda d: (STACK_ORDER[d.kind], str(d.id))):
        application = evaluate(discount, cart, taken, shipping_taken)
        if application.amount <= 0:
            continue
        for k, v in application.per_line.items():
            taken[k] = taken.get(k, 0) + v
        shipping_taken += application.shipping
        applied.append(application)
    return applied


def choose(discounts: list[Discount], cart: Cart) -> list[Application]:
    """The discounts the cart gets (see the module docstring for the precedence)."""
    applicable = [d for d in discounts if why_not(d, cart) is None]
    best = _stack([d for d in applicable if d.combines], cart)
    best_amount = sum(a.amount for a in best)
    for discount in sorted((d for d in applicable if not d.combines), key=lambda d: str(d.id)):
        alone = evaluate(discount, cart)
        if alone.amount > best_amount:
            best, best_amount = [alone], alone.amount
    return best
