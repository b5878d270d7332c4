"""argon2id password hashing, run off the event loop."""

from functools import lru_cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metco.config import Settings
from metco.kit.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 256


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_cost_kib, settings.argon2_parallelism)


def check_password_rules(password: str, *, email: str, field: str = "password") -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(field, f"must be {MIN_LENGTH} to {MAX_LENGTH} characters long")
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput(field, "must not be the same as the email address")


async def hash_password(settings: Settings, password: str) -> str:
    return await anyio.to_thread.run_sync(hasher(settings).hash, password)


async def verify_password(settings: Settings, password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return hasher(settings).verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)
