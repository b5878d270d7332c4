"""Support tests talk to a real server on a local port (a second app on the test database) over HTTP and
real WebSockets."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect

from metco.app import create_app
from tests.conftest import make_settings
from tests.fakes.server import serve


@pytest.fixture(scope="session")
def live(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    server_app = create_app(make_settings(database_url, media_dir=str(tmp_path_factory.mktemp("support-media"))))
    with serve(server_app) as url:
        yield url, server_app


@pytest.fixture
async def api(live: tuple[str, FastAPI], client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP to the live server (depending on `client` empties the tables after each test)."""
    async with httpx.AsyncClient(base_url=f"{live[0]}/api/v1", timeout=30) as http:
        yield http


class Socket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def next(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next event of this kind (pings skipped)."""
        async with asyncio.timeout(timeout):
            while True:
                event: dict[str, Any] = json.loads(await self.connection.recv())
                if event.get("type") == kind:
                    return event

    async def nothing(self, wait: float = 0.6) -> None:
        try:
            async with asyncio.timeout(wait):
                while True:
                    event = json.loads(await self.connection.recv())
                    if event.get("type") not in ("ping", "pong"):
                        raise AssertionError(f"expected nothing, got {event}")
        except TimeoutError:
            return

    async def send(self, event: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(event))


def ws_url(base: str, token: str, since: str | None = None) -> str:
    url = base.replace("http://", "ws://") + f"/api/v1/ws?token={token}"
    return url + (f"&since={since}" if since else "")


async def open_socket(base: str, token: str, since: str | None = None) -> Socket:
    return Socket(await connect(ws_url(base, token, since)))
