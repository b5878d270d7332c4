from metco.kit.errors import Conflict, InvalidInput, Unauthorized


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"
    title = "An account with this email exists"


class BadCredentials(Unauthorized):
    code = "BAD_CREDENTIALS"
    title = "Wrong email or password"
    keeps_changes = True  # the failure is counted for throttling


class InvalidResetToken(InvalidInput):
    code = "INVALID_RESET_TOKEN"

    def __init__(self) -> None:
        super().__init__("token", "is invalid, used or expired; ask for a new password reset")
