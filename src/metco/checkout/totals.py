"""The one totals function: subtotal, discounts, shipping, tax and total, from server-side prices only.

Rounding: tax is computed per line on the discounted line amount (and on the discounted shipping when
the rate applies to shipping), in integer minor units, rounding half to even (banker's rounding). With
tax-inclusive prices the tax inside an amount is amount - round(amount / (1 + rate)). Totals are sums of
the rounded line figures, so lines always add up to the totals."""

import uuid
from dataclasses import dataclass

PPM = 1_000_000


@dataclass(frozen=True)
class LineAmounts:
    line_id: uuid.UUID
    subtotal: int
    discount: int
    tax: int
    total: int


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int


def round_half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def tax_of(amount: int, rate_ppm: int, *, included: bool) -> int:
    if amount <= 0 or rate_ppm <= 0:
        return 0
    if included:
        return amount - round_half_even(amount * PPM, PPM + rate_ppm)
    return round_half_even(amount * rate_ppm, PPM)


def compute_totals(
    *, lines: list[tuple[uuid.UUID, int, int]], line_discounts: dict[uuid.UUID, int], shipping: int,
    shipping_discount: int, rate_ppm: int, shipping_rate_ppm: int, prices_include_tax: bool,
) -> Totals:
    """`lines` are (line id, unit price, quantity). Discounts never exceed what they discount."""
    amounts = []
    for line_id, unit_price, quantity in lines:
        subtotal = unit_price * quantity
        discount = min(subtotal, max(0, line_discounts.get(line_id, 0)))
        net = subtotal - discount
        tax = tax_of(net, rate_ppm, included=prices_include_tax)
        amounts.append(LineAmounts(line_id, subtotal, discount, tax, net if prices_include_tax else net + tax))
    shipping_discount = min(shipping, max(0, shipping_discount))
    shipping_net = shipping - shipping_discount
    shipping_tax = tax_of(shipping_net, shipping_rate_ppm, included=prices_include_tax)
    subtotal = sum(a.subtotal for a in amounts)
    line_discount = sum(a.discount for a in amounts)
    tax_total = sum(a.tax for a in amounts) + shipping_tax
    total = subtotal - line_discount + shipping_net + (0 if prices_include_tax else tax_total)
    return Totals(lines=tuple(amounts), subtotal=subtotal, discount_total=line_discount + shipping_discount,
                  shipping_total=shipping, tax_total=tax_total, total=total)
