"""How the worker paces itself: batch size, lease, attempts, retry backoff and polling."""

import random
from dataclasses import dataclass

from metco.config import Settings


@dataclass(frozen=True)
class WorkerSettings:
    batch_size: int = 50
    lease_seconds: float = 60.0  # also the longest an event's handlers may take before it counts as failed
    max_attempts: int = 10
    backoff_base_seconds: float = 10.0
    backoff_cap_seconds: float = 3600.0
    poll_seconds: float = 1.0


def worker_settings(settings: Settings) -> WorkerSettings:
    return WorkerSettings(
        batch_size=settings.worker_batch_size,
        lease_seconds=settings.worker_lease_seconds,
        max_attempts=settings.worker_max_attempts,
        backoff_base_seconds=settings.worker_backoff_base_seconds,
        backoff_cap_seconds=settings.worker_backoff_cap_seconds,
        poll_seconds=settings.worker_poll_seconds,
    )


def backoff(attempts: int, settings: WorkerSettings, rng: random.Random | None = None) -> float:
    """Seconds to wait after the `attempts`-th failure: base * 2^(attempts - 1), capped, with "equal jitter"
    (a random point in the upper half), so retries spread out yet the delay still grows every time."""
    ceiling = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2 ** min(attempts - 1, 60))
    return (rng or random).uniform(ceiling / 2, ceiling)
