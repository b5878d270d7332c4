"""The pages' client of the JSON API, in process: every page does what an integrator could do, through the
same validation, permissions, idempotency and tenancy, and shows the API's problem details as messages."""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request


@dataclass
class ApiError(Exception):
    status: int
    detail: str
    errors: list[dict[str, str]]
    body: dict[str, Any]

    def field(self, name: str) -> str | None:
        return next((e["message"] for e in self.errors if e.get("field") == name), None)


class Api:
    def __init__(self, request: Request, token: str | None) -> None:
        host = request.client.host if request.client else "127.0.0.1"
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app, client=(host, 0)), base_url="http://metco.internal/api/v1",
            headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=60)

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None, files: dict[str, Any] | None = None,
                   ok: tuple[int, ...] = (200, 201, 202, 204)) -> Any:
        response = await self._client.request(method, path, json=json, params=params, headers=headers, files=files)
        if response.status_code not in ok:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(response.status_code, str(body.get("detail") or "Something went wrong."),
                           list(body.get("errors") or []), body)
        return response.json() if response.content else None

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.call("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Any:
        return await self.call("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Any:
        return await self.call("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Any:
        return await self.call("DELETE", path, **kwargs)
