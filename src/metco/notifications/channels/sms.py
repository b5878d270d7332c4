"""SMS through Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json, HTTP Basic auth, form
fields To, Body and From or MessagingServiceSid). Numbers must be E.164."""

import re

import httpx

from metco.config import Settings
from metco.notifications.channels.base import DeliveryFailed, OutgoingMessage

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Twilio's error codes that are about the recipient: retrying cannot help.
PERMANENT_CODES = {21211, 21212, 21214, 21217, 21401, 21408, 21421, 21610, 21612, 21614}
MAX_BODY = 1600


def normalize_e164(number: str) -> str:
    """'+1 (217) 555-0100' -> '+12175550100'; spaces, dots, dashes and brackets are dropped."""
    return re.sub(r"[\s().\-]", "", number or "")


def is_e164(number: str) -> bool:
    return bool(E164.match(normalize_e164(number)))


class TwilioChannel:
    name = "sms"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> str | None:
        s = self.settings
        if not (s.twilio_account_sid and s.twilio_auth_token and s.twilio_from):
            raise DeliveryFailed("SMS is not set up: set METCO_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _FROM.",
                                 permanent=True)
        to = normalize_e164(message.recipient)
        if not E164.match(to):
            raise DeliveryFailed(f"'{message.recipient}' is not an E.164 phone number (like +14155550100).",
                                 permanent=True)
        form = {"To": to, "Body": message.text[:MAX_BODY]}
        if s.twilio_from.startswith("MG"):
            form["MessagingServiceSid"] = s.twilio_from
        else:
            form["From"] = s.twilio_from
        url = f"{s.twilio_api_base.rstrip('/')}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"
        try:
            async with httpx.AsyncClient(timeout=15) as http:
                response = await http.post(url, data=form, auth=(s.twilio_account_sid,
                                                                 s.twilio_auth_token.get_secret_value()))
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"Twilio is not reachable: {exc!r}") from exc
        if response.status_code in (200, 201):
            sid = response.json().get("sid")
            return str(sid) if sid else None
        try:
            error = response.json()
        except ValueError:
            error = {}
        code = error.get("code")
        text = f"Twilio answered {response.status_code}: {error.get('message') or response.text[:200]}"
        permanent = code in PERMANENT_CODES or (response.status_code == 400 and code is not None
                                                and code not in (20429, 30001))
        raise DeliveryFailed(f"{text} (code {code})" if code else text, permanent=permanent)
