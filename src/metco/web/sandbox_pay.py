"""The sandbox provider's own hosted card page, as Stripe Checkout or a PSP's payment page would be: the
shopper types a test card number here, the page turns it into a token and sends the shopper back to the
store with only the token. The number goes no further than this page's form handler, which neither stores
nor logs it; the store's checkout never receives it."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from metco.web.pages import Page

router = APIRouter(include_in_schema=False)

# Stripe's well-known test numbers, and the sandbox token each becomes.
TEST_CARDS = {
    "4242424242424242": "tok_visa",
    "4000000000000002": "tok_chargeDeclined",
    "4000000000009995": "tok_insufficientFunds",
    "4000000000000069": "tok_expiredCard",
}


def _safe_return(value: str) -> str:
    """Only a path on this site: never an open redirect."""
    return value if value.startswith("/s/") and "//" not in value and "\\" not in value else "/"


@router.get("/sandbox/pay", response_class=HTMLResponse)
async def card_page(request: Request, return_to: str = "/", store: str = "") -> Response:
    page = Page(request)
    return page.render("sandbox_pay.html", return_to=_safe_return(return_to), store_slug=store[:63],
                       cards=TEST_CARDS, title="Sandbox payment page")


@router.post("/sandbox/pay")
async def tokenize(request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    number = "".join(ch for ch in form.get("number", "") if ch.isdigit())
    back = _safe_return(form.get("return_to", "/"))
    token = TEST_CARDS.get(number)
    if token is None:
        page.session.flash("That is not one of the sandbox's test card numbers (try 4242 4242 4242 4242).", "error")
        return page.redirect(f"/sandbox/pay?{urlencode({'return_to': back})}")
    return page.redirect(f"{back}?{urlencode({'token': token})}")
