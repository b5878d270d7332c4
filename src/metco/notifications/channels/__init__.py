"""One adapter per channel: email (SMTP or the local mailbox), SMS (Twilio), web push (VAPID)."""

from metco.config import Settings
from metco.notifications.channels.base import Channel


def channel_for(name: str, settings: Settings) -> Channel:
    if name == "email":
        from metco.notifications.channels.email import MailboxChannel, SmtpChannel

        return SmtpChannel(settings) if settings.smtp_url else MailboxChannel(settings)
    if name == "sms":
        from metco.notifications.channels.sms import TwilioChannel

        return TwilioChannel(settings)
    if name == "push":
        from metco.notifications.channels.push import WebPushChannel

        return WebPushChannel(settings)
    raise ValueError(f"no channel '{name}'")
