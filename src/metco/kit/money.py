"""Money is integer minor units plus an ISO 4217 currency. This module converts to and from decimal text."""

from decimal import Decimal, InvalidOperation

# ISO 4217 minor units where they are not 2.
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                     "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$", "CHF": "CHF ",
           "CNY": "CN¥", "BRL": "R$", "MXN": "MX$", "KRW": "₩", "SEK": "SEK ", "NZD": "NZ$"}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def parse_amount(text: str, currency: str) -> int:
    """'19.99' in USD -> 1999. Refuses more decimals than the currency has; never goes through a float."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' is not an amount") from exc
    if not value.is_finite():
        raise ValueError(f"'{text}' is not an amount")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"'{text}' has more decimals than {currency} allows")
    return int(scaled)


def to_decimal_text(amount: int, currency: str) -> str:
    """1999 in USD -> '19.99'."""
    places = exponent(currency)
    return str(Decimal(amount).scaleb(-places).quantize(Decimal(1).scaleb(-places))) if places else str(amount)


def format_amount(amount: int, currency: str) -> str:
    """1999 in USD -> '$19.99', for people."""
    text = to_decimal_text(abs(amount), currency)
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{grouped}" if symbol else f"{sign}{grouped} {currency.upper()}"
