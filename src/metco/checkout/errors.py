from typing import Any

from metco.kit.errors import Conflict, FieldError, InvalidInput, MetcoError, NotFound


class CartNotFound(NotFound):
    code = "CART_NOT_FOUND"
    title = "Cart not found"


class CartClosed(Conflict):
    code = "CART_CLOSED"
    title = "This cart was already checked out"


class VariantNotForSale(InvalidInput):
    code = "VARIANT_NOT_FOR_SALE"

    def __init__(self, message: str = "is not for sale in this store") -> None:
        super().__init__("variant_id", message)


class DiscountNotApplicable(InvalidInput):
    code = "DISCOUNT_NOT_APPLICABLE"

    def __init__(self, message: str, *, reason: str, field: str = "code") -> None:
        super().__init__(field, message, reason=reason)


class CheckoutIncomplete(InvalidInput):
    code = "CHECKOUT_INCOMPLETE"


class PaymentDeclined(MetcoError):
    status = 402
    code = "PAYMENT_DECLINED"
    title = "The payment was declined"

    def __init__(self, detail: str, *, decline_code: str | None, **extra: Any) -> None:
        super().__init__(detail, errors=[FieldError("payment", detail)], decline_code=decline_code, **extra)
