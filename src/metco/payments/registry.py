"""Which payment providers exist. Tests and later adapters register here instead of patching modules."""

from metco.kit.errors import InvalidInput
from metco.payments.ports import PaymentProvider
from metco.payments.providers.btcpay import BTCPayProvider
from metco.payments.providers.manual import ManualProvider
from metco.payments.providers.paypal import PayPalProvider
from metco.payments.providers.sandbox import SandboxProvider
from metco.payments.providers.stripe import StripeProvider

_PROVIDERS: dict[str, PaymentProvider] = {
    provider.info.name: provider
    for provider in (SandboxProvider(), ManualProvider(), StripeProvider(), PayPalProvider(), BTCPayProvider())
}


def register(provider: PaymentProvider) -> None:
    _PROVIDERS[provider.info.name] = provider


def get(name: str, *, field: str = "payment.provider") -> PaymentProvider:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise InvalidInput(field, f"'{name}' is not a payment provider here; use one of {sorted(_PROVIDERS)}")
    return provider


def names() -> list[str]:
    return sorted(_PROVIDERS)
