"""Running an idempotent database write again when SQLite reports a shared-cache table lock."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection


def retrying_when_locked(attempt: Callable[[], Any], *, tries: int = 6) -> Any:
    """SQLite answers "table is locked" at once, without its busy timeout, when another connection to a
    shared-cache database is writing. The request is idempotent, so running it again is safe."""
    for n in range(tries):
        try:
            return attempt()
        except OperationalError as exc:
            # Only SQLITE_LOCKED ("table is locked"); "database is locked" already waited out the busy timeout.
            if connection.vendor != "sqlite" or "table is locked" not in str(exc) or n == tries - 1:
                raise
            time.sleep(0.005 * 2**n + random.random() * 0.005)
    raise AssertionError("unreachable")
