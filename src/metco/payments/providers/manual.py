"""Manual methods (cash on delivery, bank transfer): the order is confirmed, the payment stays pending
until staff mark it paid."""

from metco.payments.ports import PaymentRequest, PaymentResult, ProviderInfo, RefundRequest, RefundResult


class ManualProvider:
    info = ProviderInfo(name="manual", title="Cash on delivery or bank transfer", finishes_later=True)

    async def pay(self, request: PaymentRequest) -> PaymentResult:
        return PaymentResult("pending", None)

    async def capture(self, *, provider_reference: str, amount: int, currency: str) -> PaymentResult:
        return PaymentResult("paid", provider_reference)

    async def void(self, *, provider_reference: str) -> None:
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        # Money handed back outside Metco; recording it is the refund.
        return RefundResult(True, None)
