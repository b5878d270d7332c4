"""Email: over SMTP with aiosmtplib when METCO_SMTP_URL is set, otherwise kept in the local mailbox (the
notification row is the mail; /admin/mailbox shows it). Multipart text and HTML, the store's name as the
sender's, a Message-ID made from the notification's id so a resend is recognisably the same mail."""

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
            await aiosmtplib.send(mail, hostname=self.host, port=self.port, username=self.username,
                                  password=self.password, use_tls=self.use_tls, start_tls=self.start_tls,
                                  timeout=self.settings.smtp_timeout_seconds)
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


class MailboxChannel:
    """No SMTP server configured: the mail is kept, and shown at /admin/mailbox."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> str | None:
        return message_id(self.settings, message.notification_id)
