"""Health, readiness, the OpenAPI document, request ids and problem+json for every kind of error."""

import httpx
import pytest
from fastapi import FastAPI

from metco.app import create_app
from tests.conftest import make_settings
from tests.helpers import assert_problem


@pytest.fixture
async def root(app: FastAPI, client: httpx.AsyncClient) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_health_and_readiness(root: httpx.AsyncClient) -> None:
    assert (await root.get("/healthz")).json() == {"status": "ok"}
    assert (await root.get("/readyz")).json() == {"status": "ready"}


async def test_readiness_is_503_when_the_database_does_not_answer(tmp_path: object) -> None:
    app = create_app(make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.get("/healthz")).status_code == 200
        assert_problem(await http.get("/readyz"), 503)
    await app.state.db.dispose()


async def test_the_openapi_document_and_the_reference_are_served(root: httpx.AsyncClient) -> None:
    spec = (await root.get("/openapi.json")).json()
    assert "/api/v1/auth/signup" in spec["paths"]
    assert "/api/v1/stores/{store_id}/invitations" in spec["paths"]
    assert (await root.get("/docs")).status_code == 200


async def test_every_response_carries_a_request_id_and_keeps_the_callers(root: httpx.AsyncClient) -> None:
    assert len((await root.get("/healthz")).headers["x-request-id"]) == 32
    assert (await root.get("/healthz", headers={"X-Request-ID": "abc-123"})).headers["x-request-id"] == "abc-123"


async def test_an_unknown_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert assert_problem(await client.get("/nothing-here"), 404)["code"] == "NOT_FOUND"


async def test_a_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.delete("/roles"), 405)


async def test_an_unexpected_error_is_a_500_problem_without_internals(database_url: str) -> None:
    app = create_app(make_settings(database_url))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/boom", headers={"X-Request-ID": "req-42"})
    await app.state.db.dispose()
    body = assert_problem(response, 500)
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["request_id"] == "req-42"


async def test_validation_errors_name_every_field(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.post("/auth/signup", json={"email": "x"}), 422)
    assert {e["field"] for e in body["errors"]} == {"email", "password", "name"}
    assert all(e["message"] for e in body["errors"])
