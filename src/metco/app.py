"""create_app(): routers, middleware, error handlers and the lifespan of one process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from metco import __version__
from metco.balance import endpoints as balance
from metco.catalog import endpoints as catalog
from metco.catalog.media import LocalMediaStorage
from metco.checkout import endpoints as checkout
from metco.config import Settings, get_settings
from metco.customers import endpoints as customers
from metco.fulfillment import documents as fulfillment_documents
from metco.fulfillment import endpoints as fulfillment
from metco.fulfillment import returns_endpoints as returns
from metco.identity import endpoints as identity
from metco.inventory import endpoints as inventory
from metco.kit.db import Database
from metco.kit.logging import RequestIdMiddleware, configure_logging
from metco.kit.problems import install_problem_handlers, problem
from metco.notifications import endpoints as notifications
from metco.notifications import mailbox
from metco.orders import endpoints as orders
from metco.payments import endpoints as payments
from metco.promotions import endpoints as promotions
from metco.shipping import endpoints as shipping
from metco.stores import endpoints as stores
from metco.support import endpoints as support
from metco.support import websocket as support_socket
from metco.support.hub import Hub
from metco.taxes import endpoints as taxes
from metco.web import account, dashboard, dashboard_more, dashboard_ops, platform, sandbox_pay, storefront, support_pages
from metco.web.api import ApiError
from metco.web.dashboard import Detour
from metco.web.pages import CsrfRefused, error_page
from metco.worker.runner import in_process_worker

API_PREFIX = "/api/v1"
# Every domain's JSON router, mounted under API_PREFIX. Tests walk this to build the permission matrix.
API_ROUTERS = (
    identity.router, stores.router, catalog.router, catalog.storefront_router, inventory.router, shipping.router,
    taxes.router, promotions.router, customers.router, customers.storefront_router, checkout.router,
    orders.router, orders.storefront_router, payments.router, notifications.router, notifications.storefront_router,
    fulfillment.router, fulfillment_documents.router, returns.router, returns.storefront_router, balance.router,
    support.router, support.storefront_router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    db = Database(settings.database_url, pool_size=settings.db_pool_size, settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # `metco serve --no-worker` (run_worker off) leaves the outbox and the jobs to `metco worker` processes.
        await app.state.hub.start()
        async with in_process_worker(db, settings) as worker:
            app.state.worker = worker
            yield
        await app.state.hub.stop()
        app.state.worker = None
        await db.dispose()

    app = FastAPI(
        title="Metco",
        version=__version__,
        summary="Online commerce for small businesses: stores, catalog, orders, payments and more.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.db = db
    app.state.worker = None  # the in-process worker while the app runs, if any
    app.state.hub = Hub(settings.redis_url)  # support's real-time fan-out (through Redis when configured)
    app.state.media = LocalMediaStorage(settings.media_dir, settings.media_url)
    if settings.media_url.startswith("/"):
        Path(settings.media_dir).mkdir(parents=True, exist_ok=True)
        app.mount(settings.media_url, StaticFiles(directory=settings.media_dir), name="media")
    install_problem_handlers(app)
    app.add_middleware(RequestIdMiddleware)

    api = APIRouter(prefix=API_PREFIX)
    for router in API_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    app.include_router(mailbox.router)
    app.include_router(support_socket.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")
    app.include_router(storefront.router)
    app.include_router(account.router)
    app.include_router(platform.router)
    app.include_router(support_pages.router)
    app.include_router(dashboard_ops.router)
    app.include_router(dashboard_more.router)
    app.include_router(dashboard.router)
    app.include_router(sandbox_pay.router)
    _add_page_errors(app)
    _add_operational_routes(app, db)
    return app


def _add_page_errors(app: FastAPI) -> None:
    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> HTMLResponse:
        return error_page(request, 403, "This form has expired",
                          "For your safety we could not accept it. Go back, reload the page and try again.")

    @app.exception_handler(Detour)
    async def detour(request: Request, exc: Detour) -> Response:
        return exc.response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> HTMLResponse:
        if exc.status == 404:
            return error_page(request, 404, "Not found", "There is nothing at this address.")
        return error_page(request, exc.status if 400 <= exc.status < 600 else 500, "Something went wrong", exc.detail)


def _add_operational_routes(app: FastAPI, db: Database) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False, response_model=None)
    async def readyz() -> JSONResponse | dict[str, str]:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return problem(503, "NOT_READY", "Not ready", "The database does not answer.")
        return {"status": "ready"}


