"""Which carrier integrations exist. Adapters register here; tests may register their own."""

from metco.fulfillment.carriers.manual import ManualCarrier
from metco.fulfillment.carriers.ports import CarrierProvider
from metco.kit.errors import InvalidInput

_CARRIERS: dict[str, CarrierProvider] = {"manual": ManualCarrier()}
_loaded: list[bool] = []


def _load_adapters() -> None:
    if _loaded:
        return
    _loaded.append(True)
    from metco.fulfillment.carriers import easypost, shiprocket

    for adapter in (easypost.EasyPostCarrier(), shiprocket.ShiprocketCarrier()):
        _CARRIERS.setdefault(adapter.info.name, adapter)


def register(carrier: CarrierProvider) -> None:
    _CARRIERS[carrier.info.name] = carrier


def get(name: str, *, field: str = "integration") -> CarrierProvider:
    _load_adapters()
    carrier = _CARRIERS.get(name)
    if carrier is None:
        raise InvalidInput(field, f"'{name}' is not a carrier integration here; use one of {names()}")
    return carrier


def names() -> list[str]:
    _load_adapters()
    return sorted(_CARRIERS)
