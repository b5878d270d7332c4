"""Request-level dependencies every module uses: the settings and the one transaction of a request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.errors import MetcoError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the handler returns, roll back when it raises.

    Scoped to the handler ("function") so the commit happens before the response is sent: a client
    never sees success for something that was not stored."""
    async with request.app.state.db.sessionmaker() as session:
        if request.method in SAFE_METHODS:
            await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        try:
            yield session
            await session.commit()
        except MetcoError as exc:
            await (session.commit() if exc.keeps_changes else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
