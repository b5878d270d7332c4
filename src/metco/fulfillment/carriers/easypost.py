"""EasyPost (stub: being built)."""

from collections.abc import Mapping

from metco.fulfillment.carriers.ports import (
    CarrierConfig,
    CarrierInfo,
    RateQuote,
    Shipment,
    ShipmentRequest,
    TrackingUpdate,
)


class EasyPostCarrier:
    info = CarrierInfo(name="easypost", title="EasyPost", sells_labels=True, live_rates=True)

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]:
        raise NotImplementedError

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment:
        raise NotImplementedError

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]:
        raise NotImplementedError

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None:
        raise NotImplementedError

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        raise NotImplementedError
