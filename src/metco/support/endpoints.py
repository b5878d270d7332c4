"""The JSON API of support: a customer's conversations (signed in, or a guest with the conversation's
token in `X-Conversation-Token`), and the store's inbox for staff with `support`."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from metco.kit.auth import OptionalCaller, require
from metco.kit.deps import SessionDep
from metco.kit.errors import InvalidInput, Unauthorized
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.stores import repository as stores_repository
from metco.stores import service as stores_service
from metco.stores.roles import permissions_of
from metco.support import service
from metco.support.hub import Hub
from metco.support.models import Conversation, Message
from metco.support.service import Shopper

router = APIRouter(tags=["support"])
storefront_router = APIRouter(tags=["storefront"])
Support = Annotated[StoreScope, Depends(require("support"))]


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=service.MAX_BODY)
    subject: str | None = Field(None, max_length=200)
    order_id: uuid.UUID | None = None
    email: EmailStr | None = Field(None, description="A guest's email (signed-in customers use their account's).")
    name: str | None = Field(None, max_length=200)


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=service.MAX_BODY)


class ReadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: uuid.UUID


class ConversationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "pending", "closed"] | None = None
    assignee_id: uuid.UUID | None = None


class MessageRead(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    author: str
    author_name: str
    body: str
    body_html: str = Field(description="The body escaped, with links made clickable.")
    created_at: datetime


class ConversationRead(BaseModel):
    id: uuid.UUID
    subject: str
    status: str
    email: str
    name: str | None
    order_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    last_message_at: datetime
    created_at: datetime
    unread: int = 0


class OpenedConversation(ConversationRead):
    token: str | None = Field(None, description="A guest's key to this conversation; shown once.")
    messages: list[MessageRead] = Field(default_factory=list)


def message_read(m: Message) -> MessageRead:
    return MessageRead(id=m.id, conversation_id=m.conversation_id, author=m.author, author_name=m.author_name,
                       body=m.body, body_html=service.linkify(m.body), created_at=m.created_at)


def conversation_read(c: Conversation, unread: int = 0) -> ConversationRead:
    return ConversationRead(id=c.id, subject=c.subject, status=c.status, email=c.email, name=c.name,
                            order_id=c.order_id, assignee_id=c.assignee_id, last_message_at=c.last_message_at,
                            created_at=c.created_at, unread=unread)


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


async def _shopper(session: SessionDep, caller: OptionalCaller, slug: str,
                   token: Annotated[str | None, Header(alias="X-Conversation-Token", max_length=200)] = None,
                   ) -> tuple[uuid.UUID, Shopper]:
    store = await stores_service.get_store_by_slug(session, slug)
    if caller is not None:
        return store.id, Shopper(user_id=caller.user.id, name=caller.user.name)
    if token:
        conversation = await service.by_token(session, token)
        if conversation is not None and conversation.store_id == store.id:
            return store.id, Shopper(conversation_id=conversation.id, name=conversation.name)
    return store.id, Shopper()


ShopperDep = Annotated[tuple[uuid.UUID, Shopper], Depends(_shopper)]


async def _publish(request: Request, conversation: Conversation, message: Message) -> None:
    await hub_of(request).publish(service.topics_of(conversation), {
        "type": "message", "conversation_id": str(conversation.id),
        "message": message_read(message).model_dump(mode="json")})


@storefront_router.post("/storefront/{slug}/conversations", status_code=201, response_model=OpenedConversation)
async def open_conversation(slug: str, body: ConversationCreate, who: ShopperDep, caller: OptionalCaller,
                            request: Request, session: SessionDep) -> OpenedConversation:
    store_id, shopper = who
    email = caller.user.email if caller else (str(body.email) if body.email else None)
    if email is None:
        raise InvalidInput("email", "a guest needs an email address so we can answer")
    conversation, first, token = await service.open_conversation(
        session, hub_of(request), store_id=store_id, shopper=Shopper(user_id=shopper.user_id, name=shopper.name),
        email=email, name=body.name, subject=body.subject, message=body.message, order_id=body.order_id)
    await session.commit()
    await _publish(request, conversation, first)
    return OpenedConversation(**conversation_read(conversation).model_dump(), token=token,
                              messages=[message_read(first)])


@storefront_router.get("/storefront/{slug}/conversations", response_model=list[ConversationRead])
async def my_conversations(who: ShopperDep, session: SessionDep) -> list[ConversationRead]:
    store_id, shopper = who
    if shopper.user_id is None and shopper.conversation_id is None:
        raise Unauthorized("Sign in, or send the conversation's token in X-Conversation-Token.")
    rows = await service.shopper_conversations(session, store_id, shopper)
    counts = await service.unread(session, [c.id for c in rows], reader="customer", from_author="staff")
    return [conversation_read(c, counts.get(c.id, 0)) for c in rows]


@storefront_router.get("/storefront/{slug}/conversations/{conversation_id}/messages", response_model=list[MessageRead])
async def my_messages(conversation_id: uuid.UUID, who: ShopperDep, session: SessionDep,
                      after: uuid.UUID | None = None) -> list[MessageRead]:
    store_id, shopper = who
    conversation = await service.for_shopper(session, store_id, conversation_id, shopper)
    return [message_read(m) for m in await service.messages(session, conversation, after=after)]


@storefront_router.post("/storefront/{slug}/conversations/{conversation_id}/messages", status_code=201,
                        response_model=MessageRead)
async def my_reply(conversation_id: uuid.UUID, body: MessageCreate, who: ShopperDep, request: Request,
                   session: SessionDep) -> MessageRead:
    store_id, shopper = who
    conversation = await service.for_shopper(session, store_id, conversation_id, shopper)
    message = await service.post(session, hub_of(request), conversation, author="customer", user_id=shopper.user_id,
                                 name=shopper.name or conversation.name or conversation.email, body=body.body)
    await session.commit()
    await _publish(request, conversation, message)
    return message_read(message)


@storefront_router.post("/storefront/{slug}/conversations/{conversation_id}/read", status_code=204)
async def i_read(conversation_id: uuid.UUID, body: ReadCreate, who: ShopperDep, request: Request,
                 session: SessionDep) -> None:
    store_id, shopper = who
    conversation = await service.for_shopper(session, store_id, conversation_id, shopper)
    if await service.mark_read(session, conversation, reader="customer", message_id=body.message_id):
        await session.commit()
        await hub_of(request).publish([f"store:{store_id}"], {
            "type": "read", "conversation_id": str(conversation.id), "reader": "customer",
            "message_id": str(body.message_id)})


@router.get("/stores/{store_id}/conversations", response_model=Page[ConversationRead])
async def inbox(scope: Support, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
                status: Literal["open", "pending", "closed"] | None = None,
                assignee_id: uuid.UUID | None = None) -> Page[ConversationRead]:
    rows, next_cursor = await service.inbox(session, scope.store_id, status=status, assignee_id=assignee_id,
                                            limit=limit, cursor=cursor)
    counts = await service.unread(session, [c.id for c in rows], reader=f"staff:{scope.user_id}",
                                  from_author="customer")
    return Page(items=[conversation_read(c, counts.get(c.id, 0)) for c in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}/conversations/{conversation_id}", response_model=ConversationRead)
async def get_conversation(conversation_id: uuid.UUID, scope: Support, session: SessionDep) -> ConversationRead:
    conversation = await service.ConversationRepository(session, scope.store_id).get_or_404(conversation_id)
    counts = await service.unread(session, [conversation.id], reader=f"staff:{scope.user_id}", from_author="customer")
    return conversation_read(conversation, counts.get(conversation.id, 0))


@router.patch("/stores/{store_id}/conversations/{conversation_id}", response_model=ConversationRead)
async def update_conversation(conversation_id: uuid.UUID, body: ConversationUpdate, scope: Support,
                              request: Request, session: SessionDep) -> ConversationRead:
    conversation = await service.ConversationRepository(session, scope.store_id).get_or_404(conversation_id)
    changes = body.model_dump(exclude_unset=True)
    if "assignee_id" in changes and changes["assignee_id"] is not None:
        member = await stores_repository.membership(session, scope.store_id, changes["assignee_id"])
        if member is None or "support" not in permissions_of(member.role):
            raise InvalidInput("assignee_id", "is not a member of this store who handles support")
    if changes.get("status") is not None:
        conversation.status = changes["status"]
    if "assignee_id" in changes:
        conversation.assignee_id = changes["assignee_id"]
    await session.commit()
    await hub_of(request).publish([f"store:{scope.store_id}"], {
        "type": "conversation", "conversation": conversation_read(conversation).model_dump(mode="json")})
    return conversation_read(conversation)


@router.get("/stores/{store_id}/conversations/{conversation_id}/messages", response_model=list[MessageRead])
async def staff_messages(conversation_id: uuid.UUID, scope: Support, session: SessionDep,
                         after: uuid.UUID | None = None) -> list[MessageRead]:
    conversation = await service.ConversationRepository(session, scope.store_id).get_or_404(conversation_id)
    return [message_read(m) for m in await service.messages(session, conversation, after=after)]


@router.post("/stores/{store_id}/conversations/{conversation_id}/messages", status_code=201, response_model=MessageRead)
async def staff_reply(conversation_id: uuid.UUID, body: MessageCreate, scope: Support, request: Request,
                      session: SessionDep) -> MessageRead:
    from metco.identity.models import User

    conversation = await service.ConversationRepository(session, scope.store_id).get_or_404(conversation_id)
    user = await session.get(User, scope.user_id)
    message = await service.post(session, hub_of(request), conversation, author="staff", user_id=scope.user_id,
                                 name=user.name if user else "Staff", body=body.body)
    if conversation.status == "open":
        conversation.status = "pending"  # answered: waiting for the customer
    await session.commit()
    await _publish(request, conversation, message)
    return message_read(message)


@router.post("/stores/{store_id}/conversations/{conversation_id}/read", status_code=204)
async def staff_read(conversation_id: uuid.UUID, body: ReadCreate, scope: Support, request: Request,
                     session: SessionDep) -> None:
    conversation = await service.ConversationRepository(session, scope.store_id).get_or_404(conversation_id)
    if await service.mark_read(session, conversation, reader=f"staff:{scope.user_id}", message_id=body.message_id):
        await session.commit()
        await hub_of(request).publish(service.topics_of(conversation), {
            "type": "read", "conversation_id": str(conversation.id), "reader": "staff",
            "message_id": str(body.message_id)})
