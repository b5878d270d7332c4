"""Live carrier rates at checkout: priced by the carrier with a markup, and the zone's own price when the
carrier is slow, failing or not connected."""

import asyncio
from collections.abc import Iterator, Mapping

import httpx
import pytest

from metco.fulfillment.carriers import registry
from metco.fulfillment.carriers.ports import (
    CarrierConfig,
    CarrierInfo,
    RateQuote,
    Shipment,
    ShipmentRequest,
    TrackingUpdate,
)
from metco.shipping import live_rates
from tests.helpers import assert_problem
from tests.shop import cart_with, open_shop


class QuotingCarrier:
    """A carrier integration that quotes what the test tells it to, as slowly as it is told."""

    info = CarrierInfo(name="quoting", title="Quoting test carrier", live_rates=True, enabled_by_default=True)
    delay = 0.0
    fail = False
    asked = 0

    async def rates(self, config: CarrierConfig, request: ShipmentRequest) -> list[RateQuote]:
        QuotingCarrier.asked += 1
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("carrier down")
        return [RateQuote("ground", "Ground", 700 + request.weight_grams // 100, "USD", 5),
                RateQuote("express", "Express", 2100, "USD", 1)]

    async def create_shipment(self, config: CarrierConfig, request: ShipmentRequest) -> Shipment:
        raise NotImplementedError

    async def track(self, config: CarrierConfig, *, carrier_reference: str | None,
                    tracking_number: str | None) -> list[TrackingUpdate]:
        return []

    async def cancel(self, config: CarrierConfig, *, carrier_reference: str) -> None:
        return None

    async def parse_webhook(self, config: CarrierConfig, *, body: bytes,
                            headers: Mapping[str, str]) -> list[TrackingUpdate]:
        return []


@pytest.fixture
def quoting() -> Iterator[type[QuotingCarrier]]:
    registry.register(QuotingCarrier())
    live_rates.forget()
    QuotingCarrier.delay, QuotingCarrier.fail, QuotingCarrier.asked = 0.0, False, 0
    yield QuotingCarrier
    live_rates.forget()


async def _zone(client: httpx.AsyncClient, shop: object, rates: list[dict[str, object]]) -> httpx.Response:
    zones = (await client.get(f"/stores/{shop.id}/shipping-zones", headers=shop.owner.headers)).json()  # type: ignore[attr-defined]
    return await client.patch(f"/stores/{shop.id}/shipping-zones/{zones[0]['id']}",  # type: ignore[attr-defined]
                              headers=shop.owner.headers, json={"rates": rates})  # type: ignore[attr-defined]


async def test_a_carrier_rate_is_priced_live_with_markup(client: httpx.AsyncClient,
                                                          quoting: type[QuotingCarrier]) -> None:
    shop = await open_shop(client)
    saved = await _zone(client, shop, [
        {"name": "Standard", "price": 900, "carrier": {"integration": "quoting", "service": "ground", "markup": 50}},
        {"name": "Express", "price": 2500, "carrier": {"integration": "quoting", "service": "express"}},
        {"name": "Pickup", "price": 0}])
    assert saved.status_code == 200, saved.text
    assert saved.json()["rates"][0]["carrier"] == {"integration": "quoting", "service": "ground", "markup": 50}
    cart = await cart_with(client, shop)
    rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")).json()
    by_name = {r["name"]: r["price"] for r in rates}
    assert by_name["Express"] == 2100 and by_name["Pickup"] == 0
    weight = shop.product["variants"][0].get("weight_grams") or 0
    assert by_name["Standard"] == 700 + max(weight, 1) // 100 + 50  # the carrier's price plus the markup
    asked = QuotingCarrier.asked
    await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")
    assert QuotingCarrier.asked == asked  # kept for a while: a cart is re-priced on every read


async def test_a_slow_or_failing_carrier_falls_back_to_the_zone_price(
        app: object, client: httpx.AsyncClient, quoting: type[QuotingCarrier]) -> None:
    settings = app.state.settings  # type: ignore[attr-defined]
    before = settings.carrier_rates_timeout_seconds
    settings.carrier_rates_timeout_seconds = 0.2
    try:
        shop = await open_shop(client)
        await _zone(client, shop, [{"name": "Standard", "price": 900, "carrier": {"integration": "quoting"}}])
        QuotingCarrier.delay = 2.0
        cart = await cart_with(client, shop)
        rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")).json()
        assert [r["price"] for r in rates] == [900]
        live_rates.forget()
        QuotingCarrier.delay, QuotingCarrier.fail = 0.0, True
        rates = (await client.get(f"/storefront/{shop.slug}/carts/{cart['id']}/shipping-rates")).json()
        assert [r["price"] for r in rates] == [900]
    finally:
        settings.carrier_rates_timeout_seconds = before


async def test_an_unknown_carrier_is_refused_when_saved(client: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    response = await _zone(client, shop, [{"name": "X", "price": 900, "carrier": {"integration": "pigeon"}}])
    assert_problem(response, 422, field="rates.0.carrier.integration")
