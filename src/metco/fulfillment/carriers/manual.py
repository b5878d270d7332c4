"""The merchant ships with whoever they like and types the carrier's name and tracking number; Metco links
to the carrier's tracking page for the well-known ones."""

from collections.abc import Mapping
from urllib.parse import quote

from metco.fulfillment.carriers.ports import (
    CarrierConfig,
    CarrierInfo,
    RateQuote,
    Shipment,
    ShipmentRequest,
    TrackingUpdate,
)
from metco.kit.errors import NotFound

TRACKING_URLS = {
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "ups": "https://www.ups.com/track?tracknum={n}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "shiprocket": "https://shiprocket.co/tracking/{n}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{n}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{n}",
    "australia post": "https://auspost.com.au/mypost/track/#/details/{n}",
    "gls": "https://gls-group.com/track/{n}",
}


def tracking_url(carrier: str, tracking_number: str | None) -> str | None:
    """The carrier's public tracking page for this number, when we know the carrier."""
    if not tracking_number:
        return None
    template = TRACKING_URLS.get(carrier.strip().lower())
    return template.format(n=quote(tracking_number, safe="")) if template else None


class ManualCarrier:
    info = CarrierInfo(name="manual", title="Any carrier (tracking number typed in)", enabled_by_default=True)

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]:
        return []

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment:
        return Shipment(carrier_reference=None, tracking_number=None, tracking_url=None)

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]:
        return []

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None:
        return None

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        raise NotFound("Manual shipments have no callbacks.")
