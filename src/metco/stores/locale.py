"""ISO 4217 currencies, ISO 3166-1 countries and IANA time zones a store may use."""

import zoneinfo
from functools import lru_cache

import pycountry

# Codes in ISO 4217 that are not money a shop can price in (precious metals, testing, fund units).
_NOT_SHOP_CURRENCIES = frozenset(
    {"XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA",
     "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"}
)


@lru_cache
def currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_SHOP_CURRENCIES


@lru_cache
def countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_currency(code: str) -> bool:
    return code in currencies()


def is_country(code: str) -> bool:
    return code in countries()


def is_timezone(name: str) -> bool:
    return name in timezones()
