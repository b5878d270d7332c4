"""Invitations, roles and removal of staff; the last owner stays."""

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.clock import utcnow
from metco.kit.outbox import OutboxEvent
from metco.stores.models import StaffInvitation
from tests.helpers import Account, add_member, assert_problem, create_store, signup, unique_email


async def _invite(client: httpx.AsyncClient, owner: Account, store_id: str, email: str, role: str = "manager") -> dict:
    response = await client.post(f"/stores/{store_id}/invitations", json={"email": email, "role": role},
                                 headers=owner.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_newcomer_invites_a_manager_who_accepts_and_cannot_manage_staff(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    email = unique_email("manager")
    invitation = await _invite(client, owner, store["id"], email.upper())
    assert (invitation["email"], invitation["role"], invitation["status"]) == (email, "manager", "pending")

    manager = await signup(client, email=email)  # signs up after the invitation was sent
    mine = (await client.get("/invitations", headers=manager.headers)).json()
    assert [i["id"] for i in mine["items"]] == [invitation["id"]]
    assert mine["items"][0]["store_name"] == store["name"]

    accepted = await client.post(f"/invitations/{invitation['id']}/accept", headers=manager.headers)
    assert accepted.json()["status"] == "accepted"
    me = (await client.get("/me", headers=manager.headers)).json()
    assert [(m["store_id"], m["role"]) for m in me["memberships"]] == [(store["id"], "manager")]

    forbidden = await client.post(f"/stores/{store['id']}/invitations", json={"email": unique_email(), "role": "staff"},
                                  headers=manager.headers)
    assert_problem(forbidden, 403)
    assert_problem(await client.patch(f"/stores/{store['id']}/staff/{owner.id}", json={"role": "staff"},
                                      headers=manager.headers), 403)
    assert_problem(await client.delete(f"/stores/{store['id']}/staff/{owner.id}", headers=manager.headers), 403)


async def test_an_invitation_is_recorded_in_the_outbox(client: httpx.AsyncClient, session: AsyncSession) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitation = await _invite(client, owner, store["id"], "new@example.com")
    events = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "stores.staff_invited")))
    assert [(e.payload["invitation_id"], e.payload["email"]) for e in events] == [(invitation["id"], "new@example.com")]


async def test_rejecting_an_invitation_adds_no_member(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitee = await signup(client)
    invitation = await _invite(client, owner, store["id"], invitee.email)
    rejected = await client.post(f"/invitations/{invitation['id']}/reject", headers=invitee.headers)
    assert rejected.json()["status"] == "rejected"
    assert_problem(await client.post(f"/invitations/{invitation['id']}/accept", headers=invitee.headers), 409)
    assert_problem(await client.get(f"/stores/{store['id']}", headers=invitee.headers), 404)


async def test_someone_elses_invitation_is_404(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitation = await _invite(client, owner, store["id"], unique_email())
    intruder = await signup(client)
    assert_problem(await client.post(f"/invitations/{invitation['id']}/accept", headers=intruder.headers), 404)
    assert_problem(await client.post(f"/invitations/{uuid.uuid4()}/accept", headers=intruder.headers), 404)


async def test_an_expired_invitation_cannot_be_accepted(client: httpx.AsyncClient, session: AsyncSession) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitee = await signup(client)
    invitation = await _invite(client, owner, store["id"], invitee.email)
    await session.execute(update(StaffInvitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    await session.commit()
    listed = (await client.get("/invitations", headers=invitee.headers)).json()["items"]
    assert listed[0]["status"] == "expired"
    assert (await client.get("/invitations", params={"status": "pending"}, headers=invitee.headers)).json()["items"] == []
    assert_problem(await client.post(f"/invitations/{invitation['id']}/accept", headers=invitee.headers), 409)
    again = await _invite(client, owner, store["id"], invitee.email)  # a fresh invitation replaces it
    assert again["status"] == "pending"


async def test_invitations_expire_after_seven_days(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitation = await _invite(client, owner, store["id"], unique_email())
    from datetime import datetime
    lifetime = datetime.fromisoformat(invitation["expires_at"]) - datetime.fromisoformat(invitation["created_at"])
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


async def test_inviting_a_member_or_a_pending_email_again_is_409(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    member = await add_member(client, owner, store["id"], "cashier")
    for email in (member.email, owner.email):
        response = await client.post(f"/stores/{store['id']}/invitations", json={"email": email, "role": "staff"},
                                     headers=owner.headers)
        assert assert_problem(response, 409)["code"] == "ALREADY_MEMBER"
    email = unique_email()
    await _invite(client, owner, store["id"], email)
    response = await client.post(f"/stores/{store['id']}/invitations", json={"email": email, "role": "staff"},
                                 headers=owner.headers)
    assert assert_problem(response, 409)["code"] == "INVITATION_PENDING"


@pytest.mark.parametrize(("body", "field"), [({"email": "x", "role": "staff"}, "email"),
                                             ({"email": "a@example.com", "role": "emperor"}, "role"),
                                             ({"email": "a@example.com"}, "role")])
async def test_a_bad_invitation_is_422(client: httpx.AsyncClient, body: dict[str, str], field: str) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    assert_problem(await client.post(f"/stores/{store['id']}/invitations", json=body, headers=owner.headers), 422, field)


async def test_the_owner_changes_a_role_and_removes_staff(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    cashier = await add_member(client, owner, store["id"], "cashier")
    changed = await client.patch(f"/stores/{store['id']}/staff/{cashier.id}", json={"role": "manager"},
                                 headers=owner.headers)
    assert (changed.json()["role"], "edit_products" in changed.json()["permissions"]) == ("manager", True)
    assert (await client.delete(f"/stores/{store['id']}/staff/{cashier.id}", headers=owner.headers)).status_code == 204
    assert_problem(await client.get(f"/stores/{store['id']}", headers=cashier.headers), 404)
    assert_problem(await client.delete(f"/stores/{store['id']}/staff/{cashier.id}", headers=owner.headers), 404)


async def test_the_last_owner_can_never_be_demoted_or_removed(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    demote = await client.patch(f"/stores/{store['id']}/staff/{owner.id}", json={"role": "manager"}, headers=owner.headers)
    assert assert_problem(demote, 409)["code"] == "LAST_OWNER"
    assert assert_problem(await client.delete(f"/stores/{store['id']}/staff/{owner.id}", headers=owner.headers),
                          409)["code"] == "LAST_OWNER"
    second = await add_member(client, owner, store["id"], "owner")
    assert (await client.delete(f"/stores/{store['id']}/staff/{owner.id}", headers=second.headers)).status_code == 204
    assert_problem(await client.patch(f"/stores/{store['id']}/staff/{second.id}", json={"role": "staff"},
                                      headers=second.headers), 409)


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(client: httpx.AsyncClient) -> None:
    first = await signup(client)
    store = await create_store(client, first)
    second = await add_member(client, first, store["id"], "owner")
    results = await asyncio.gather(
        client.patch(f"/stores/{store['id']}/staff/{second.id}", json={"role": "manager"}, headers=first.headers),
        client.patch(f"/stores/{store['id']}/staff/{first.id}", json={"role": "manager"}, headers=second.headers),
    )
    assert sorted(r.status_code for r in results) in ([200, 403], [200, 409])
    staff = (await client.get(f"/stores/{store['id']}/staff", headers=first.headers)).json()
    assert [s["role"] for s in staff].count("owner") == 1


async def test_store_invitations_are_listed_for_staff_managers(client: httpx.AsyncClient) -> None:
    owner = await signup(client)
    store = await create_store(client, owner)
    invitation = await _invite(client, owner, store["id"], unique_email(), role="staff")
    listed = (await client.get(f"/stores/{store['id']}/invitations", headers=owner.headers)).json()
    assert [i["id"] for i in listed] == [invitation["id"]]
