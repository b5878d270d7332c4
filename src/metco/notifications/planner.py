"""Turning a domain event into queued notifications: who hears of it, by which channels their preferences
allow, in the store's wording. Each queued notification is delivered through the outbox, so it is committed
with the event that caused it or not at all, and a replayed event queues nothing twice."""

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.db import settings_of
from metco.kit.outbox import publish
from metco.notifications.context import store_context
from metco.notifications.defaults import Wording
from metco.notifications.events import EVENTS
from metco.notifications.messages import DeliverNotification
from metco.notifications.models import Notification, NotificationTemplate, PushSubscription
from metco.notifications.rendering import render
from metco.stores.models import Store

log = structlog.get_logger("metco.notifications")


@dataclass(frozen=True)
class Recipient:
    email: str | None
    name: str | None = None
    phone: str | None = None
    customer_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    wants_email: bool = True
    wants_sms: bool = False
    wants_push: bool = False


def unsubscribe_token(settings: Settings, customer_id: uuid.UUID) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"unsubscribe:{customer_id}".encode(), hashlib.sha256).hexdigest()[:40]


def unsubscribe_url(settings: Settings, store: Store, customer_id: uuid.UUID) -> str:
    token = unsubscribe_token(settings, customer_id)
    return f"{settings.base_url}/api/v1/storefront/{store.slug}/unsubscribe?customer={customer_id}&token={token}"


async def notify(session: AsyncSession, *, source: str, event: str, store: Store | None,
                 recipients: list[Recipient], context: dict[str, Any]) -> list[Notification]:
    """Queues `event` for each recipient on each channel they take; returns what was newly queued."""
    spec = EVENTS[event]
    settings = settings_of(session)
    overrides = await _overrides(session, store, event)
    queued: list[Notification] = []
    for recipient in recipients:
        for channel, address, extra in await _addresses(session, store, spec.channels, recipient, spec.transactional):
            values = {**context, "store": store_context(settings, store),
                      "recipient": {"name": recipient.name or "", "email": recipient.email or ""}}
            headers: dict[str, str] = {}
            if channel == "email" and not spec.transactional and store is not None and recipient.customer_id:
                values["unsubscribe_url"] = unsubscribe_url(settings, store, recipient.customer_id)
                headers = {"List-Unsubscribe": f"<{values['unsubscribe_url']}>",
                           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
            else:
                values["unsubscribe_url"] = None
            try:
                rendered = render(event, channel, values, overrides.get(channel))
            except TemplateError:
                log.warning("notification_template_failed", event=event, channel=channel, store_id=str(store.id)
                            if store else None)
                rendered = render(event, channel, values)  # the default wording never fails on real values
            row = Notification(
                store_id=store.id if store else None, event=event, channel=channel, recipient=address,
                audience=spec.audience, customer_id=recipient.customer_id, user_id=recipient.user_id,
                subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
                data={**extra, "headers": headers, "url": _link_of(context)}, transactional=spec.transactional,
                status="queued", source=source)
            if await _insert_once(session, row):
                await publish(session, DeliverNotification(notification_id=row.id), store_id=row.store_id)
                queued.append(row)
    return queued


def _link_of(context: dict[str, Any]) -> str | None:
    for key in ("order", "conversation", "variant"):
        value = context.get(key)
        if isinstance(value, dict) and value.get("url"):
            return str(value["url"])
    return None


async def _overrides(session: AsyncSession, store: Store | None, event: str) -> dict[str, Wording]:
    if store is None:
        return {}
    rows = (await session.scalars(select(NotificationTemplate).where(
        NotificationTemplate.store_id == store.id, NotificationTemplate.event == event))).all()
    return {row.channel: Wording(row.subject, row.body) for row in rows}


async def _addresses(session: AsyncSession, store: Store | None, channels: tuple[str, ...], recipient: Recipient,
                     transactional: bool) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    if "email" in channels and recipient.email and (transactional or recipient.wants_email):
        out.append(("email", recipient.email, {}))
    if "sms" in channels and recipient.wants_sms and recipient.phone:
        out.append(("sms", recipient.phone, {}))
    if "push" in channels and recipient.wants_push and recipient.user_id and store is not None:
        subscriptions = (await session.scalars(select(PushSubscription).where(
            PushSubscription.store_id == store.id, PushSubscription.user_id == recipient.user_id))).all()
        out.extend(("push", s.endpoint, {"p256dh": s.p256dh, "auth": s.auth}) for s in subscriptions)
    return out


async def _insert_once(session: AsyncSession, row: Notification) -> bool:
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True
