"""metco migrate | serve | worker | demo"""

import asyncio
import os
from typing import Annotated

import typer
import uvicorn

from metco.config import get_settings
from metco.kit.db import Database
from metco.kit.logging import configure_logging
from metco.kit.migrate import upgrade

cli = typer.Typer(help="Metco: online commerce for small businesses.", no_args_is_help=True, add_completion=False)


@cli.command()
def migrate() -> None:
    """Bring the database at METCO_DATABASE_URL to the newest schema (safe to run again)."""
    settings = get_settings()
    asyncio.run(upgrade(settings.database_url))
    typer.echo(f"database is at the newest schema: {_safe_url(settings.database_url)}")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Number of server processes.")] = 1,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="Do not run background jobs in-process.")] = False,
) -> None:
    """Serve the API, the storefronts and the dashboard."""
    if no_worker:
        os.environ["METCO_RUN_WORKER"] = "false"
    settings = get_settings()
    typer.echo(f"Metco on http://{host}:{port}  (API reference: http://{host}:{port}/docs)")
    typer.echo(f"database: {_safe_url(settings.database_url)}")
    uvicorn.run("metco.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, access_log=False, log_config=None)


@cli.command()
def worker() -> None:
    """Run background jobs (outbox delivery, scheduled jobs) until stopped; run as many as you like."""
    import signal

    from metco.worker.policy import worker_settings
    from metco.worker.runner import Worker

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)

    async def run() -> None:
        db = Database(settings.database_url, pool_size=4, settings=settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):  # finish the current event, then leave
            loop.add_signal_handler(sig, stop.set)
        try:
            await Worker(db, worker_settings(settings)).run_forever(stop)
        finally:
            await db.dispose()

    typer.echo(f"Metco worker on {_safe_url(settings.database_url)} (Ctrl-C stops it)")
    asyncio.run(run())


@cli.command()
def demo() -> None:
    """Create the demo store with its staff, and print its URLs and logins (safe to run again)."""
    from metco.demo import load_demo

    settings = get_settings()

    async def run() -> None:
        db = Database(settings.database_url, pool_size=1, settings=settings)
        try:
            async with db.sessionmaker() as session:
                loaded = await load_demo(session, settings)
                await session.commit()
        finally:
            await db.dispose()
        base = settings.base_url
        typer.echo(f"Demo store '{loaded.store.name}' is ready.")
        typer.echo(f"  API reference:  {base}/docs")
        typer.echo(f"  Store id:       {loaded.store.id}")
        typer.echo(f"  Storefront:     {base}/s/{loaded.store.slug}/")
        typer.echo(f"  Storefront API: {base}/api/v1/storefront/{loaded.store.slug}/products")
        typer.echo(f"  Dashboard:      {base}/admin/")
        typer.echo("  Try the code WELCOME10 at checkout; pay with the sandbox token tok_visa.")
        typer.echo("  Logins (email / password):")
        for role, email, password in loaded.logins:
            typer.echo(f"    {role:<8} {email} / {password}")

    asyncio.run(run())


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
