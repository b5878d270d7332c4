"""Fixtures of the worker tests: the app's database, emptied after each test."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from metco.kit.db import Database


@pytest.fixture
async def db(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[Database]:
    """The test database; depending on `client` empties every table after the test."""
    yield app.state.db


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serializes writers; concurrent workers need PostgreSQL's SKIP LOCKED")
