"""The JSON API of stores, staff and invitations."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from metco.kit.auth import CurrentUser, Member, require
from metco.kit.deps import SessionDep, SettingsDep
from metco.kit.pagination import Cursor, Limit, Page
from metco.kit.scope import StoreScope
from metco.stores import roles, service
from metco.stores.schemas import (
    InvitationCreate,
    InvitationRead,
    RoleUpdate,
    StaffRead,
    StoreCreate,
    StoreRead,
    StoreUpdate,
)

router = APIRouter(tags=["stores"])

ManageStore = Annotated[StoreScope, Depends(require("manage_store"))]
ManageStaff = Annotated[StoreScope, Depends(require("manage_staff"))]


def _staff(row: service.StaffMember) -> StaffRead:
    perms = roles.permissions_of(row.member.role)
    return StaffRead(user_id=row.user.id, email=row.user.email, name=row.user.name, role=row.member.role,
                     permissions=[p for p in roles.PERMISSIONS if p in perms], joined_at=row.member.created_at)


def _invitation(view: service.InvitationView) -> InvitationRead:
    i = view.invitation
    return InvitationRead(id=i.id, store_id=i.store_id, store_name=view.store.name, store_slug=view.store.slug,
                          email=i.email, role=i.role, status=view.status,  # type: ignore[arg-type]
                          expires_at=i.expires_at, created_at=i.created_at)


@router.get("/roles")
async def list_roles() -> dict[str, list[str]]:
    return roles.as_lists()


@router.post("/stores", status_code=status.HTTP_201_CREATED, response_model=StoreRead)
async def create_store(body: StoreCreate, user: CurrentUser, session: SessionDep) -> StoreRead:
    return StoreRead.model_validate(await service.create_store(session, owner=user, data=body))


@router.get("/stores", response_model=Page[StoreRead])
async def list_stores(user: CurrentUser, session: SessionDep, limit: Limit = 20, cursor: Cursor = None) -> Page[StoreRead]:
    rows, next_cursor = await service.list_my_stores(session, user=user, limit=limit, cursor=cursor)
    return Page(items=[StoreRead.model_validate(s) for s in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}", response_model=StoreRead)
async def get_store(scope: Member, session: SessionDep) -> StoreRead:
    return StoreRead.model_validate(await service.get_store(session, scope))


@router.patch("/stores/{store_id}", response_model=StoreRead)
async def update_store(body: StoreUpdate, scope: ManageStore, session: SessionDep) -> StoreRead:
    return StoreRead.model_validate(await service.update_store(session, scope, data=body))


@router.get("/stores/{store_id}/staff", response_model=list[StaffRead])
async def list_staff(scope: Member, session: SessionDep) -> list[StaffRead]:
    return [_staff(row) for row in await service.list_staff(session, scope)]


@router.patch("/stores/{store_id}/staff/{user_id}", response_model=StaffRead)
async def change_role(user_id: uuid.UUID, body: RoleUpdate, scope: ManageStaff, session: SessionDep) -> StaffRead:
    return _staff(await service.change_role(session, scope, user_id=user_id, role=body.role))


@router.delete("/stores/{store_id}/staff/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_staff(user_id: uuid.UUID, scope: ManageStaff, session: SessionDep) -> Response:
    await service.remove_staff(session, scope, user_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/stores/{store_id}/invitations", status_code=status.HTTP_201_CREATED, response_model=InvitationRead)
async def invite_staff(
    body: InvitationCreate, scope: ManageStaff, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> InvitationRead:
    view = await service.invite_staff(session, settings, scope, inviter=user, email=body.email, role=body.role)
    return _invitation(view)


@router.get("/stores/{store_id}/invitations", response_model=list[InvitationRead])
async def list_store_invitations(scope: ManageStaff, session: SessionDep) -> list[InvitationRead]:
    return [_invitation(v) for v in await service.list_store_invitations(session, scope)]


@router.get("/invitations", response_model=Page[InvitationRead])
async def my_invitations(
    user: CurrentUser, session: SessionDep, limit: Limit = 20, cursor: Cursor = None,
    status: Annotated[Literal["pending"] | None, Query(description="Only those still open.")] = None,
) -> Page[InvitationRead]:
    views, next_cursor = await service.my_invitations(session, user=user, status=status, limit=limit, cursor=cursor)
    return Page(items=[_invitation(v) for v in views], next_cursor=next_cursor)


@router.post("/invitations/{invitation_id}/accept", response_model=InvitationRead)
async def accept_invitation(invitation_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> InvitationRead:
    return _invitation(await service.accept_invitation(session, user=user, invitation_id=invitation_id))


@router.post("/invitations/{invitation_id}/reject", response_model=InvitationRead)
async def reject_invitation(invitation_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> InvitationRead:
    return _invitation(await service.reject_invitation(session, user=user, invitation_id=invitation_id))
