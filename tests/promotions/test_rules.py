"""The pure discount rules: every kind, every reason, and properties over combinations."""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from metco.promotions.rules import Cart, Discount, Line, choose, evaluate, spread, why_not

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
SHIRTS, MUGS = uuid.uuid4(), uuid.uuid4()


def _line(price: int, quantity: int, category: uuid.UUID = SHIRTS) -> Line:
    return Line(uuid.uuid4(), uuid.uuid4(), frozenset({category}), price, quantity)


def _discount(kind: str, value: int = 0, **fields: object) -> Discount:
    return Discount(id=uuid.uuid4(), title=kind, code=None, kind=kind, value=value, **fields)  # type: ignore[arg-type]


def test_ten_percent_off_when_you_buy_three_or_more() -> None:
    rule = _discount("percentage", 10, min_quantity=3)
    two = Cart((_line(1000, 2),), shipping=0, now=NOW)
    three = Cart((_line(1000, 3),), shipping=0, now=NOW)
    assert why_not(rule, two).code == "MIN_QUANTITY_NOT_MET"  # type: ignore[union-attr]
    assert why_not(rule, three) is None and evaluate(rule, three).amount == 300


def test_buy_two_get_one_frees_the_cheapest_in_each_group() -> None:
    rule = _discount("buy_x_get_y", buy_quantity=2, get_quantity=1)
    cart = Cart((_line(3000, 2), _line(1000, 1), _line(2000, 3)), shipping=0, now=NOW)
    # units dearest first: [3000 3000 2000] [2000 2000 1000] -> the cheapest of each group is free
    assert evaluate(rule, cart).amount == 2000 + 1000


def test_fixed_amount_spreads_exactly_and_stops_at_the_subtotal() -> None:
    rule = _discount("fixed_amount", 1000)
    cart = Cart((_line(333, 1), _line(333, 1), _line(334, 1)), shipping=0, now=NOW)
    application = evaluate(rule, cart)
    assert sorted(application.per_line.values()) == [333, 333, 334]
    small = Cart((_line(250, 1),), shipping=0, now=NOW)
    assert evaluate(rule, small).amount == 250


def test_free_shipping_takes_the_shipping() -> None:
    rule = _discount("free_shipping")
    assert evaluate(rule, Cart((_line(1000, 1),), shipping=700, now=NOW)).shipping == 700
    assert why_not(rule, Cart((_line(1000, 1),), shipping=0, now=NOW)).code == "NOTHING_TO_DISCOUNT"  # type: ignore[union-attr]


def test_scoped_discounts_touch_only_their_products_and_categories() -> None:
    rule = _discount("percentage", 50, category_ids=frozenset({MUGS}))
    shirt, mug = _line(1000, 1, SHIRTS), _line(800, 1, MUGS)
    application = evaluate(rule, Cart((shirt, mug), shipping=0, now=NOW))
    assert application.per_line == {mug.line_id: 400}
    assert why_not(rule, Cart((shirt,), shipping=0, now=NOW)).code == "NO_ELIGIBLE_ITEMS"  # type: ignore[union-attr]


def test_every_reason_a_code_does_not_apply() -> None:
    cart = Cart((_line(1000, 1),), shipping=0, now=NOW)
    cases = {
        "NOT_STARTED": _discount("percentage", 10, starts_at=NOW + timedelta(days=1)),
        "EXPIRED": _discount("percentage", 10, ends_at=NOW),
        "USED_UP": _discount("percentage", 10, usage_limit=5, times_used=5),
        "ALREADY_USED": _discount("percentage", 10, once_per_customer=True, customer_has_used=True),
        "MIN_SUBTOTAL_NOT_MET": _discount("percentage", 10, min_subtotal=5000),
    }
    for code, rule in cases.items():
        reason = why_not(rule, cart)
        assert reason is not None and reason.code == code and reason.message


def test_without_combining_the_customer_gets_the_best_single_discount() -> None:
    cart = Cart((_line(10_000, 1),), shipping=500, now=NOW)
    ten_percent, five_off = _discount("percentage", 10), _discount("fixed_amount", 500)
    assert [a.discount for a in choose([ten_percent, five_off], cart)] == [ten_percent]


def test_combining_discounts_stack_on_what_is_left() -> None:
    cart = Cart((_line(10_000, 1),), shipping=500, now=NOW)
    five_off = _discount("fixed_amount", 500, combines=True)
    ten_percent = _discount("percentage", 10, combines=True)
    ship = _discount("free_shipping", combines=True)
    applied = choose([ten_percent, ship, five_off], cart)
    assert [a.discount.kind for a in applied] == ["fixed_amount", "percentage", "free_shipping"]
    assert [a.amount for a in applied] == [500, 950, 500]


line_strategy = st.builds(lambda p, q, c: _line(p, q, c), st.integers(0, 100_000), st.integers(1, 20),
                          st.sampled_from([SHIRTS, MUGS]))
discount_strategy = st.one_of(
    st.builds(lambda v, c: _discount("percentage", v, combines=c), st.integers(1, 100), st.booleans()),
    st.builds(lambda v, c: _discount("fixed_amount", v, combines=c), st.integers(1, 500_000), st.booleans()),
    st.builds(lambda c: _discount("free_shipping", combines=c), st.booleans()),
    st.builds(lambda b, g, c: _discount("buy_x_get_y", buy_quantity=b, get_quantity=g, combines=c),
              st.integers(1, 4), st.integers(1, 3), st.booleans()),
)


@given(lines=st.lists(line_strategy, min_size=1, max_size=5), shipping=st.integers(0, 5000),
       discounts=st.lists(discount_strategy, max_size=5))
def test_discounts_never_take_more_than_there_is_and_the_best_wins(
    lines: list[Line], shipping: int, discounts: list[Discount]
) -> None:
    cart = Cart(tuple(lines), shipping=shipping, now=NOW)
    applied = choose(discounts, cart)
    taken: dict[uuid.UUID, int] = {}
    for application in applied:
        for line_id, amount in application.per_line.items():
            taken[line_id] = taken.get(line_id, 0) + amount
    assert all(0 <= taken.get(line.line_id, 0) <= line.subtotal for line in lines)
    assert 0 <= sum(a.shipping for a in applied) <= shipping
    total = sum(a.amount for a in applied)
    assert total <= cart.subtotal + shipping
    for single in discounts:
        if why_not(single, cart) is None:
            assert total >= evaluate(single, cart).amount or single.combines


@given(amount=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_spread_parts_sum_exactly(amount: int, weights: list[int]) -> None:
    keys = [uuid.uuid4() for _ in weights]
    parts = spread(amount, dict(zip(keys, weights, strict=True)))
    assert sum(parts.values()) == (amount if sum(weights) > 0 else 0)
    assert all(p >= 0 for p in parts.values())
