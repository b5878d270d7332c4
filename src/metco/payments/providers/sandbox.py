"""The built-in sandbox: test tokens behave like a card network, with no network at all.

tok_visa pays, tok_visa_authorize authorizes only, tok_chargeDeclined declines, tok_insufficientFunds
declines for lack of funds, tok_pending stays pending until its confirmation webhook."""

import uuid

from metco.payments.ports import PaymentRequest, PaymentResult, ProviderInfo, RefundRequest, RefundResult

DECLINES = {
    "tok_chargeDeclined": ("card_declined", "Your card was declined."),
    "tok_insufficientFunds": ("insufficient_funds", "Your card has insufficient funds."),
    "tok_expiredCard": ("expired_card", "Your card has expired."),
}


class SandboxProvider:
    info = ProviderInfo(name="sandbox", title="Test card (sandbox)")

    async def pay(self, request: PaymentRequest) -> PaymentResult:
        reference = f"sbx_{uuid.uuid5(uuid.NAMESPACE_URL, request.reference).hex}"
        token = request.token or ""
        if token in DECLINES:
            code, message = DECLINES[token]
            return PaymentResult("declined", reference, decline_code=code, decline_message=message)
        if token == "tok_pending":
            return PaymentResult("pending", reference)
        if token == "tok_visa_authorize" or (token == "tok_visa" and not request.capture):
            return PaymentResult("authorized", reference)
        if token == "tok_visa":
            return PaymentResult("paid", reference)
        return PaymentResult("declined", reference, decline_code="invalid_token",
                             decline_message="This test token is not known to the sandbox; use tok_visa.")

    async def capture(self, *, provider_reference: str, amount: int, currency: str) -> PaymentResult:
        return PaymentResult("paid", provider_reference)

    async def void(self, *, provider_reference: str) -> None:
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(True, f"sbx_re_{uuid.uuid5(uuid.NAMESPACE_URL, request.reference).hex}")
