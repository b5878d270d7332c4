"""URL handles made from human names: 'Café Crème!' -> 'cafe-creme', "Nia's Candles" -> 'nias-candles'."""

import re
import unicodedata


def slugify(text: str, *, max_length: int = 63) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"(?<=\w)['’](?=\w)", "", ascii_text)  # "Nia's" -> "nias", as Shopify does
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(base: str, taken: set[str], *, max_length: int = 63) -> str:
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
