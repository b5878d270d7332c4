"""The SMS and web push channels against local fakes of Twilio and a push service."""

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from metco.config import Settings
from metco.notifications.channels.base import DeliveryFailed, OutgoingMessage
from metco.notifications.channels.push import WebPushChannel, vapid_header, vapid_public_key
from metco.notifications.channels.sms import TwilioChannel, is_e164
from tests.fakes.push_service import FakePushService
from tests.fakes.server import serve
from tests.fakes.twilio import FakeTwilio


@pytest.fixture(scope="module")
def twilio() -> Iterator[tuple[FakeTwilio, str]]:
    fake = FakeTwilio()
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture(scope="module")
def push_service() -> Iterator[FakePushService]:
    fake = FakePushService()
    with serve(fake.app()) as url:
        fake.base_url = url
        yield fake


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, secret_key="channel-test-secret-" + "x" * 24, **values)  # type: ignore[call-arg]


def _sms(to: str, text: str = "Your order shipped") -> OutgoingMessage:
    return OutgoingMessage(notification_id=uuid.uuid4(), channel="sms", recipient=to, text=text)


async def test_an_sms_goes_to_twilio(twilio: tuple[FakeTwilio, str]) -> None:
    fake, url = twilio
    channel = TwilioChannel(_settings(twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
                                      twilio_from="+15005550006", twilio_api_base=url))
    sid = await channel.send(_sms("+1 (217) 555-0100"))
    assert sid and sid.startswith("SM")
    assert fake.sent[-1] | {"sid": None} == fake.sent[-1] | {
        "sid": None, "to": "+12175550100", "from": "+15005550006", "body": "Your order shipped"}
    service = TwilioChannel(_settings(twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
                                      twilio_from="MG" + "1" * 32, twilio_api_base=url))
    await service.send(_sms("+442071838750"))
    assert fake.sent[-1]["messaging_service_sid"] == "MG" + "1" * 32 and fake.sent[-1]["from"] is None


async def test_twilio_failures_are_permanent_or_retried(twilio: tuple[FakeTwilio, str]) -> None:
    fake, url = twilio
    settings = _settings(twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
                         twilio_from="+15005550006", twilio_api_base=url)
    sent = len(fake.sent)
    with pytest.raises(DeliveryFailed) as bad:
        await TwilioChannel(settings).send(_sms("0217 555"))
    assert bad.value.permanent and len(fake.sent) == sent  # never asked Twilio
    fake.unsubscribed.add("+12175550199")
    with pytest.raises(DeliveryFailed) as stopped:
        await TwilioChannel(settings).send(_sms("+12175550199"))
    assert stopped.value.permanent and "21610" in str(stopped.value)
    fake.down = True
    try:
        with pytest.raises(DeliveryFailed) as outage:
            await TwilioChannel(settings).send(_sms("+12175550100"))
        assert not outage.value.permanent
    finally:
        fake.down = False
    wrong = _settings(twilio_account_sid=fake.account_sid, twilio_auth_token=SecretStr("nope"),
                      twilio_from="+15005550006", twilio_api_base=url)
    with pytest.raises(DeliveryFailed) as unauthorized:
        await TwilioChannel(wrong).send(_sms("+12175550100"))
    assert not unauthorized.value.permanent  # fix the credentials and it goes through
    with pytest.raises(DeliveryFailed) as unset:
        await TwilioChannel(_settings()).send(_sms("+12175550100"))
    assert unset.value.permanent and "not set up" in str(unset.value)


@given(st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True))
def test_every_e164_number_is_accepted(number: str) -> None:
    assert is_e164(number)


@pytest.mark.parametrize("number", ["", "12175550100", "+0217555010", "+1234567", "+1234567890123456", "+1 555 abc"])
def test_numbers_that_are_not_e164(number: str) -> None:
    assert not is_e164(number)


async def test_a_push_message_is_encrypted_for_the_browser_alone(push_service: FakePushService) -> None:
    subscription = push_service.new_subscription()
    settings = _settings()
    message = OutgoingMessage(notification_id=uuid.uuid4(), channel="push", recipient=subscription["endpoint"],
                              subject="Order #1001 shipped", text="Track it", data={**subscription["keys"],
                                                                                   "url": "https://x.test/o/1"})
    location = await WebPushChannel(settings).send(message)
    assert location and location.startswith(push_service.base_url)
    assert push_service.received[-1]["message"] == {"title": "Order #1001 shipped", "body": "Track it",
                                                    "url": "https://x.test/o/1"}


async def test_a_gone_subscription_is_permanent_and_an_outage_is_retried(push_service: FakePushService) -> None:
    subscription = push_service.new_subscription()
    message = OutgoingMessage(notification_id=uuid.uuid4(), channel="push", recipient=subscription["endpoint"],
                              subject="Hi", text="There", data=subscription["keys"])
    push_service.down = True
    try:
        with pytest.raises(DeliveryFailed) as outage:
            await WebPushChannel(_settings()).send(message)
        assert not outage.value.permanent
    finally:
        push_service.down = False
    push_service.subscriptions.clear()
    with pytest.raises(DeliveryFailed) as gone:
        await WebPushChannel(_settings()).send(message)
    assert gone.value.permanent and "gone" in str(gone.value)


def test_the_vapid_key_is_stable_per_secret_and_signs_what_the_service_checks(push_service: FakePushService) -> None:
    one, same = _settings(), _settings()
    other = Settings(_env_file=None, secret_key="another-secret-" + "y" * 30)  # type: ignore[call-arg]
    assert vapid_public_key(one) == vapid_public_key(same) != vapid_public_key(other)
    header = vapid_header(one, f"{push_service.base_url}/push/x")
    assert push_service.check_vapid(header) is None
    tampered = header.replace("vapid t=", "vapid t=x", 1)
    assert push_service.check_vapid(tampered) is not None
    elsewhere = vapid_header(one, "https://push.example.net/send/abc")
    assert push_service.check_vapid(elsewhere) == "wrong audience"
