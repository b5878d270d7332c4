"""Browser tests: Debian's Chromium driven by Playwright against a real server on a local port, with its own
app instance on the test database (SQLite only: the pages are the same on both databases)."""

import json
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from metco.app import create_app
from tests.conftest import make_settings
from tests.fakes.server import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the browser tests run once, on SQLite")
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.skip("Chromium or axe-core is missing: `make test` installs them")
    server_app = create_app(make_settings(database_url, media_dir=str(tmp_path_factory.mktemp("browser-media")),
                                          base_url="http://127.0.0.1"))
    with serve(server_app) as url:
        server_app.state.settings.base_url = url
        yield url


@pytest.fixture
async def api(live_server: str, app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The JSON API of the live server (depending on `client` empties the tables after each test)."""
    async with httpx.AsyncClient(base_url=f"{live_server}/api/v1", timeout=30) as http:
        yield http


@pytest.fixture
async def browser(live_server: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        await chromium.close()


async def check_accessibility(page: Any, name: str) -> None:
    """No serious or critical axe-core violations on the page."""
    await page.evaluate(AXE.read_text())
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + json.dumps([{"id": v["id"], "help": v["help"],
                                               "nodes": [n["html"] for n in v["nodes"][:3]]} for v in bad], indent=1)


async def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
