"""The JSON API of notifications: the store's log and templates, and a shopper's push subscriptions and
one-click unsubscribe."""

import hmac
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from metco.customers import service as customers_service
from metco.customers.models import Customer
from metco.kit.auth import CurrentUser, require
from metco.kit.deps import SessionDep, SettingsDep
from metco.kit.errors import NotFound
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.notifications import service
from metco.notifications.planner import unsubscribe_token
from metco.notifications.schemas import (
    ChannelName,
    NotificationRead,
    PushSubscriptionRead,
    PushSubscriptionWrite,
    Status,
    TemplateRead,
    TemplateWrite,
)
from metco.stores import service as stores_service

router = APIRouter(tags=["notifications"])
storefront_router = APIRouter(tags=["storefront"])

ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]


@router.get("/stores/{store_id}/notifications", response_model=Page[NotificationRead])
async def list_notifications(
    scope: ManageStore, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
    status: Status | None = None, channel: ChannelName | None = None,
    event: Annotated[str | None, Query(max_length=50)] = None,
) -> Page[NotificationRead]:
    rows, next_cursor = await service.list_notifications(session, scope.store_id, status=status, channel=channel,
                                                         event=event, limit=limit, cursor=cursor)
    return Page(items=[NotificationRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/stores/{store_id}/notifications/{notification_id}/retry", response_model=NotificationRead)
async def retry_notification(notification_id: uuid.UUID, scope: ManageStore, session: SessionDep) -> NotificationRead:
    return NotificationRead.model_validate(await service.retry(session, scope.store_id, notification_id))


@router.get("/stores/{store_id}/notification-templates", response_model=list[TemplateRead])
async def list_templates(scope: ManageStore, session: SessionDep) -> list[TemplateRead]:
    return [TemplateRead(**vars(v)) for v in await service.list_templates(session, scope.store_id)]


@router.get("/stores/{store_id}/notification-templates/{event}/{channel}", response_model=TemplateRead)
async def get_template(event: str, channel: str, scope: ManageStore, session: SessionDep) -> TemplateRead:
    return TemplateRead(**vars(await service.get_template(session, scope.store_id, event, channel)))


@router.put("/stores/{store_id}/notification-templates/{event}/{channel}", response_model=TemplateRead)
async def put_template(event: str, channel: str, body: TemplateWrite, scope: ManageStore,
                       session: SessionDep) -> TemplateRead:
    view = await service.put_template(session, scope.store_id, event, channel, subject=body.subject, body=body.body)
    return TemplateRead(**vars(view))


@router.delete("/stores/{store_id}/notification-templates/{event}/{channel}", status_code=status.HTTP_204_NO_CONTENT)
async def reset_template(event: str, channel: str, scope: ManageStore, session: SessionDep) -> Response:
    await service.reset_template(session, scope.store_id, event, channel)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=50_000)


class PreviewRead(BaseModel):
    subject: str | None
    text: str
    html: str | None


class TestSend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: EmailStr


@router.post("/stores/{store_id}/notification-templates/{event}/{channel}/preview", response_model=PreviewRead)
async def preview_template(event: str, channel: str, body: PreviewRequest, scope: ManageStore,
                           session: SessionDep) -> PreviewRead:
    """The message rendered against a sample of the event's values: with this wording, or the store's."""
    rendered = await service.preview(session, scope.store_id, event, channel, subject=body.subject, body=body.body)
    return PreviewRead(subject=rendered.subject, text=rendered.text, html=rendered.html)


@router.post("/stores/{store_id}/notification-templates/{event}/email/test", status_code=202,
             response_model=NotificationRead)
async def test_send(event: str, body: TestSend, scope: ManageStore, session: SessionDep) -> NotificationRead:
    """Sends the store's email for this event, filled with sample values, to one address."""
    return NotificationRead.model_validate(await service.send_test(session, scope.store_id, event, to=str(body.to)))


@storefront_router.get("/storefront/{slug}/push/vapid-public-key")
async def vapid_public_key(slug: str, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    """The key the storefront passes to pushManager.subscribe() as applicationServerKey."""
    from metco.notifications.channels.push import vapid_public_key as public_key

    await stores_service.get_store_by_slug(session, slug)
    return {"public_key": public_key(settings)}


@storefront_router.post("/storefront/{slug}/me/push-subscriptions", status_code=status.HTTP_201_CREATED,
                        response_model=PushSubscriptionRead)
async def add_push_subscription(slug: str, body: PushSubscriptionWrite, user: CurrentUser,
                                session: SessionDep) -> PushSubscriptionRead:
    store = await stores_service.get_store_by_slug(session, slug)
    row = await service.subscribe_push(session, store_id=store.id, user_id=user.id, endpoint=str(body.endpoint),
                                       p256dh=body.keys.p256dh, auth=body.keys.auth)
    return PushSubscriptionRead(id=row.id, endpoint=row.endpoint, created_at=row.created_at)


@storefront_router.delete("/storefront/{slug}/me/push-subscriptions", status_code=status.HTTP_204_NO_CONTENT)
async def remove_push_subscription(slug: str, user: CurrentUser, session: SessionDep,
                                   endpoint: Annotated[str, Query(max_length=1000)]) -> Response:
    store = await stores_service.get_store_by_slug(session, slug)
    await service.unsubscribe_push(session, store_id=store.id, user_id=user.id, endpoint=endpoint)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _unsubscribing(session: SessionDep, settings: SettingsDep, slug: str, customer: uuid.UUID,
                         token: Annotated[str, Query(max_length=100)]) -> Customer:
    store = await stores_service.get_store_by_slug(session, slug)
    row = await session.get(Customer, customer)
    if row is None or row.store_id != store.id or not hmac.compare_digest(unsubscribe_token(settings, row.id), token):
        raise NotFound("No such subscription.")
    return row


@storefront_router.get("/storefront/{slug}/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
async def unsubscribe_page(who: Annotated[Customer, Depends(_unsubscribing)]) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Unsubscribe</title><body style='font-family:sans-serif'>"
        "<p>Stop emails about shipping and support updates (receipts still come)?</p>"
        "<form method=post><button>Unsubscribe</button></form>")


@storefront_router.post("/storefront/{slug}/unsubscribe")
async def unsubscribe(who: Annotated[Customer, Depends(_unsubscribing)], session: SessionDep) -> dict[str, bool]:
    """RFC 8058 one-click unsubscribe: the customer's email preference (and marketing consent) goes off."""
    preferences = customers_service.preferences_of(who)
    await customers_service.set_preferences(session, who, preferences.model_copy(update={"email": False,
                                                                                        "marketing": False}))
    return {"unsubscribed": True}
