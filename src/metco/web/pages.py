"""Rendering pages: the Jinja2 environment (autoescaped), the session and CSRF check every page shares,
and the error pages."""

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import UploadFile

from metco.config import Settings
from metco.kit.money import format_amount
from metco.web.session import WebSession

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters["money"] = lambda amount, currency: format_amount(int(amount or 0), currency)
env.filters["json_ld"] = lambda value: Markup(  # noqa: S704 - JSON with <, >, & escaped cannot close the script
    json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class CsrfRefused(Exception):
    """A form came without this session's CSRF token."""


class Page:
    """What a page handler needs: the request, the settings and the browser's session."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.settings: Settings = request.app.state.settings
        self.session = WebSession.load(request, self.settings)

    async def form(self) -> dict[str, str]:
        """The posted form, after checking its CSRF token."""
        data = await self.request.form()
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        if not self.session.csrf_ok(values.get("csrf_token")):
            raise CsrfRefused()
        return values

    async def multipart(self) -> tuple[dict[str, str], dict[str, UploadFile]]:
        """A posted multipart form (with files), after checking its CSRF token."""
        data = await self.request.form()
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        if not self.session.csrf_ok(values.get("csrf_token")):
            raise CsrfRefused()
        return values, {k: v for k, v in data.items() if isinstance(v, UploadFile) and v.filename}

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("flash", self.session.take_flash())
        html = env.get_template(template).render(
            request=self.request, csrf_token=self.session.csrf, signed_in=self.session.token is not None,
            user_name=self.session.data.get("name"), base_url=self.settings.base_url, **context)
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        self.session.save(response, self.settings)
        return response

    def redirect(self, url: str) -> RedirectResponse:
        response = RedirectResponse(url, status_code=303)
        self.session.save(response, self.settings)
        return response


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    page = Page(request)
    return page.render("error.html", status=status, title=title, message=message)
