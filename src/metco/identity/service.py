"""Accounts, sign-in, access tokens and password reset."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.identity import repository, throttle
from metco.identity.errors import BadCredentials, EmailTaken, InvalidResetToken
from metco.identity.events import PasswordResetRequested
from metco.identity.models import AccessToken, PasswordResetToken, User
from metco.identity.passwords import check_password_rules, hash_password, verify_password
from metco.identity.secrets import digest, new_secret
from metco.kit.clock import utcnow
from metco.kit.outbox import publish

# Verifying against this when the email is unknown keeps the answer time the same for both cases.
_DUMMY_HASH_CACHE: dict[int, str] = {}


@dataclass(frozen=True)
class Authenticated:
    user: User
    token: str
    token_row: AccessToken


async def _issue_token(session: AsyncSession, settings: Settings, user: User) -> Authenticated:
    token = new_secret("mt")
    row = AccessToken(
        user_id=user.id, token_hash=digest(token), expires_at=utcnow() + timedelta(days=settings.token_ttl_days)
    )
    session.add(row)
    await session.flush()
    return Authenticated(user=user, token=token, token_row=row)


async def signup(session: AsyncSession, settings: Settings, *, email: str, password: str, name: str) -> Authenticated:
    email = email.lower()
    check_password_rules(password, email=email)
    if await repository.get_user_by_email(session, email):
        raise EmailTaken(f"{email} already has an account; sign in instead.")
    user = User(email=email, name=name, password_hash=await hash_password(settings, password))
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a simultaneous signup with the same email
        raise EmailTaken(f"{email} already has an account; sign in instead.") from exc
    return await _issue_token(session, settings, user)


async def login(
    session: AsyncSession, settings: Settings, *, email: str, password: str, client: str | None
) -> Authenticated:
    email = email.lower()
    await throttle.check(session, settings, email=email, client=client)
    user = await repository.get_user_by_email(session, email)
    if user is None:
        await verify_password(settings, await _dummy_hash(settings), password)
        ok = False
    else:
        ok = await verify_password(settings, user.password_hash, password)
    if not ok or user is None:
        await throttle.record_failure(session, email=email, client=client)
        raise BadCredentials("The email or password is wrong.")
    await throttle.clear(session, email=email)
    return await _issue_token(session, settings, user)


async def _dummy_hash(settings: Settings) -> str:
    key = settings.argon2_time_cost * 1_000_003 + settings.argon2_memory_cost_kib
    if key not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[key] = await hash_password(settings, "not-a-real-password")
    return _DUMMY_HASH_CACHE[key]


async def authenticate(session: AsyncSession, token: str) -> tuple[User, AccessToken] | None:
    found = await repository.find_live_token(session, digest(token), utcnow())
    if found is None:
        return None
    token_row, user = found
    return user, token_row


async def logout(session: AsyncSession, *, token_id: uuid.UUID) -> None:
    await repository.revoke_token(session, token_id, utcnow())


async def request_password_reset(session: AsyncSession, settings: Settings, *, email: str) -> None:
    """Records a reset for a known email; the caller answers the same either way."""
    user = await repository.get_user_by_email(session, email)
    if user is None:
        return
    now = utcnow()
    await repository.invalidate_reset_tokens(session, user.id, now)
    token = new_secret("pr")
    expires_at = now + timedelta(minutes=settings.password_reset_ttl_minutes)
    session.add(PasswordResetToken(user_id=user.id, token_hash=digest(token), expires_at=expires_at))
    await session.flush()
    await publish(
        session,
        PasswordResetRequested(user_id=user.id, email=user.email, name=user.name, token=token, expires_at=expires_at),
    )


async def confirm_password_reset(session: AsyncSession, settings: Settings, *, token: str, password: str) -> User:
    now = utcnow()
    user_id = await repository.use_reset_token(session, digest(token), now)
    user = await repository.get_user(session, user_id) if user_id else None
    if user is None:
        raise InvalidResetToken()
    check_password_rules(password, email=user.email)
    user.password_hash = await hash_password(settings, password)
    await repository.revoke_all_tokens(session, user.id, now)
    await throttle.clear(session, email=user.email)
    await session.flush()
    return user
