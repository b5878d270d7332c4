"""The support WebSocket at /api/v1/ws?token=…[&since=<message id>].

The token is an access token (staff get their stores' conversations where they hold `support`; a
customer gets their own) or a guest's conversation token (that conversation only). The server pushes
`message`, `typing`, `read` and `conversation` events and a `ping` every 25 seconds; a client may send
`typing`, `read` and `ping`. With `since`, the server first sends every message after that id the client
may see: a client that reconnects misses nothing."""

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import or_, select

from metco.identity import service as identity_service
from metco.stores import repository as stores_repository
from metco.stores.roles import permissions_of
from metco.support import service
from metco.support.endpoints import message_read
from metco.support.hub import Hub, connection_id
from metco.support.models import Conversation, Message

router = APIRouter()
HEARTBEAT_SECONDS = 25.0
MAX_QUEUE = 1000


@dataclass
class Listener:
    """Who is on the socket, and what they may see."""

    user_id: uuid.UUID | None = None
    name: str = ""
    staff_stores: set[uuid.UUID] = field(default_factory=set)
    conversation_id: uuid.UUID | None = None  # a guest's

    def topics(self) -> list[str]:
        topics = [f"store:{s}" for s in self.staff_stores]
        if self.user_id:
            topics.append(f"user:{self.user_id}")
        if self.conversation_id:
            topics.append(f"conversation:{self.conversation_id}")
        return topics

    def may_see(self, conversation: Conversation) -> str | None:
        """'staff' or 'customer' when this listener may act in the conversation, else None."""
        if conversation.store_id in self.staff_stores:
            return "staff"
        if (self.user_id and conversation.user_id == self.user_id) or conversation.id == self.conversation_id:
            return "customer"
        return None


async def _identify(websocket: WebSocket, token: str) -> Listener | None:
    async with websocket.app.state.db.sessionmaker() as session:
        found = await identity_service.authenticate(session, token)
        if found is not None:
            user, _ = found
            stores = {m.store_id for m, _ in await stores_repository.memberships_of_user(session, user.id)
                      if "support" in permissions_of(m.role)}
            return Listener(user_id=user.id, name=user.name, staff_stores=stores)
        conversation = await service.by_token(session, token)
        if conversation is not None:
            return Listener(name=conversation.name or conversation.email, conversation_id=conversation.id)
    return None


async def _missed(websocket: WebSocket, listener: Listener, since: uuid.UUID) -> list[dict[str, Any]]:
    async with websocket.app.state.db.sessionmaker() as session:
        visible: list[Any] = []
        if listener.staff_stores:
            visible.append(Conversation.store_id.in_(listener.staff_stores))
        if listener.user_id:
            visible.append(Conversation.user_id == listener.user_id)
        if listener.conversation_id:
            visible.append(Conversation.id == listener.conversation_id)
        stmt = (select(Message).join(Conversation, Conversation.id == Message.conversation_id)
                .where(or_(*visible), Message.id > since).order_by(Message.id).limit(500))
        rows = (await session.scalars(stmt)).all()
    return [{"type": "message", "conversation_id": str(m.conversation_id),
             "message": message_read(m).model_dump(mode="json")} for m in rows]


@router.websocket("/api/v1/ws")
async def support_socket(websocket: WebSocket, token: str = "", since: str | None = None) -> None:
    listener = await _identify(websocket, token) if token else None
    if listener is None:
        await websocket.close(code=4401, reason="invalid token")
        return
    await websocket.accept()
    hub: Hub = websocket.app.state.hub
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=MAX_QUEUE)
    sent: set[str] = set()

    def deliver(event: dict[str, Any]) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # a client that stopped reading loses live events, not data
            queue.put_nowait(event)

    topics = listener.topics()
    unsubscribe = hub.subscribe(topics, deliver)
    me = connection_id()
    for topic in topics:
        await hub.online(topic, me)
    if since:
        with contextlib.suppress(ValueError):
            for event in await _missed(websocket, listener, uuid.UUID(since)):
                deliver(event)

    async def pump() -> None:
        while True:
            event = await queue.get()
            if event.get("type") == "message":
                key = str(event["message"]["id"])
                if key in sent:
                    continue
                sent.add(key)
            await websocket.send_text(json.dumps(event, default=str))

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            for topic in topics:
                await hub.online(topic, me)
            await websocket.send_text(json.dumps({"type": "ping"}))

    tasks = [asyncio.create_task(pump()), asyncio.create_task(heartbeat())]
    try:
        while True:
            raw = await websocket.receive_text()
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict):
                await _from_client(websocket, hub, listener, event)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
        unsubscribe()
        for topic in topics:
            await hub.offline(topic, me)


async def _from_client(websocket: WebSocket, hub: Hub, listener: Listener, event: dict[str, Any]) -> None:
    kind = event.get("type")
    if kind == "ping":
        await websocket.send_text(json.dumps({"type": "pong"}))
        return
    if kind not in ("typing", "read"):
        return
    try:
        conversation_id = uuid.UUID(str(event.get("conversation_id")))
    except ValueError:
        return
    async with websocket.app.state.db.sessionmaker() as session:
        conversation = await session.get(Conversation, conversation_id)
        side = listener.may_see(conversation) if conversation is not None else None
        if conversation is None or side is None:
            return  # not theirs: nothing happens, nothing is said
        if kind == "typing":
            await hub.publish(service.topics_of(conversation), {"type": "typing", "conversation_id": str(conversation.id),
                                                                "who": side, "name": listener.name})
            return
        try:
            message_id = uuid.UUID(str(event.get("message_id")))
        except ValueError:
            return
        reader = "customer" if side == "customer" else f"staff:{listener.user_id}"
        if await service.mark_read(session, conversation, reader=reader, message_id=message_id):
            await session.commit()
            await hub.publish(service.topics_of(conversation), {"type": "read", "conversation_id": str(conversation.id),
                                                                "reader": side, "message_id": str(message_id)})
