import uuid

from hypothesis import given
from hypothesis import strategies as st

from metco.kit.ids import uuid7
from metco.kit.pagination import decode_cursor, encode_cursor
from metco.kit.slugs import slugify, unique_slug
from metco.stores.schemas import SLUG_PATTERN


def test_uuid7_is_version_7_and_ordered_over_time() -> None:
    import time

    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert first < second and str(first) < str(second) and first.hex < second.hex


def test_slugify_folds_accents_and_punctuation() -> None:
    assert slugify("Café Crème!") == "cafe-creme"
    assert slugify("  --Ünïcödé  Shop--  ") == "unicode-shop"
    assert slugify("日本") == ""


@given(st.text(max_size=120))
def test_a_slug_from_any_name_is_empty_or_valid(name: str) -> None:
    slug = slugify(name)
    assert slug == "" or SLUG_PATTERN.match(slug)


def test_unique_slug_counts_up_and_stays_short() -> None:
    assert unique_slug("shop", {"shop", "shop-2"}) == "shop-3"
    long = "a" * 63
    assert len(unique_slug(long, {long})) <= 63


@given(st.lists(st.text(max_size=30), min_size=1, max_size=3))
def test_cursors_round_trip(values: list[str]) -> None:
    assert decode_cursor(encode_cursor(values), size=len(values)) == values
