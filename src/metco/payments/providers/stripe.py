"""Cards through Stripe PaymentIntents, with the official SDK."""

from collections.abc import Mapping

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


class StripeProvider:
    info = ProviderInfo(
        name="stripe", title="Cards (Stripe)", webhook_header="Stripe-Signature",
        fields=(
            SettingField("publishable_key", "pk_live_… or pk_test_…, used by the storefront's card form.",
                         required=True),
            SettingField("secret_key", "sk_live_… or sk_test_… (or a restricted key).", secret=True, required=True),
            SettingField("webhook_secret", "whsec_…, the signing secret of the endpoint pointing at webhook_url.",
                         secret=True, required=True),
            SettingField("capture_method", "automatic captures at checkout; manual authorizes, staff capture later.",
                         choices=("automatic", "manual"), default="automatic"),
        ))

    async def pay(self, config: ProviderConfig, request: PaymentRequest) -> PaymentResult:
        raise NotImplementedError

    async def capture(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                      currency: str) -> PaymentResult:
        raise NotImplementedError

    async def void(self, config: ProviderConfig, *, provider_reference: str) -> None:
        raise NotImplementedError

    async def refund(self, config: ProviderConfig, request: RefundRequest) -> RefundResult:
        raise NotImplementedError

    async def status(self, config: ProviderConfig, *, provider_reference: str, amount: int,
                     currency: str) -> PaymentResult:
        raise NotImplementedError

    async def parse_webhook(self, config: ProviderConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[WebhookEvent]:
        raise NotImplementedError
