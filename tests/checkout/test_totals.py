"""The pure totals function: examples for the rounding rule, and properties over any cart."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from metco.checkout.totals import compute_totals, round_half_even, tax_of

A, B = uuid.uuid4(), uuid.uuid4()


def test_round_half_even_rounds_ties_to_the_even_unit() -> None:
    assert [round_half_even(n, 10) for n in (14, 15, 16, 25, 35)] == [1, 2, 2, 2, 4]


def test_exclusive_tax_is_added_per_line_on_the_discounted_amount() -> None:
    totals = compute_totals(lines=[(A, 1000, 3), (B, 999, 1)], line_discounts={A: 300}, shipping=500,
                            shipping_discount=0, rate_ppm=88_750, shipping_rate_ppm=0, prices_include_tax=False)
    # A: 3000 - 300 = 2700, tax 239.625 -> 240; B: 999, tax 88.66... -> 89
    assert [(x.subtotal, x.discount, x.tax, x.total) for x in totals.lines] == [(3000, 300, 240, 2940), (999, 0, 89, 1088)]
    assert (totals.subtotal, totals.discount_total, totals.shipping_total, totals.tax_total, totals.total) == (
        3999, 300, 500, 329, 4528)


def test_inclusive_prices_carry_their_tax_inside() -> None:
    totals = compute_totals(lines=[(A, 1190, 1)], line_discounts={}, shipping=0, shipping_discount=0,
                            rate_ppm=190_000, shipping_rate_ppm=0, prices_include_tax=True)
    assert (totals.tax_total, totals.total) == (190, 1190)


def test_shipping_is_taxed_only_where_the_rate_says_so() -> None:
    taxed = compute_totals(lines=[(A, 1000, 1)], line_discounts={}, shipping=1000, shipping_discount=0,
                           rate_ppm=100_000, shipping_rate_ppm=100_000, prices_include_tax=False)
    untaxed = compute_totals(lines=[(A, 1000, 1)], line_discounts={}, shipping=1000, shipping_discount=0,
                             rate_ppm=100_000, shipping_rate_ppm=0, prices_include_tax=False)
    assert (taxed.tax_total, untaxed.tax_total) == (200, 100)


lines_strategy = st.lists(st.tuples(st.integers(0, 1_000_000), st.integers(1, 999)), min_size=1, max_size=6)


@given(lines=lines_strategy, discounts=st.lists(st.integers(-10, 10**9), min_size=6, max_size=6),
       shipping=st.integers(0, 100_000), shipping_discount=st.integers(0, 200_000), rate=st.integers(0, 300_000),
       included=st.booleans())
def test_totals_always_add_up_and_never_go_below_zero(
    lines: list[tuple[int, int]], discounts: list[int], shipping: int, shipping_discount: int, rate: int,
    included: bool,
) -> None:
    ids = [uuid.uuid4() for _ in lines]
    totals = compute_totals(lines=[(i, p, q) for i, (p, q) in zip(ids, lines, strict=False)],
                            line_discounts=dict(zip(ids, discounts, strict=False)), shipping=shipping,
                            shipping_discount=shipping_discount, rate_ppm=rate, shipping_rate_ppm=rate,
                            prices_include_tax=included)
    assert totals.total >= 0 and totals.tax_total >= 0
    assert all(0 <= x.discount <= x.subtotal for x in totals.lines)
    assert totals.discount_total <= totals.subtotal + totals.shipping_total
    assert totals.subtotal == sum(x.subtotal for x in totals.lines)
    tax = 0 if included else totals.tax_total
    assert totals.total == totals.subtotal - totals.discount_total + totals.shipping_total + tax
    if included:
        assert totals.tax_total <= totals.total


@given(amount=st.integers(0, 10**9), rate=st.integers(0, 1_000_000))
def test_inclusive_tax_is_what_exclusive_tax_would_add_back(amount: int, rate: int) -> None:
    inside = tax_of(amount, rate, included=True)
    net = amount - inside
    assert 0 <= inside <= amount
    assert abs(tax_of(net, rate, included=False) - inside) <= 1
