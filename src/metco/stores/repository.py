"""Every SQL statement of the stores module."""

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.models import User
from metco.kit.repository import StoreRepository
from metco.stores.models import StaffInvitation, Store, StoreMember


async def get_store(session: AsyncSession, store_id: uuid.UUID) -> Store | None:
    return await session.get(Store, store_id)


async def get_store_by_slug(session: AsyncSession, slug: str) -> Store | None:
    return (await session.scalars(select(Store).where(Store.slug == slug))).first()


async def slugs_like(session: AsyncSession, base: str) -> set[str]:
    rows = await session.scalars(select(Store.slug).where((Store.slug == base) | Store.slug.like(f"{base}-%")))
    return set(rows)


async def membership(session: AsyncSession, store_id: uuid.UUID, user_id: uuid.UUID) -> StoreMember | None:
    stmt = select(StoreMember).where(StoreMember.store_id == store_id, StoreMember.user_id == user_id)
    return (await session.scalars(stmt)).first()


async def memberships_of_user(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[StoreMember, Store]]:
    stmt = (
        select(StoreMember, Store)
        .join(Store, Store.id == StoreMember.store_id)
        .where(StoreMember.user_id == user_id)
        .order_by(Store.id)
    )
    return [(m, s) for m, s in (await session.execute(stmt)).all()]


def stores_of_user(user_id: uuid.UUID) -> Select[Any]:
    return select(Store).join(StoreMember, StoreMember.store_id == Store.id).where(StoreMember.user_id == user_id)


def invitations_for_email(email: str) -> Select[Any]:
    """The invitee's view across stores: deliberately not store-scoped, keyed by the invitee's email."""
    return select(StaffInvitation).where(StaffInvitation.email == email.lower())


async def stores_by_id(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Store]:
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Store).where(Store.id.in_(ids)))}


class MemberRepository(StoreRepository[StoreMember]):
    model = StoreMember
    not_found = "No such staff member in this store."

    async def get_by_user(self, user_id: uuid.UUID) -> StoreMember | None:
        return (await self.session.scalars(self.select().where(StoreMember.user_id == user_id))).first()

    async def list_with_users(self) -> list[tuple[StoreMember, User]]:
        stmt = (
            select(StoreMember, User)
            .join(User, User.id == StoreMember.user_id)
            .where(StoreMember.store_id == self.store_id)
            .order_by(StoreMember.id)
        )
        return [(m, u) for m, u in (await self.session.execute(stmt)).all()]

    async def lock_owners(self) -> list[StoreMember]:
        """The store's owners, locked in primary-key order so that two demotions cannot both pass."""
        stmt = self.select().where(StoreMember.role == "owner").order_by(StoreMember.id).with_for_update()
        return list((await self.session.scalars(stmt)).all())

    async def count(self) -> int:
        stmt = select(func.count()).select_from(StoreMember).where(StoreMember.store_id == self.store_id)
        return int((await self.session.execute(stmt)).scalar_one())


class InvitationRepository(StoreRepository[StaffInvitation]):
    model = StaffInvitation
    not_found = "No such invitation in this store."

    async def pending_for(self, email: str) -> StaffInvitation | None:
        stmt = self.select().where(StaffInvitation.email == email.lower(), StaffInvitation.status == "pending")
        return (await self.session.scalars(stmt)).first()
