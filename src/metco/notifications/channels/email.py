"""Email: over SMTP with aiosmtplib when METCO_SMTP_URL is set, otherwise kept in the local mailbox (the
notification row is the mail; /admin/mailbox shows it). Multipart text and HTML, the store's name as the
sender's, a Message-ID made from the notification's id so a resend is recognisably the same mail."""

import asyncio
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from metco.config import Settings
from metco.notifications.channels.base import DeliveryFailed, OutgoingMessage


def message_id(settings: Settings, notification_id: object) -> str:
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "metco.local"
    return f"<{notification_id}@{domain}>"


def build(settings: Settings, message: OutgoingMessage) -> EmailMessage:
    mail = EmailMessage()
    address = parseaddr(settings.mail_from)[1]
    mail["From"] = formataddr((message.sender_name, address))
    mail["To"] = message.recipient
    mail["Subject"] = message.subject or ""
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(settings, message.notification_id)
    for name, value in message.headers.items():
        mail[name] = value
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


class SmtpChannel:
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        url = urlsplit(settings.smtp_url or "")
        query = parse_qs(url.query)
        self.use_tls = url.scheme == "smtps"
        self.start_tls = query.get("starttls", [""])[0] in ("1", "true", "yes") or None
        self.host = url.hostname or "localhost"
        self.port = url.port or (465 if self.use_tls else 25)
        self.username = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None

    async def send(self, message: OutgoingMessage) -> str | None:
        mail = build(self.settings, message)
        try:
            await self._send(mail)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryFailed(f"the mail server refused {message.recipient}: {exc}",
                                 permanent=all(500 <= c < 600 for c in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"the mail server answered {exc.code} {exc.message}",
                                 permanent=500 <= exc.code < 600 and exc.code not in (552,)) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"the mail server is not reachable: {exc!r}") from exc
        return str(mail["Message-ID"])

    async def _send(self, mail: EmailMessage) -> None:
        """Sends over this process's open connection to the server (one per event loop), opening it when
        needed: a new TCP and TLS handshake per mail would cost more than the mail itself. A connection the
        server dropped while idle is reopened once."""
        key = (self.host, self.port, self.username, self.use_tls, id(asyncio.get_running_loop()))
        lock = _locks.setdefault(key, asyncio.Lock())
        async with lock:
            for attempt in (1, 2):
                client = _connections.get(key)
                if client is None or not client.is_connected:
                    client = aiosmtplib.SMTP(hostname=self.host, port=self.port, use_tls=self.use_tls,
                                             start_tls=self.start_tls, timeout=self.settings.smtp_timeout_seconds)
                    await client.connect()
                    if self.username:
                        await client.login(self.username, self.password or "")
                    _connections[key] = client
                try:
                    await client.send_message(mail)
                    return
                except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                    _connections.pop(key, None)
                    client.close()
                    if attempt == 2:
                        raise


_connections: dict[tuple[object, ...], aiosmtplib.SMTP] = {}
_locks: dict[tuple[object, ...], asyncio.Lock] = {}


class MailboxChannel:
    """No SMTP server configured: the mail is kept, and shown at /admin/mailbox."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> str | None:
        return message_id(self.settings, message.notification_id)
