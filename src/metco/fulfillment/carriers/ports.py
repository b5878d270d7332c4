"""The carrier port: what fulfillment needs from any carrier integration. Frozen dataclasses in and out.

Adapters: `manual` (the merchant types the carrier and tracking number), `easypost`, `shiprocket`."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from metco.kit.integrations import IntegrationConfig, SettingField

CarrierConfig = IntegrationConfig


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    region: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class ParcelLine:
    title: str
    sku: str | None
    quantity: int
    unit_price: int


@dataclass(frozen=True)
class ShipmentRequest:
    reference: str  # ours: the fulfillment id (also the carrier-side idempotency key where there is one)
    order_number: int
    ship_from: Address
    ship_to: Address
    weight_grams: int
    lines: tuple[ParcelLine, ...]
    currency: str
    service: str | None = None  # a rate's service id from `rates`, or None for the carrier's cheapest
    buy_label: bool = True


@dataclass(frozen=True)
class Shipment:
    carrier_reference: str | None  # the carrier's shipment id
    tracking_number: str | None
    tracking_url: str | None
    label_url: str | None = None
    carrier_name: str | None = None  # the actual carrier (EasyPost: "UPS"; Shiprocket: the courier)
    service: str | None = None
    cost: int | None = None


@dataclass(frozen=True)
class RateQuote:
    service: str  # pass back as ShipmentRequest.service
    name: str  # what the shopper sees, e.g. "UPS Ground"
    price: int  # minor units of the store's currency
    currency: str
    days: int | None = None


@dataclass(frozen=True)
class TrackingUpdate:
    """One verified tracking event. `status` is ours (fulfillment states) or None for information only."""

    event_id: str
    status: str | None
    message: str
    carrier_reference: str | None = None
    tracking_number: str | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class CarrierInfo:
    name: str
    title: str
    fields: tuple[SettingField, ...] = ()
    sells_labels: bool = False
    live_rates: bool = False
    enabled_by_default: bool = False
    webhook_header: str | None = None


class CarrierProvider(Protocol):
    info: CarrierInfo

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]: ...

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment: ...

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]: ...

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None: ...

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        """Verifies the callback (raises payments.signatures.BadSignature) and says what it means."""
        ...


@dataclass(frozen=True)
class CarrierError(Exception):
    message: str
    retryable: bool = False
    details: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message
