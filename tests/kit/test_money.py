import pytest
from hypothesis import given
from hypothesis import strategies as st

from metco.kit.money import format_amount, parse_amount, to_decimal_text


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("19.99", "USD", 1999), ("0", "EUR", 0), ("1500", "JPY", 1500), ("1.234", "KWD", 1234), ("7.5", "USD", 750)])
def test_parse_amount(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(("text", "currency"), [("19.999", "USD"), ("1.5", "JPY"), ("abc", "USD"), ("NaN", "USD")])
def test_parse_amount_refuses_what_the_currency_cannot_hold(text: str, currency: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text, currency)


@given(st.integers(0, 10**12), st.sampled_from(["USD", "JPY", "KWD", "EUR"]))
def test_decimal_text_round_trips(amount: int, currency: str) -> None:
    assert parse_amount(to_decimal_text(amount, currency), currency) == amount


def test_format_amount_for_people() -> None:
    assert format_amount(123456, "USD") == "$1,234.56"
    assert format_amount(1500, "JPY") == "¥1,500"
    assert format_amount(-250, "EUR") == "-€2.50"
    assert format_amount(1000, "ZAR") == "10.00 ZAR"
