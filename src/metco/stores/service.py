"""Stores, staff and invitations."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.identity.models import User
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.errors import InvalidInput, NotFound
from metco.kit.outbox import publish
from metco.kit.pagination import paginate
from metco.kit.scope import StoreScope
from metco.kit.slugs import slugify, unique_slug
from metco.stores import repository
from metco.stores.errors import AlreadyMember, InvitationClosed, InvitationPending, LastOwner, SlugTaken, StoreNotFound
from metco.stores.events import StaffInvited, StoreCreated
from metco.stores.models import StaffInvitation, Store, StoreMember
from metco.stores.roles import permissions_of
from metco.stores.schemas import RESERVED_SLUGS, StoreCreate, StoreUpdate


@dataclass(frozen=True)
class StaffMember:
    member: StoreMember
    user: User


@dataclass(frozen=True)
class InvitationView:
    invitation: StaffInvitation
    store: Store
    status: str


async def _free_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name) or "my-store"
    if base in RESERVED_SLUGS or len(base) < 2:
        base = f"{base}-store"
    return unique_slug(base, await repository.slugs_like(session, base))


async def create_store(session: AsyncSession, *, owner: User, data: StoreCreate) -> Store:
    if data.slug is not None and await repository.get_store_by_slug(session, data.slug):
        raise SlugTaken(f"The address '{data.slug}' is taken; choose another.")
    slug = data.slug or await _free_slug(session, data.name)
    store = Store(name=data.name, slug=slug, currency=data.currency, country=data.country,
                  timezone=data.timezone, email=data.email, prices_include_tax=data.prices_include_tax)
    session.add(store)
    try:
        await session.flush()
    except IntegrityError as exc:  # a simultaneous create took the slug
        raise SlugTaken(f"The address '{slug}' is taken; choose another.") from exc
    session.add(StoreMember(store_id=store.id, user_id=owner.id, role="owner"))
    await session.flush()
    await inventory_service.create_default_location(session, store_id=store.id)
    await publish(session, StoreCreated(store_id=store.id, owner_id=owner.id), store_id=store.id)
    return store


async def get_store(session: AsyncSession, scope: StoreScope) -> Store:
    store = await repository.get_store(session, scope.store_id)
    if store is None:
        raise StoreNotFound()
    return store


async def get_store_by_slug(session: AsyncSession, slug: str) -> Store:
    store = await repository.get_store_by_slug(session, slug)
    if store is None:
        raise StoreNotFound(f"No store at '{slug}'.")
    return store


async def update_store(session: AsyncSession, scope: StoreScope, *, data: StoreUpdate) -> Store:
    store = await get_store(session, scope)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("logo_url") is not None:
        changes["logo_url"] = str(changes["logo_url"])
    for colour in ("brand_color", "accent_color"):
        if changes.get(colour):
            changes[colour] = changes[colour].upper()
    for field in ("name", "slug", "currency", "country", "timezone", "prices_include_tax", "brand_color",
                  "accent_color", "return_window_days"):
        if field in changes and changes[field] is None:
            raise InvalidInput(field, "must not be null")
    if "slug" in changes and changes["slug"] != store.slug:
        if await repository.get_store_by_slug(session, changes["slug"]):
            raise SlugTaken(f"The address '{changes['slug']}' is taken; choose another.")
    for field, value in changes.items():
        setattr(store, field, value)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise SlugTaken("That address is taken; choose another.") from exc
    return store


async def list_my_stores(
    session: AsyncSession, *, user: User, limit: int, cursor: str | None
) -> tuple[list[Store], str | None]:
    return await paginate(session, repository.stores_of_user(user.id), key=Store.id, limit=limit, cursor=cursor)


async def memberships(session: AsyncSession, *, user: User) -> list[tuple[StoreMember, Store]]:
    return await repository.memberships_of_user(session, user.id)


async def scope_for(session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID) -> StoreScope | None:
    member = await repository.membership(session, store_id, user_id)
    if member is None:
        return None
    return StoreScope(store_id=store_id, user_id=user_id, role=member.role, permissions=permissions_of(member.role))


async def list_staff(session: AsyncSession, scope: StoreScope) -> list[StaffMember]:
    rows = await repository.MemberRepository(session, scope.store_id).list_with_users()
    return [StaffMember(member=m, user=u) for m, u in rows]


async def _staff_member(session: AsyncSession, scope: StoreScope, user_id: uuid.UUID) -> StoreMember:
    member = await repository.MemberRepository(session, scope.store_id).get_by_user(user_id)
    if member is None:
        raise NotFound("No such staff member in this store.")
    return member


async def _keep_an_owner(session: AsyncSession, scope: StoreScope, member: StoreMember) -> None:
    owners = await repository.MemberRepository(session, scope.store_id).lock_owners()
    if member.role == "owner" and len(owners) <= 1:
        raise LastOwner("This is the store's last owner; make someone else owner first.")


async def change_role(session: AsyncSession, scope: StoreScope, *, user_id: uuid.UUID, role: str) -> StaffMember:
    member = await _staff_member(session, scope, user_id)
    if member.role == "owner" and role != "owner":
        await _keep_an_owner(session, scope, member)
    member.role = role
    await session.flush()
    staff = {m.user_id: StaffMember(m, u) for m, u in
             await repository.MemberRepository(session, scope.store_id).list_with_users()}
    return staff[user_id]


async def remove_staff(session: AsyncSession, scope: StoreScope, *, user_id: uuid.UUID) -> None:
    member = await _staff_member(session, scope, user_id)
    await _keep_an_owner(session, scope, member)
    await session.delete(member)
    await session.flush()


def _status(invitation: StaffInvitation) -> str:
    if invitation.status == "pending" and invitation.expires_at <= utcnow():
        return "expired"
    return invitation.status


async def invite_staff(
    session: AsyncSession, settings: Settings, scope: StoreScope, *, inviter: User, email: str, role: str
) -> InvitationView:
    email = email.lower()
    store = await get_store(session, scope)
    members = await repository.MemberRepository(session, scope.store_id).list_with_users()
    if any(u.email == email for _, u in members):
        raise AlreadyMember(f"{email} already works in this store.")
    invitations = repository.InvitationRepository(session, scope.store_id)
    pending = await invitations.pending_for(email)
    if pending is not None:
        if _status(pending) == "pending":
            raise InvitationPending(f"{email} already has a pending invitation.")
        pending.status = "expired"
    invitation = invitations.add(StaffInvitation(
        email=email, role=role, invited_by=inviter.id, expires_at=utcnow() + timedelta(days=settings.invitation_ttl_days)
    ))
    await session.flush()
    await publish(session, StaffInvited(
        invitation_id=invitation.id, store_id=store.id, store_name=store.name, email=email, role=role,
        invited_by_name=inviter.name, expires_at=invitation.expires_at,
    ), store_id=store.id)
    return InvitationView(invitation, store, "pending")


async def list_store_invitations(session: AsyncSession, scope: StoreScope) -> list[InvitationView]:
    store = await get_store(session, scope)
    repo = repository.InvitationRepository(session, scope.store_id)
    rows = await session.scalars(repo.select().order_by(StaffInvitation.id))
    return [InvitationView(i, store, _status(i)) for i in rows]


async def my_invitations(
    session: AsyncSession, *, user: User, status: str | None, limit: int, cursor: str | None
) -> tuple[list[InvitationView], str | None]:
    stmt = repository.invitations_for_email(user.email)
    if status == "pending":
        stmt = stmt.where(StaffInvitation.status == "pending", StaffInvitation.expires_at > utcnow())
    rows, next_cursor = await paginate(session, stmt, key=StaffInvitation.id, limit=limit, cursor=cursor, descending=True)
    stores = await repository.stores_by_id(session, {i.store_id for i in rows})
    return [InvitationView(i, stores[i.store_id], _status(i)) for i in rows], next_cursor


async def _my_invitation(session: AsyncSession, user: User, invitation_id: uuid.UUID) -> StaffInvitation:
    stmt = repository.invitations_for_email(user.email).where(StaffInvitation.id == invitation_id).with_for_update()
    invitation: StaffInvitation | None = (await session.scalars(stmt)).first()
    if invitation is None:
        raise NotFound("No such invitation for you.")
    if _status(invitation) != "pending":
        raise InvitationClosed(f"This invitation is {_status(invitation)}.")
    return invitation


async def accept_invitation(session: AsyncSession, *, user: User, invitation_id: uuid.UUID) -> InvitationView:
    invitation = await _my_invitation(session, user, invitation_id)
    if await repository.membership(session, invitation.store_id, user.id) is not None:
        raise AlreadyMember("You already work in this store.")
    invitation.status = "accepted"
    invitation.responded_at = utcnow()
    session.add(StoreMember(store_id=invitation.store_id, user_id=user.id, role=invitation.role))
    await session.flush()
    store = await repository.get_store(session, invitation.store_id)
    assert store is not None
    return InvitationView(invitation, store, "accepted")


async def reject_invitation(session: AsyncSession, *, user: User, invitation_id: uuid.UUID) -> InvitationView:
    invitation = await _my_invitation(session, user, invitation_id)
    invitation.status = "rejected"
    invitation.responded_at = utcnow()
    await session.flush()
    store = await repository.get_store(session, invitation.store_id)
    assert store is not None
    return InvitationView(invitation, store, "rejected")
