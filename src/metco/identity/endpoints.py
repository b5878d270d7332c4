"""The JSON API of accounts and sign-in."""

from fastapi import APIRouter, Request, Response, status

from metco.identity import service
from metco.identity.schemas import (
    AuthResponse,
    LoginRequest,
    MembershipRead,
    MeRead,
    PasswordResetConfirm,
    PasswordResetRequest,
    SignupRequest,
    UserRead,
)
from metco.kit.auth import CurrentCaller, CurrentUser
from metco.kit.deps import SessionDep, SettingsDep
from metco.stores import service as stores_service
from metco.stores.roles import PERMISSIONS, permissions_of

router = APIRouter(tags=["identity"])


def _auth_response(auth: service.Authenticated) -> AuthResponse:
    return AuthResponse(user=UserRead.model_validate(auth.user), token=auth.token, expires_at=auth.token_row.expires_at)


@router.post("/auth/signup", status_code=status.HTTP_201_CREATED, response_model=AuthResponse)
async def signup(body: SignupRequest, session: SessionDep, settings: SettingsDep) -> AuthResponse:
    auth = await service.signup(session, settings, email=body.email, password=body.password, name=body.name)
    return _auth_response(auth)


@router.post("/auth/login", response_model=AuthResponse,
             responses={401: {"description": "Wrong email or password"}, 429: {"description": "Throttled"}})
async def login(body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep) -> AuthResponse:
    client = request.client.host if request.client else None
    auth = await service.login(session, settings, email=body.email, password=body.password, client=client)
    return _auth_response(auth)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(caller: CurrentCaller, session: SessionDep) -> Response:
    await service.logout(session, token_id=caller.token.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def request_password_reset(body: PasswordResetRequest, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    await service.request_password_reset(session, settings, email=body.email)
    return {"detail": "If an account uses that email, a reset link is on its way."}


@router.post("/auth/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def confirm_password_reset(body: PasswordResetConfirm, session: SessionDep, settings: SettingsDep) -> Response:
    await service.confirm_password_reset(session, settings, token=body.token, password=body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=MeRead)
async def me(user: CurrentUser, session: SessionDep) -> MeRead:
    rows = await stores_service.memberships(session, user=user)
    return MeRead(
        id=user.id, email=user.email, name=user.name,
        memberships=[
            MembershipRead(store_id=s.id, store_slug=s.slug, store_name=s.name, role=m.role,
                           permissions=[p for p in PERMISSIONS if p in permissions_of(m.role)])
            for m, s in rows
        ],
    )
