"""The local mailbox: with no METCO_SMTP_URL, mail is kept and shown at /admin/mailbox, so `make run` shows
the real emails with no set-up. Off in production, and whenever a real mail server is configured."""

import uuid
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from metco.kit.deps import SessionDep, SettingsDep
from metco.kit.errors import NotFound
from metco.notifications.models import Notification

router = APIRouter(include_in_schema=False)
_pages = Environment(loader=FileSystemLoader(Path(__file__).parent / "layouts"), autoescape=select_autoescape(["html"]))
SHOWN = 200


def _available(settings: SettingsDep) -> None:
    if settings.smtp_url or settings.environment == "production":
        raise NotFound("The local mailbox is only there when no mail server is configured.")


async def _page(session: SessionDep, settings: SettingsDep, current_id: uuid.UUID | None) -> HTMLResponse:
    _available(settings)
    mails = list((await session.scalars(select(Notification).where(Notification.channel == "email")
                                        .order_by(Notification.id.desc()).limit(SHOWN))).all())
    current = await session.get(Notification, current_id) if current_id else (mails[0] if mails else None)
    if current_id and (current is None or current.channel != "email"):
        raise NotFound("No such mail.")
    return HTMLResponse(_pages.get_template("mailbox.html").render(mails=mails, current=current))


@router.get("/admin/mailbox", response_class=HTMLResponse)
async def mailbox(session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    return await _page(session, settings, None)


@router.get("/admin/mailbox/{notification_id}", response_class=HTMLResponse)
async def mail(notification_id: uuid.UUID, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    return await _page(session, settings, notification_id)


@router.get("/admin/mailbox/{notification_id}/html", response_class=HTMLResponse)
async def mail_html(notification_id: uuid.UUID, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    _available(settings)
    row = await session.get(Notification, notification_id)
    if row is None or row.channel != "email" or not row.body_html:
        raise NotFound("No such mail.")
    return HTMLResponse(row.body_html, headers={"Content-Security-Policy": "default-src 'none'; img-src * data:; "
                                                                         "style-src 'unsafe-inline'"})
