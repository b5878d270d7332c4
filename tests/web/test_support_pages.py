"""Support pages over HTTP: a guest writes from the storefront and follows the conversation; staff answer
from the inbox; what either writes shows escaped."""

import re

import httpx

from tests.shop import open_shop
from tests.web.conftest import csrf_of


async def test_a_guest_writes_and_staff_answer_from_the_inbox(client: httpx.AsyncClient,
                                                             browser: httpx.AsyncClient) -> None:
    shop = await open_shop(client)
    page = await browser.get(f"/s/{shop.slug}/support")
    assert page.status_code == 200 and "Contact us" in page.text
    sent = await browser.post(f"/s/{shop.slug}/support", data={
        "csrf_token": csrf_of(page.text), "email": "gina@example.com", "name": "Gina",
        "message": "Is the <b>linen</b> shirt lined? https://example.com/photo"})
    assert "Your conversation" in sent.text
    assert "&lt;b&gt;linen&lt;/b&gt;" in sent.text and '<a href="https://example.com/photo"' in sent.text
    assert re.search(r'data-socket-key="cvt_[^"]+"', sent.text)
    path = str(sent.url.path)
    staff = httpx.AsyncClient(transport=browser._transport, base_url="http://test", follow_redirects=True)  # type: ignore[attr-defined]
    async with staff:
        login = await staff.get("/login")
        await staff.post("/login", data={"csrf_token": csrf_of(login.text), "email": shop.owner.email,
                                         "password": "correct horse battery staple"})
        inbox = await staff.get("/admin/inbox")
        assert inbox.status_code == 200 and "Is the &lt;b&gt;linen" in inbox.text and "1 unread" in inbox.text
        conversation_id = path.rsplit("/", 1)[1]
        thread = await staff.get(f"/admin/inbox/{conversation_id}")
        answered = await staff.post(f"/admin/inbox/{conversation_id}", data={
            "csrf_token": csrf_of(thread.text), "store_id": shop.id, "body": "Yes, fully lined.", "status": "pending"})
        assert "Yes, fully lined." in answered.text
    followed = await browser.get(path)
    assert "Yes, fully lined." in followed.text
    stranger = await httpx.AsyncClient(transport=browser._transport, base_url="http://test").get(path)  # type: ignore[attr-defined]
    assert stranger.status_code == 404
