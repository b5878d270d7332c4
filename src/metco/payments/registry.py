"""Which payment providers exist. Tests and later adapters register here instead of patching modules."""

from metco.kit.errors import InvalidInput
from metco.payments.ports import PaymentProvider
from metco.payments.providers.manual import ManualProvider
from metco.payments.providers.sandbox import SandboxProvider

_PROVIDERS: dict[str, PaymentProvider] = {"sandbox": SandboxProvider(), "manual": ManualProvider()}


def register(provider: PaymentProvider) -> None:
    _PROVIDERS[provider.info.name] = provider


def get(name: str, *, field: str = "payment.provider") -> PaymentProvider:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise InvalidInput(field, f"'{name}' is not a payment provider here; use one of {sorted(_PROVIDERS)}")
    return provider


def names() -> list[str]:
    return sorted(_PROVIDERS)
