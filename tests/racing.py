"""Racing writes: every call in its own thread, all released at once by a barrier, on an engine whose pool holds them
all; what each attempt came to, and the tally of successes and refusals by message key. Shared by the areas'
concurrency tests."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import create_engine

from domain.errors import DomainError, ValidationFailed

N = 20  # attempts released together


@contextmanager
def wide(engine):
    """An engine to race on: on PostgreSQL the same database with a pool that holds every attempt at once (the
    fixture's engine has 5 + 5), on SQLite the file itself (its writers wait in turn, 15 s at most)."""
    if engine.dialect.name != "postgresql":
        yield engine
        return
    racing = create_engine(engine.url, pool_size=N + 5, max_overflow=0, pool_pre_ping=True)
    try:
        yield racing
    finally:
        racing.dispose()


def race(calls: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run every call in its own thread, all released at once: ("ok", result), ("refused", DomainError) or
    ("escaped", any other exception) for each, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object] | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = ("ok", calls[i]())
        except DomainError as error:
            outcomes[i] = ("refused", error)
        except BaseException as error:  # noqa: BLE001 - what escaped is the finding
            outcomes[i] = ("escaped", error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an attempt hung"
    escaped = [repr(error) for kind, error in outcomes if kind == "escaped"]
    assert not escaped, escaped
    return outcomes


def keys(outcomes) -> Counter:
    """How many attempts succeeded ("ok") and how many were refused with each message key (a field's key for a
    ValidationFailed)."""
    found = Counter()
    for kind, value in outcomes:
        if kind == "ok":
            found["ok"] += 1
        elif isinstance(value, ValidationFailed):
            found.update(key for key, _ in value.errors.values())
        else:
            found[value.key] += 1
    return found
