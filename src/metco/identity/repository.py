"""Every SQL statement of the identity module."""

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.models import AccessToken, LoginFailure, PasswordResetToken, User


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.scalars(select(User).where(User.email == email.lower()))).first()


async def get_users(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    rows = await session.scalars(select(User).where(User.id.in_(user_ids)))
    return {u.id: u for u in rows}


async def find_live_token(session: AsyncSession, token_hash: str, now: datetime) -> tuple[AccessToken, User] | None:
    stmt = (
        select(AccessToken, User)
        .join(User, User.id == AccessToken.user_id)
        .where(AccessToken.token_hash == token_hash, AccessToken.revoked_at.is_(None), AccessToken.expires_at > now)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def revoke_token(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(AccessToken).where(AccessToken.id == token_id, AccessToken.revoked_at.is_(None)).values(revoked_at=now)
    )


async def revoke_all_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None)).values(revoked_at=now)
    )


async def use_reset_token(session: AsyncSession, token_hash: str, now: datetime) -> uuid.UUID | None:
    """Marks a live reset token used and returns its user; an atomic update, so a token works once."""
    stmt = (
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == token_hash,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def invalidate_reset_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )


async def count_failures(session: AsyncSession, key: str, since: datetime) -> tuple[int, datetime | None]:
    stmt = select(func.count(), func.min(LoginFailure.created_at)).where(
        LoginFailure.key == key, LoginFailure.created_at > since
    )
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


async def clear_failures(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.key == key))


async def prune_failures(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.created_at <= before))
