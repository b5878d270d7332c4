from typing import Any

from metco.kit.errors import Conflict, FieldError, NotFound


class StoreNotFound(NotFound):
    code = "STORE_NOT_FOUND"
    title = "Store not found"


class SlugTaken(Conflict):
    code = "SLUG_TAKEN"
    title = "This store address is taken"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, errors=[FieldError("slug", "is taken")], **extra)


class LastOwner(Conflict):
    code = "LAST_OWNER"
    title = "A store always keeps an owner"


class AlreadyMember(Conflict):
    code = "ALREADY_MEMBER"
    title = "Already a member of this store"


class InvitationPending(Conflict):
    code = "INVITATION_PENDING"
    title = "An invitation is already pending"


class InvitationClosed(Conflict):
    code = "INVITATION_CLOSED"
    title = "This invitation can no longer be answered"
