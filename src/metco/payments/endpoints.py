"""Payment provider callbacks."""

import uuid

from fastapi import APIRouter, Request

from metco.kit.deps import SessionDep, SettingsDep
from metco.payments import webhooks

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/payments/{provider}/{store_id}")
async def payment_webhook(provider: str, store_id: uuid.UUID, request: Request, session: SessionDep,
                          settings: SettingsDep) -> dict[str, bool]:
    applied = await webhooks.receive(session, settings, provider=provider, store_id=store_id,
                                     body=await request.body(), headers=dict(request.headers))
    return {"received": True, "duplicate": not applied}
