"""Domain errors. Every expected failure is a `MetcoError` with a stable code, rendered as problem+json."""

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class MetcoError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    title: ClassVar[str] = "Bad request"
    # A failure that is itself a fact to record (a failed sign-in) keeps the request's changes.
    keeps_changes: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra


class Unauthorized(MetcoError):
    status = 401
    code = "UNAUTHORIZED"
    title = "Authentication required"


class Forbidden(MetcoError):
    status = 403
    code = "FORBIDDEN"
    title = "You lack the permission for this"


class NotFound(MetcoError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class Conflict(MetcoError):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


class InvalidInput(MetcoError):
    """A value that is well-formed but breaks a rule: names the field."""

    status = 422
    code = "VALIDATION_ERROR"
    title = "Invalid input"

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(f"{field}: {message}", errors=[FieldError(field, message)], **extra)


class Throttled(MetcoError):
    status = 429
    code = "THROTTLED"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})
