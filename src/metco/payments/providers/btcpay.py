"""Crypto through a BTCPay Server store (Greenfield API) (stub: being built)."""

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


class BTCPayProvider:
    info = ProviderInfo(
        name="btcpay", title="Bitcoin and other crypto (BTCPay Server)", webhook_header="BTCPay-Sig",
        fields=(
            SettingField("server_url", "The BTCPay Server's address, e.g. https://btcpay.example.com.", required=True),
            SettingField("store_id", "The BTCPay store's id.", required=True),
            SettingField("api_key", "A Greenfield API key with invoice and refund permissions.", secret=True,
                         required=True),
            SettingField("webhook_secret", "The secret of the webhook pointing at webhook_url.", secret=True,
                         required=True),
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
