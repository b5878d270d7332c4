"""The command line a newcomer runs: migrate and demo, each safe to run twice."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from metco.cli import cli


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from metco.config import get_settings

    db = tmp_path / "cli.db"
    monkeypatch.setenv("METCO_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("METCO_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("METCO_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("METCO_ARGON2_MEMORY_COST_KIB", "64")
    monkeypatch.setenv("METCO_ARGON2_PARALLELISM", "1")
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_migrate_and_demo_are_idempotent_and_print_logins(sqlite_env: Path) -> None:
    runner = CliRunner()
    for _ in range(2):
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
    first = runner.invoke(cli, ["demo"])
    second = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert first.output == second.output
    assert len(list((sqlite_env.parent / "media").rglob("display.webp"))) >= 40
    for login in ("owner@example.com", "manager@example.com", "cashier@example.com", "/s/demo/", "/admin/"):
        assert login in first.output
