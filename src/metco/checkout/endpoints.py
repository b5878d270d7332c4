"""The storefront's cart and checkout API (public, by store slug; a bearer token links cart and order)."""

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import JSONResponse

from metco.checkout import carts, pricing
from metco.checkout import complete as checkout_complete
from metco.checkout.errors import DiscountNotApplicable
from metco.checkout.models import Cart
from metco.checkout.schemas import (
    CartRead,
    CheckoutRequest,
    CodeAdd,
    LineAdd,
    LineUpdate,
    RateChoice,
    ShippingAddress,
    ShippingRateRead,
)
from metco.kit.auth import DetachedOptionalCaller, OptionalCaller
from metco.kit.deps import SessionDep, SettingsDep
from metco.kit.errors import InvalidInput, MetcoError, NotFound
from metco.kit.idempotency import Answer, check_key, run_once
from metco.kit.problems import PROBLEM_JSON, problem
from metco.orders.schemas import PlacedOrderRead, detail
from metco.stores import service as stores_service
from metco.stores.models import Store

router = APIRouter(prefix="/storefront/{slug}", tags=["storefront"])


async def _cart(session: SessionDep, slug: str, cart_id: uuid.UUID, caller: OptionalCaller) -> tuple[Store, Cart]:
    store = await stores_service.get_store_by_slug(session, slug)
    cart = await carts.load(session, store_id=store.id, cart_id=cart_id, user_id=caller.user.id if caller else None)
    return store, cart


async def _read(session: SessionDep, store: Store, cart: Cart) -> CartRead:
    return await pricing.read(session, store, cart)


@router.post("/carts", status_code=status.HTTP_201_CREATED, response_model=CartRead)
async def create_cart(slug: str, session: SessionDep, caller: OptionalCaller) -> CartRead:
    store = await stores_service.get_store_by_slug(session, slug)
    cart = await carts.create(session, store_id=store.id, user_id=caller.user.id if caller else None)
    return await _read(session, store, cart)


@router.get("/carts/{cart_id}", response_model=CartRead)
async def get_cart(slug: str, cart_id: uuid.UUID, session: SessionDep, caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    return await _read(session, store, cart)


@router.post("/carts/{cart_id}/lines", status_code=status.HTTP_201_CREATED, response_model=CartRead)
async def add_line(slug: str, cart_id: uuid.UUID, body: LineAdd, session: SessionDep, caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    await carts.add_line(session, cart, variant_id=body.variant_id, quantity=body.quantity)
    return await _read(session, store, cart)


@router.patch("/carts/{cart_id}/lines/{line_id}", response_model=CartRead)
async def update_line(slug: str, cart_id: uuid.UUID, line_id: uuid.UUID, body: LineUpdate, session: SessionDep,
                      caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    await carts.update_line(session, cart, line_id=line_id, quantity=body.quantity)
    return await _read(session, store, cart)


@router.delete("/carts/{cart_id}/lines/{line_id}", response_model=CartRead)
async def remove_line(slug: str, cart_id: uuid.UUID, line_id: uuid.UUID, session: SessionDep,
                      caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    await carts.remove_line(session, cart, line_id=line_id)
    return await _read(session, store, cart)


@router.post("/carts/{cart_id}/discount-codes", response_model=CartRead)
async def add_code(slug: str, cart_id: uuid.UUID, body: CodeAdd, session: SessionDep, caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    reason = await pricing.why_code_does_not_apply(session, store, cart, body.code)
    if reason is not None:
        raise DiscountNotApplicable(reason[1], reason=reason[0])
    codes = [c for c in cart.discount_codes if c != body.code] + [body.code]
    await carts.set_codes(session, cart, codes)
    return await _read(session, store, cart)


@router.delete("/carts/{cart_id}/discount-codes/{code}", response_model=CartRead)
async def remove_code(slug: str, cart_id: uuid.UUID, code: str, session: SessionDep, caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    codes: list[str] = cart.discount_codes
    if code.strip().upper() not in codes:
        raise NotFound("That code is not on this cart.")
    await carts.set_codes(session, cart, [c for c in codes if c != code.strip().upper()])
    return await _read(session, store, cart)


@router.put("/carts/{cart_id}/shipping-address", response_model=CartRead)
async def set_shipping_address(slug: str, cart_id: uuid.UUID, body: ShippingAddress, session: SessionDep,
                               caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    await carts.set_shipping_address(session, cart, body.model_dump())
    return await _read(session, store, cart)


@router.get("/carts/{cart_id}/shipping-rates", response_model=list[ShippingRateRead])
async def shipping_rates(slug: str, cart_id: uuid.UUID, session: SessionDep,
                         caller: OptionalCaller) -> list[ShippingRateRead]:
    store, cart = await _cart(session, slug, cart_id, caller)
    rates = await pricing.shipping_rates(session, store, cart)
    return [ShippingRateRead(id=r.id, name=r.name, price=r.price) for r in rates]


@router.put("/carts/{cart_id}/shipping-rate", response_model=CartRead)
async def set_shipping_rate(slug: str, cart_id: uuid.UUID, body: RateChoice, session: SessionDep,
                            caller: OptionalCaller) -> CartRead:
    store, cart = await _cart(session, slug, cart_id, caller)
    rates = await pricing.shipping_rates(session, store, cart)
    if body.rate_id not in {r.id for r in rates}:
        raise InvalidInput("rate_id", "is not a shipping rate offered for this cart's address")
    await carts.set_shipping_rate(session, cart, body.rate_id)
    return await _read(session, store, cart)


@router.post("/carts/{cart_id}/checkout", status_code=status.HTTP_201_CREATED, response_model=PlacedOrderRead,
             responses={402: {"description": "Payment declined"}, 409: {"description": "Not enough stock"}})
async def checkout(
    slug: str, cart_id: uuid.UUID, body: CheckoutRequest, request: Request, settings: SettingsDep,
    caller: DetachedOptionalCaller, idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    key = check_key(idempotency_key)
    user = caller.user if caller else None

    async def place() -> Answer:
        placed = await checkout_complete.complete_checkout(
            request.app.state.db, settings, slug=slug, cart_id=cart_id, request=body, user=user,
            attempt=key or uuid.uuid4().hex)
        order = detail(placed.view, cls=PlacedOrderRead, access_token=placed.access_token,
                       next_action=placed.next_action)
        return Answer(201, order.model_dump(mode="json"))

    def refused(exc: MetcoError) -> Answer:
        response = problem(exc.status, exc.code, exc.title, exc.detail, errors=exc.errors, extra=exc.extra)
        return Answer(exc.status, json.loads(bytes(response.body)))

    answer = await run_once(request.app.state.db, scope=f"checkout:{slug}:{cart_id}", key=key,
                            request=body.model_dump(mode="json"), operation=place, error_answer=refused)
    media_type = "application/json" if answer.status < 400 else PROBLEM_JSON
    return JSONResponse(answer.body, status_code=answer.status, media_type=media_type)
