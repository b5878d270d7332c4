"""Support in the browser: the storefront's "Contact us" (start a conversation, follow it live) and the
staff inbox at /admin/inbox. Both work without JavaScript; chat.js makes them live over the WebSocket."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from metco.support.service import link_token
from metco.web.api import Api, ApiError
from metco.web.pages import Page, error_page
from metco.web.storefront import _chrome

router = APIRouter(include_in_schema=False)


def _guest_key(page: Page, conversation_id: str) -> str | None:
    keys = page.session.data.get("support_keys") or {}
    value = keys.get(conversation_id)
    return value if isinstance(value, str) else None


def _remember(page: Page, conversation_id: str, key: str) -> None:
    keys = dict(page.session.data.get("support_keys") or {})
    keys[conversation_id] = key
    page.session.data["support_keys"] = dict(list(keys.items())[-20:])
    page.session.changed = True


@router.get("/s/{slug}/support", response_class=HTMLResponse)
async def contact(slug: str, request: Request) -> Response:
    page = Page(request)
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        mine = await api.get(f"/storefront/{slug}/conversations") if page.session.token else []
    return page.render("storefront/support.html", conversations=mine, title=f"Contact us · {chrome['store']['name']}",
                       **chrome)


@router.post("/s/{slug}/support")
async def start(slug: str, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    body: dict[str, Any] = {"message": form.get("message", ""), "subject": form.get("subject") or None}
    if not page.session.token:
        body |= {"email": form.get("email", ""), "name": form.get("name") or None}
    async with Api(request, page.session.token) as api:
        try:
            opened = await api.post(f"/storefront/{slug}/conversations", json=body)
        except ApiError as exc:
            page.session.flash(next((e["message"] for e in exc.errors), exc.detail), "error")
            return page.redirect(f"/s/{slug}/support")
    if opened.get("token"):
        _remember(page, str(opened["id"]), opened["token"])
    page.session.flash("Thanks! We will answer here (and by email if you are away).", "success")
    return page.redirect(f"/s/{slug}/support/{opened['id']}")


@router.get("/s/{slug}/support/{conversation_id}", response_class=HTMLResponse)
async def conversation(slug: str, conversation_id: uuid.UUID, request: Request, key: str | None = None) -> Response:
    page = Page(request)
    if key:
        _remember(page, str(conversation_id), key)
    guest = _guest_key(page, str(conversation_id))
    async with Api(request, page.session.token) as api:
        chrome = await _chrome(page, api, slug)
        headers = {"X-Conversation-Token": guest} if guest and not page.session.token else None
        try:
            messages = await api.get(f"/storefront/{slug}/conversations/{conversation_id}/messages", headers=headers)
        except ApiError:
            return error_page(request, 404, "Not found", "We could not find this conversation.")
    socket_key = guest or link_token(page.settings.secret_key.get_secret_value(), conversation_id)
    return page.render("storefront/conversation.html", messages=messages, conversation_id=str(conversation_id),
                       socket_key=socket_key, title=f"Your conversation · {chrome['store']['name']}", **chrome)


@router.post("/s/{slug}/support/{conversation_id}")
async def reply(slug: str, conversation_id: uuid.UUID, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    guest = _guest_key(page, str(conversation_id))
    async with Api(request, page.session.token) as api:
        try:
            await api.post(f"/storefront/{slug}/conversations/{conversation_id}/messages",
                           json={"body": form.get("body", "")},
                           headers={"X-Conversation-Token": guest} if guest and not page.session.token else None)
        except ApiError as exc:
            page.session.flash(next((e["message"] for e in exc.errors), exc.detail), "error")
    return page.redirect(f"/s/{slug}/support/{conversation_id}")


@router.get("/admin/inbox", response_class=HTMLResponse)
@router.get("/admin/inbox/{conversation_id}", response_class=HTMLResponse)
async def inbox(request: Request, conversation_id: uuid.UUID | None = None) -> Response:
    from metco.web.dashboard import admin

    async with admin(request, "support") as ctx:
        page, api = ctx.page, ctx.api
        store = ctx.store
        listed = (await api.get(f"/stores/{store['id']}/conversations", params={"limit": 50}))["items"]
        try:
            staff = [m for m in await api.get(f"/stores/{store['id']}/staff") if "support" in m.get("permissions",
                                                                                                     ["support"])]
        except ApiError:
            staff = []
        current = messages = None
        if conversation_id is not None:
            try:
                current = await api.get(f"/stores/{store['id']}/conversations/{conversation_id}")
                messages = await api.get(f"/stores/{store['id']}/conversations/{conversation_id}/messages")
                if messages:
                    await api.post(f"/stores/{store['id']}/conversations/{conversation_id}/read",
                                   json={"message_id": messages[-1]["id"]})
            except ApiError:
                return error_page(request, 404, "Not found", "No such conversation in your inbox.")
    return ctx.render("admin_inbox.html", conversations=listed, current=current, messages=messages or [], staff=staff,
                      socket_key=page.session.token, title="Inbox · Metco")


@router.post("/admin/inbox/{conversation_id}")
async def staff_reply(conversation_id: uuid.UUID, request: Request) -> Response:
    page = Page(request)
    form = await page.form()
    async with Api(request, page.session.token) as api:
        store_id = form.get("store_id", "")
        try:
            if form.get("status") or "assignee_id" in form:
                await api.patch(f"/stores/{store_id}/conversations/{conversation_id}", json={
                    "status": form.get("status") or None, "assignee_id": form.get("assignee_id") or None})
            if form.get("body"):
                await api.post(f"/stores/{store_id}/conversations/{conversation_id}/messages", json={"body": form["body"]})
        except ApiError as exc:
            page.session.flash(next((e["message"] for e in exc.errors), exc.detail), "error")
    return page.redirect(f"/admin/inbox/{conversation_id}")
