import pytest

from metco.catalog.sanitize import safe_html


@pytest.mark.parametrize(("given", "shown"), [
    ("<p>Plain <em>text</em></p>", "<p>Plain <em>text</em></p>"),
    ("<script>alert(1)</script>ok", "ok"),
    ("<img src=x onerror=alert(1)>", ""),
    ('<a href="https://example.com" onclick="x">go</a>', '<a href="https://example.com" rel="nofollow noopener">go</a>'),
    ('<a href="JaVaScRiPt:alert(1)">go</a>', "<a>go</a>"),
    ("<style>body{}</style><b>bold", "<b>bold</b>"),
    ("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"),
    ("<svg><script>x</script></svg>after", "after"),
    ("", ""),
])
def test_descriptions_keep_only_safe_html(given: str, shown: str) -> None:
    assert safe_html(given) == shown
