"""The store's view of its notifications and templates, and a shopper's push subscriptions."""

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import Conflict, NotFound
from metco.kit.pagination import paginate
from metco.kit.repository import StoreRepository
from metco.notifications import delivery, rendering
from metco.notifications.defaults import DEFAULTS
from metco.notifications.events import EVENTS
from metco.notifications.models import Notification, NotificationTemplate, PushSubscription
from metco.notifications.samples import variables


class NotificationRepository(StoreRepository[Notification]):
    model = Notification
    not_found = "No such notification in this store."


class TemplateRepository(StoreRepository[NotificationTemplate]):
    model = NotificationTemplate

    async def find(self, event: str, channel: str) -> NotificationTemplate | None:
        return (await self.session.scalars(self.select().where(NotificationTemplate.event == event,
                                                                NotificationTemplate.channel == channel))).first()


@dataclass(frozen=True)
class TemplateView:
    event: str
    channel: str
    subject: str | None
    body: str
    is_default: bool
    transactional: bool
    variables: list[str]


async def list_notifications(session: AsyncSession, store_id: uuid.UUID, *, status: str | None, channel: str | None,
                             event: str | None, limit: int, cursor: str | None) -> tuple[list[Notification], str | None]:
    stmt = NotificationRepository(session, store_id).select()
    if status:
        stmt = stmt.where(Notification.status == status)
    if channel:
        stmt = stmt.where(Notification.channel == channel)
    if event:
        stmt = stmt.where(Notification.event == event)
    return await paginate(session, stmt, key=Notification.id, limit=limit, cursor=cursor, descending=True)


async def retry(session: AsyncSession, store_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    row = await NotificationRepository(session, store_id).get_or_404(notification_id)
    if row.status != "failed":
        raise Conflict(f"Only a failed notification can be retried; this one is {row.status}.")
    await delivery.retry_now(session, row)
    return row


def _known(event: str, channel: str) -> None:
    if (event, channel) not in DEFAULTS:
        raise NotFound(f"There is no '{channel}' message for the event '{event}'.")


def _view(event: str, channel: str, row: NotificationTemplate | None) -> TemplateView:
    default = DEFAULTS[(event, channel)]
    return TemplateView(event=event, channel=channel, subject=row.subject if row else default.subject,
                        body=row.body if row else default.body, is_default=row is None,
                        transactional=EVENTS[event].transactional, variables=variables(event))


async def list_templates(session: AsyncSession, store_id: uuid.UUID) -> list[TemplateView]:
    rows = {(r.event, r.channel): r for r in (await session.scalars(TemplateRepository(session, store_id).select())).all()}
    return [_view(event, channel, rows.get((event, channel))) for event, channel in DEFAULTS]


async def get_template(session: AsyncSession, store_id: uuid.UUID, event: str, channel: str) -> TemplateView:
    _known(event, channel)
    return _view(event, channel, await TemplateRepository(session, store_id).find(event, channel))


async def put_template(session: AsyncSession, store_id: uuid.UUID, event: str, channel: str, *,
                       subject: str | None, body: str) -> TemplateView:
    _known(event, channel)
    if channel == "sms":
        subject = None
    rendering.check(event, channel, subject=subject, body=body)
    repo = TemplateRepository(session, store_id)
    row = await repo.find(event, channel)
    if row is None:
        row = repo.add(NotificationTemplate(event=event, channel=channel, subject=subject, body=body))
    else:
        row.subject, row.body = subject, body
    await session.flush()
    return _view(event, channel, row)


async def reset_template(session: AsyncSession, store_id: uuid.UUID, event: str, channel: str) -> None:
    _known(event, channel)
    await session.execute(delete(NotificationTemplate).where(
        NotificationTemplate.store_id == store_id, NotificationTemplate.event == event,
        NotificationTemplate.channel == channel))


async def subscribe_push(session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID, endpoint: str,
                         p256dh: str, auth: str) -> PushSubscription:
    row = (await session.scalars(select(PushSubscription).where(PushSubscription.store_id == store_id,
                                                                PushSubscription.endpoint == endpoint))).first()
    if row is None:
        row = PushSubscription(store_id=store_id, user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
        session.add(row)
    else:
        row.user_id, row.p256dh, row.auth = user_id, p256dh, auth
    await session.flush()
    return row


async def unsubscribe_push(session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID, endpoint: str) -> None:
    await session.execute(delete(PushSubscription).where(
        PushSubscription.store_id == store_id, PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint))


async def preview(session: AsyncSession, store_id: uuid.UUID, event: str, channel: str, *, subject: str | None,
                  body: str | None) -> rendering.Rendered:
    """The message as it would go out, rendered against the sample, with the given wording or the store's."""
    from metco.kit.db import settings_of
    from metco.notifications.context import store_context
    from metco.notifications.defaults import Wording
    from metco.notifications.samples import sample_context
    from metco.stores.models import Store

    _known(event, channel)
    current = await get_template(session, store_id, event, channel)
    wording = Wording(subject if subject is not None else current.subject, body if body is not None else current.body)
    rendering.check(event, channel, subject=wording.subject, body=wording.body)
    context = sample_context(event) | {"store": store_context(settings_of(session), await session.get(Store, store_id)),
                                       "unsubscribe_url": None}
    return rendering.render(event, channel, context, wording)


async def send_test(session: AsyncSession, store_id: uuid.UUID, event: str, *, to: str) -> Notification:
    """Queues the store's email for `event`, rendered against the sample, to `to` (delivered like any other)."""
    from metco.kit.outbox import publish
    from metco.notifications.messages import DeliverNotification

    rendered = await preview(session, store_id, event, "email", subject=None, body=None)
    row = Notification(store_id=store_id, event=event, channel="email", recipient=to, audience="staff",
                       subject=f"[Test] {rendered.subject or ''}", body_text=rendered.text, body_html=rendered.html,
                       data={}, transactional=True, status="queued", source=f"test:{uuid.uuid4()}")
    session.add(row)
    await session.flush()
    await publish(session, DeliverNotification(notification_id=row.id), store_id=store_id)
    return row
