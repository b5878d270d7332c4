"""Manual methods (cash on delivery, bank transfer): the order is confirmed, the payment stays pending
until staff mark it paid."""

from collections.abc import Mapping

from metco.kit.errors import NotFound
from metco.payments.ports import (
    PaymentRequest,
    PaymentResult,
    ProviderConfig,
    ProviderInfo,
    RefundRequest,
    RefundResult,
    SettingField,
    WebhookEvent,
)


class ManualProvider:
    info = ProviderInfo(
        name="manual", title="Cash on delivery or bank transfer", finishes_later=True, enabled_by_default=True,
        fields=(SettingField("instructions", "What the shopper is told to do, e.g. the bank account to pay to."),))

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        instructions = config.settings.get("instructions")
        action = {"type": "instructions", "text": instructions} if instructions else None
        return PaymentResult("pending", None, next_action=action)

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        return PaymentResult("paid", provider_reference, captured_amount=amount)

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        return None

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        # Money handed back outside Metco; recording it is the refund.
        return RefundResult(True, None)

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        return PaymentResult("pending", provider_reference)

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        raise NotFound("Manual payments have no callbacks.")
