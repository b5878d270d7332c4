"""Delivering one queued notification: one attempt per outbox event. A failure is written on the notification
(attempts, last error) and the next attempt is scheduled as a new outbox event after an exponential backoff
with jitter; after the last attempt, or a permanent failure, the notification is failed and stays visible.

A notification that is already sent is skipped, so a redelivered event (a worker killed after sending but
before committing) is the only way one can go out twice."""

import random
import uuid
from datetime import timedelta

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.clock import utcnow
from metco.kit.db import settings_of
from metco.kit.outbox import publish
from metco.notifications.channels import channel_for
from metco.notifications.channels.base import DeliveryFailed, OutgoingMessage
from metco.notifications.messages import DeliverNotification
from metco.notifications.models import Notification, PushSubscription
from metco.stores.models import Store

log = structlog.get_logger("metco.notifications")
MAX_ERROR = 2000


def retry_delay(settings: Settings, attempts: int, rng: random.Random | None = None) -> float:
    """base * 2^(attempts-1), capped, with "equal jitter" (a random point in the upper half)."""
    ceiling = min(settings.notify_backoff_cap_seconds, settings.notify_backoff_base_seconds * 2 ** min(attempts - 1, 40))
    return (rng or random).uniform(ceiling / 2, ceiling)


async def deliver(session: AsyncSession, notification_id: uuid.UUID) -> None:
    row = (await session.scalars(select(Notification).where(Notification.id == notification_id)
                                 .with_for_update())).first()
    if row is None or row.status != "queued":
        return
    settings = settings_of(session)
    store = await session.get(Store, row.store_id) if row.store_id else None
    message = OutgoingMessage(
        notification_id=row.id, channel=row.channel, recipient=row.recipient, text=row.body_text,
        subject=row.subject, html=row.body_html, sender_name=store.name if store else "Metco",
        headers={**(row.data.get("headers") or {}), **({"Reply-To": store.email} if store and store.email else {})},
        data={k: v for k, v in row.data.items() if k != "headers"})
    row.attempts += 1
    now = utcnow()
    try:
        provider_id = await channel_for(row.channel, settings).send(message)
    except DeliveryFailed as exc:
        await _failed(session, settings, row, str(exc), permanent=exc.permanent)
        return
    except Exception as exc:
        log.exception("notification_send_crashed", notification_id=str(row.id))
        await _failed(session, settings, row, repr(exc), permanent=False)
        return
    row.status = "sent"
    row.sent_at = now
    row.next_attempt_at = None
    row.provider_message_id = provider_id
    await session.flush()


async def _failed(session: AsyncSession, settings: Settings, row: Notification, error: str, *, permanent: bool) -> None:
    row.last_error = error[:MAX_ERROR]
    if permanent or row.attempts >= settings.notify_max_attempts:
        row.status = "failed"
        row.next_attempt_at = None
        if row.channel == "push" and permanent and row.store_id:
            # The browser dropped the subscription (404/410): forget it.
            await session.execute(delete(PushSubscription).where(PushSubscription.store_id == row.store_id,
                                                                 PushSubscription.endpoint == row.recipient))
        log.warning("notification_failed", notification_id=str(row.id), channel=row.channel, error=row.last_error)
    else:
        row.next_attempt_at = utcnow() + timedelta(seconds=retry_delay(settings, row.attempts))
        retry = await publish(session, DeliverNotification(notification_id=row.id), store_id=row.store_id)
        retry.available_at = row.next_attempt_at
    await session.flush()


async def retry_now(session: AsyncSession, row: Notification) -> None:
    """Staff asked to try a failed notification again: it is queued afresh, with its attempts kept."""
    row.status = "queued"
    row.next_attempt_at = None
    await publish(session, DeliverNotification(notification_id=row.id), store_id=row.store_id)
    await session.flush()
