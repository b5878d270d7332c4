"""PayPal Checkout through the Orders v2 REST API (stub: being built)."""

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


class PayPalProvider:
    info = ProviderInfo(
        name="paypal", title="PayPal", webhook_header="PAYPAL-TRANSMISSION-SIG",
        fields=(
            SettingField("client_id", "The REST app's client id.", required=True),
            SettingField("client_secret", "The REST app's secret.", secret=True, required=True),
            SettingField("webhook_id", "The id PayPal gave the webhook pointing at webhook_url.", required=True),
            SettingField("mode", "sandbox or live.", choices=("sandbox", "live"), default="sandbox"),
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
