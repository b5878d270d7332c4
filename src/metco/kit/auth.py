"""Who is calling, and what they may do in a store.

`CurrentUser` answers 401 without a live token. `require("perm")` answers 404 to a non-member (a store
you do not work in does not exist for you) and 403 to a member whose role lacks the permission."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from metco.identity import service as identity_service
from metco.identity.models import AccessToken, User
from metco.kit.deps import SessionDep
from metco.kit.errors import Forbidden, NotFound, Unauthorized
from metco.kit.scope import StoreScope
from metco.stores import service as stores_service

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/signup or /auth/login.")


@dataclass(frozen=True)
class Caller:
    user: User
    token: AccessToken


async def _caller(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"})
    found = await identity_service.authenticate(session, credentials.credentials)
    if found is None:
        raise Unauthorized("The token is invalid, expired or revoked.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user, token = found
    request.state.user_id = user.id
    return Caller(user=user, token=token)


async def _optional_caller(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller | None:
    if credentials is None:
        return None
    return await _caller(request, session, credentials)


async def _detached_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller | None:
    """The optional caller, looked up in a short read-only session of its own: for endpoints that run
    their own transactions (checkout) and must not hold the request's session open meanwhile."""
    if credentials is None:
        return None
    async with request.app.state.db.sessionmaker() as session:
        await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        found = await identity_service.authenticate(session, credentials.credentials)
    if found is None:
        raise Unauthorized("The token is invalid, expired or revoked.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return Caller(user=found[0], token=found[1])


async def _current_user(caller: Annotated[Caller, Depends(_caller)]) -> User:
    return caller.user


CurrentCaller = Annotated[Caller, Depends(_caller)]
OptionalCaller = Annotated[Caller | None, Depends(_optional_caller)]
DetachedOptionalCaller = Annotated[Caller | None, Depends(_detached_caller)]
CurrentUser = Annotated[User, Depends(_current_user)]


class PermissionDependency:
    """`Depends(require("edit_products"))`: the caller's scope in the store named by the path's store_id."""

    def __init__(self, permission: str | None) -> None:
        self.permission = permission

    async def __call__(self, store_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> StoreScope:
        scope = await stores_service.scope_for(session, store_id=store_id, user_id=user.id)
        if scope is None:
            raise NotFound("No such store.")
        if self.permission is not None and not scope.can(self.permission):
            raise Forbidden(f"Your role ({scope.role}) lacks the '{self.permission}' permission.",
                            permission=self.permission)
        return scope


def require(permission: str | None) -> Callable[..., Awaitable[StoreScope]]:
    """A store-scope dependency; `None` asks only for membership."""
    return PermissionDependency(permission)


Member = Annotated[StoreScope, Depends(require(None))]
