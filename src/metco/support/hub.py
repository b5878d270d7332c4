"""Real-time fan-out of support events. Topics: `store:<id>` (the store's staff), `user:<id>` (a signed-in
customer), `conversation:<id>` (a guest holding the conversation's token). Events go through Redis pub/sub
when METCO_REDIS_URL is set, so connections on any process receive them; in-process otherwise.

Presence (who is connected) is kept per process, and in Redis as a sorted set of connection ids scored by
when they expire, refreshed by the heartbeat, so "is anyone from the store online" holds across processes."""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog

log = structlog.get_logger("metco.support")
PRESENCE_TTL = 75.0  # seconds a connection counts as online after its last heartbeat

Deliver = Callable[[dict[str, Any]], None]


class Hub:
    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._subscribers: dict[str, dict[int, Deliver]] = {}
        self._presence: dict[str, dict[str, float]] = {}
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.redis_url and self._redis is None:
            import redis.asyncio as redis

            self._redis = redis.from_url(self.redis_url, decode_responses=True)
            self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self._redis.pubsub()
                await pubsub.psubscribe("metco:support:*")
                async for item in pubsub.listen():
                    if item.get("type") == "pmessage":
                        topic = str(item["channel"]).removeprefix("metco:support:")
                        self._deliver(topic, json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("hub_redis_lost", error=repr(exc))
                await asyncio.sleep(1)

    def subscribe(self, topics: list[str], deliver: Deliver) -> Callable[[], None]:
        key = id(deliver)
        for topic in topics:
            self._subscribers.setdefault(topic, {})[key] = deliver

        def undo() -> None:
            for topic in topics:
                self._subscribers.get(topic, {}).pop(key, None)
        return undo

    async def publish(self, topics: list[str], event: dict[str, Any]) -> None:
        if self._redis is not None:
            payload = json.dumps(event, default=str)
            for topic in topics:
                try:
                    await self._redis.publish(f"metco:support:{topic}", payload)
                    continue
                except Exception as exc:
                    log.warning("hub_publish_failed", error=repr(exc))
                self._deliver(topic, event)
            return
        for topic in topics:
            self._deliver(topic, event)

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        for deliver in list(self._subscribers.get(topic, {}).values()):
            deliver(event)

    # --- presence ------------------------------------------------------------------------------------------

    async def online(self, topic: str, connection: str) -> None:
        expires = time.time() + PRESENCE_TTL
        self._presence.setdefault(topic, {})[connection] = expires
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.zadd(f"metco:presence:{topic}", {connection: expires})

    async def offline(self, topic: str, connection: str) -> None:
        self._presence.get(topic, {}).pop(connection, None)
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.zrem(f"metco:presence:{topic}", connection)

    async def anyone_online(self, topic: str) -> bool:
        now = time.time()
        if any(expires > now for expires in self._presence.get(topic, {}).values()):
            return True
        if self._redis is not None:
            with contextlib.suppress(Exception):
                return int(await self._redis.zcount(f"metco:presence:{topic}", now, "+inf")) > 0
        return False


def connection_id() -> str:
    return uuid.uuid4().hex
