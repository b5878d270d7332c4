"""The retry delay: it grows with each failure, never passes the cap, and is spread by jitter."""

import random

from hypothesis import given
from hypothesis import strategies as st

from metco.worker.policy import WorkerSettings, backoff

SETTINGS = WorkerSettings(backoff_base_seconds=10, backoff_cap_seconds=3600)


@given(attempts=st.integers(1, 200), seed=st.integers(0, 2**32))
def test_the_delay_lies_in_the_upper_half_of_its_capped_ceiling(attempts: int, seed: int) -> None:
    ceiling = min(3600, 10 * 2 ** min(attempts - 1, 60))
    assert ceiling / 2 <= backoff(attempts, SETTINGS, random.Random(seed)) <= ceiling


@given(attempts=st.integers(1, 8), seeds=st.tuples(st.integers(0, 2**32), st.integers(0, 2**32)))
def test_until_the_cap_each_retry_waits_at_least_as_long_as_the_one_before(
    attempts: int, seeds: tuple[int, int]
) -> None:
    earlier = backoff(attempts, SETTINGS, random.Random(seeds[0]))
    assert backoff(attempts + 1, SETTINGS, random.Random(seeds[1])) >= earlier


def test_jitter_spreads_workers_that_failed_together() -> None:
    delays = {backoff(3, SETTINGS, random.Random(seed)) for seed in range(20)}
    assert len(delays) == 20
