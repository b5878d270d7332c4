"""Rendering notifications: Jinja2 in a sandbox, so a store's own template can only format the values it is
given. A store's template is rendered against a sample at save time, so its mistakes show then, not at send
time. Email bodies go inside the branded layout, with a plain-text part derived from the HTML."""

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from metco.kit.errors import InvalidInput
from metco.notifications.defaults import DEFAULTS, Wording
from metco.notifications.samples import sample_context

MAX_SUBJECT = 300
MAX_BODY = 50_000

_html_env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
_text_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
_layouts = Environment(loader=FileSystemLoader(Path(__file__).parent / "layouts"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined)


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text: str
    html: str | None


def wording(event: str, channel: str, override: Wording | None = None) -> Wording:
    return override or DEFAULTS[(event, channel)]


def render(event: str, channel: str, context: dict[str, Any], override: Wording | None = None) -> Rendered:
    chosen = wording(event, channel, override)
    subject = _one_line(_text_env.from_string(chosen.subject).render(context)) if chosen.subject else None
    if channel != "email":
        return Rendered(subject, _squeeze(_text_env.from_string(chosen.body).render(context)), None)
    content = _html_env.from_string(chosen.body).render(context)
    page = _layouts.get_template("email.html").render(
        {**context, "content": Markup(content), "subject": subject or ""})  # noqa: S704 - rendered in the sandbox
    return Rendered(subject, html_to_text(content), page)


def check(event: str, channel: str, *, subject: str | None, body: str) -> None:
    """Refuses a template that does not parse or does not render against a sample of its event's values."""
    if channel == "email" and not subject:
        raise InvalidInput("subject", "an email needs a subject")
    if subject and len(subject) > MAX_SUBJECT:
        raise InvalidInput("subject", f"must be at most {MAX_SUBJECT} characters")
    if len(body) > MAX_BODY:
        raise InvalidInput("body", f"must be at most {MAX_BODY} characters")
    context = sample_context(event)
    for field, source, env in (("subject", subject, _text_env), ("body", body, _html_env if channel == "email"
                                                                  else _text_env)):
        if not source:
            continue
        try:
            env.from_string(source).render(context)
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"line {line}: " if line else ""
            raise InvalidInput(field, f"{where}{exc.message or exc}") from exc


def html_to_text(fragment: str) -> str:
    text = re.sub(r"(?is)<(script|style).*?</\1>", "", fragment)
    text = re.sub(r'(?is)<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", text)
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</(p|h[1-6]|tr|li|blockquote|table)>", "\n", text)
    text = re.sub(r"(?i)</td>", "  ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return _squeeze(html.unescape(text))


def _squeeze(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_SUBJECT]
