"""Conversations and their messages. Every read and write is scoped to one store and checked against who
asks: a store's staff with `support`, the signed-in customer who owns the conversation, or a guest holding
its token. Sending is rate-limited per sender, across processes (counted in the database)."""

import hashlib
import hmac
import html
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.secrets import digest, new_secret
from metco.kit.clock import utcnow
from metco.kit.errors import InvalidInput, MetcoError, NotFound
from metco.kit.outbox import publish
from metco.kit.pagination import paginate
from metco.kit.repository import StoreRepository
from metco.support.events import CustomerWrote, StaffReplied
from metco.support.hub import Hub
from metco.support.models import Conversation, Message, ReadMark

MAX_BODY = 5000
RATE_WINDOW = timedelta(seconds=10)
RATE_LIMIT = 8  # messages per sender per window
STATUSES = ("open", "pending", "closed")
_URL = re.compile(r"https?://[^\s<>\"']+")


class Throttled(MetcoError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many messages"


@dataclass(frozen=True)
class Shopper:
    """Who a customer-side request is: a signed-in user, or the holder of one conversation's token."""

    user_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    name: str | None = None


class ConversationRepository(StoreRepository[Conversation]):
    model = Conversation
    not_found = "No such conversation."


def linkify(body: str) -> str:
    """Plain text as safe HTML: escaped, line breaks kept, links clickable (and never javascript:)."""
    escaped = html.escape(body)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">{m.group(0)}</a>',
                      escaped)
    return str(Markup(linked.replace("\n", "<br>")))  # noqa: S704 - built from escaped text


def topics_of(conversation: Conversation) -> list[str]:
    topics = [f"store:{conversation.store_id}", f"conversation:{conversation.id}"]
    if conversation.user_id:
        topics.append(f"user:{conversation.user_id}")
    return topics


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput("body", "write something")
    if len(text) > MAX_BODY:
        raise InvalidInput("body", f"must be at most {MAX_BODY} characters")
    return text


async def _throttle(session: AsyncSession, store_id: uuid.UUID, *, user_id: uuid.UUID | None,
                    conversation_id: uuid.UUID, author: str) -> None:
    stmt = select(func.count()).select_from(Message).where(Message.store_id == store_id,
                                                           Message.created_at > utcnow() - RATE_WINDOW)
    if author == "customer" and user_id:  # a signed-in customer: across all their conversations
        stmt = stmt.where(Message.author_user_id == user_id)
    else:  # a guest, or staff (who answer many conversations at once): per conversation
        stmt = stmt.where(Message.conversation_id == conversation_id, Message.author == author)
        if user_id:
            stmt = stmt.where(Message.author_user_id == user_id)
    if int(await session.scalar(stmt) or 0) >= RATE_LIMIT:
        raise Throttled("You are sending messages too fast; wait a few seconds.", headers={"Retry-After": "10"})


async def open_conversation(session: AsyncSession, hub: Hub, *, store_id: uuid.UUID, shopper: Shopper,
                            email: str, name: str | None, subject: str | None, message: str,
                            order_id: uuid.UUID | None) -> tuple[Conversation, Message, str | None]:
    """Returns the conversation, its first message and, for a guest, the token that opens it (shown once)."""
    body = _check_body(message)
    if order_id is not None:
        from metco.orders.models import Order

        order = (await session.scalars(select(Order).where(Order.store_id == store_id, Order.id == order_id))).first()
        if order is None or (order.user_id != shopper.user_id and order.email != email.lower()):
            raise InvalidInput("order_id", "is not one of your orders")
    token = None if shopper.user_id else new_secret("cvt")
    conversation = ConversationRepository(session, store_id).add(Conversation(
        user_id=shopper.user_id, email=email.lower(), name=name or shopper.name,
        subject=(subject or body.splitlines()[0])[:200], order_id=order_id, status="open",
        token_hash=digest(token) if token else None))
    await session.flush()
    first = await post(session, hub, conversation, author="customer", user_id=shopper.user_id,
                       name=name or shopper.name or email, body=body)
    return conversation, first, token


async def post(session: AsyncSession, hub: Hub, conversation: Conversation, *, author: str, user_id: uuid.UUID | None,
               name: str, body: str) -> Message:
    text = _check_body(body)
    await _throttle(session, conversation.store_id, user_id=user_id, conversation_id=conversation.id, author=author)
    row = Message(store_id=conversation.store_id, conversation_id=conversation.id, author=author,
                  author_user_id=user_id, author_name=name[:200], body=text)
    session.add(row)
    conversation.last_message_at = utcnow()
    if author == "customer" and conversation.status == "closed":
        conversation.status = "open"  # a customer writing again reopens it
    await session.flush()
    await mark_read(session, conversation, reader="customer" if author == "customer" else f"staff:{user_id}",
                    message_id=row.id)
    if author == "customer" and not await hub.anyone_online(f"store:{conversation.store_id}"):
        await publish(session, CustomerWrote(store_id=conversation.store_id, conversation_id=conversation.id,
                                             message_id=row.id), store_id=conversation.store_id)
    if author == "staff" and not await _customer_online(hub, conversation):
        await publish(session, StaffReplied(store_id=conversation.store_id, conversation_id=conversation.id,
                                            message_id=row.id), store_id=conversation.store_id)
    return row


async def _customer_online(hub: Hub, conversation: Conversation) -> bool:
    if conversation.user_id and await hub.anyone_online(f"user:{conversation.user_id}"):
        return True
    return await hub.anyone_online(f"conversation:{conversation.id}")


async def mark_read(session: AsyncSession, conversation: Conversation, *, reader: str, message_id: uuid.UUID) -> bool:
    """Moves the reader's mark forward (never back); says whether it moved."""
    mark = (await session.scalars(select(ReadMark).where(ReadMark.conversation_id == conversation.id,
                                                         ReadMark.reader == reader).with_for_update())).first()
    if mark is None:
        try:
            async with session.begin_nested():
                session.add(ReadMark(store_id=conversation.store_id, conversation_id=conversation.id, reader=reader,
                                     last_read_id=message_id, read_at=utcnow()))
                await session.flush()
            return True
        except IntegrityError:
            mark = (await session.scalars(select(ReadMark).where(ReadMark.conversation_id == conversation.id,
                                                                 ReadMark.reader == reader))).one()
    if message_id <= mark.last_read_id:
        return False
    mark.last_read_id, mark.read_at = message_id, utcnow()
    await session.flush()
    return True


async def unread(session: AsyncSession, conversation_ids: list[uuid.UUID], *, reader: str,
                 from_author: str) -> dict[uuid.UUID, int]:
    """Per conversation: messages from the other side after the reader's mark (one query for the page)."""
    if not conversation_ids:
        return {}
    stmt = (select(Message.conversation_id, func.count())
            .outerjoin(ReadMark, and_(ReadMark.conversation_id == Message.conversation_id, ReadMark.reader == reader))
            .where(Message.conversation_id.in_(conversation_ids), Message.author == from_author,
                   or_(ReadMark.last_read_id.is_(None), Message.id > ReadMark.last_read_id))
            .group_by(Message.conversation_id))
    counts = {conversation_id: int(n) for conversation_id, n in (await session.execute(stmt)).all()}
    return {conversation_id: counts.get(conversation_id, 0) for conversation_id in conversation_ids}


async def messages(session: AsyncSession, conversation: Conversation, *, after: uuid.UUID | None = None,
                   limit: int = 200) -> list[Message]:
    stmt = select(Message).where(Message.store_id == conversation.store_id, Message.conversation_id == conversation.id)
    if after is not None:
        stmt = stmt.where(Message.id > after)
    return list((await session.scalars(stmt.order_by(Message.id).limit(limit))).all())


async def for_shopper(session: AsyncSession, store_id: uuid.UUID, conversation_id: uuid.UUID,
                      shopper: Shopper) -> Conversation:
    conversation = await ConversationRepository(session, store_id).get(conversation_id)
    allowed = conversation is not None and (
        (shopper.user_id is not None and conversation.user_id == shopper.user_id)
        or (shopper.conversation_id is not None and conversation.id == shopper.conversation_id))
    if conversation is None or not allowed:
        raise NotFound("No such conversation.")
    return conversation


def link_token(secret_key: str, conversation_id: uuid.UUID) -> str:
    """A key to one conversation for links in emails: its id signed with the secret key."""
    mac = hmac.new(secret_key.encode(), f"conversation-link:{conversation_id}".encode(), hashlib.sha256).hexdigest()
    return f"cvl_{conversation_id.hex}{mac[:40]}"


async def by_token(session: AsyncSession, token: str) -> Conversation | None:
    if token.startswith("cvl_") and len(token) == 4 + 32 + 40:
        from metco.kit.db import settings_of

        try:
            conversation_id = uuid.UUID(token[4:36])
        except ValueError:
            return None
        key = settings_of(session).secret_key.get_secret_value()
        if not hmac.compare_digest(link_token(key, conversation_id), token):
            return None
        return await session.get(Conversation, conversation_id)
    return (await session.scalars(select(Conversation).where(Conversation.token_hash == digest(token)))).first()


async def shopper_conversations(session: AsyncSession, store_id: uuid.UUID, shopper: Shopper) -> list[Conversation]:
    stmt = ConversationRepository(session, store_id).select()
    if shopper.user_id is not None:
        stmt = stmt.where(Conversation.user_id == shopper.user_id)
    else:
        stmt = stmt.where(Conversation.id == shopper.conversation_id)
    return list((await session.scalars(stmt.order_by(Conversation.last_message_at.desc()))).all())


async def inbox(session: AsyncSession, store_id: uuid.UUID, *, status: str | None, assignee_id: uuid.UUID | None,
                limit: int, cursor: str | None) -> tuple[list[Conversation], str | None]:
    stmt = ConversationRepository(session, store_id).select()
    if status:
        stmt = stmt.where(Conversation.status == status)
    if assignee_id:
        stmt = stmt.where(Conversation.assignee_id == assignee_id)
    return await paginate(session, stmt, key=Conversation.id, limit=limit, cursor=cursor, descending=True)
