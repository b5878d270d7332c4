from typing import Any

from metco.kit.errors import Conflict, NotFound


class OutOfStock(Conflict):
    code = "OUT_OF_STOCK"
    title = "Not enough stock"

    def __init__(self, detail: str, *, shortages: list[dict[str, Any]]) -> None:
        first = shortages[0]
        super().__init__(detail, variant_id=first["variant_id"], available=first["available"],
                         requested=first["requested"], shortages=shortages)


class LocationNotFound(NotFound):
    code = "LOCATION_NOT_FOUND"
    title = "Location not found"
