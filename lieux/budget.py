"""Each request's compute budget: defence in depth behind the bounds on what can be stored.

Validation keeps hostile recurrence rules and oversized calendars out, and every expansion has
a hard cap on its steps; should something still slip through, a request must not hold a worker
for minutes. A small middleware (lieux/security.py) sets a deadline at the start of every
request; long loops call `check()`, which raises `BudgetExceeded` once the deadline has passed,
and the app answers a clear 503 (lieux/web/errors.py) naming the route in the log.

The deadline lives in a context variable: asyncio tasks and the threads that run sync handlers
(Litestar's sync_to_thread copies the context into them) see the deadline of the request they
work for. Outside a request (the command line, the hourly refresh) there is no deadline and
`check()` does nothing.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# A page, fragment, feed or API answer takes milliseconds; five seconds is far above any
# honest request and short enough that a stuck one frees its worker soon.
BUDGET_S = 5.0

# time.monotonic() after which the current request has spent its budget; None: no limit.
DEADLINE: ContextVar[float | None] = ContextVar("lieux_budget_deadline", default=None)


class BudgetExceeded(Exception):
    """The request computed past its deadline; the app answers 503."""


def check() -> None:
    """Raise BudgetExceeded if the current request is past its deadline (about 0.15 µs)."""
    deadline = DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetExceeded(f"over its budget by {time.monotonic() - deadline:.1f} s")


@contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Run the block with a deadline `seconds` from now (a nested limit never extends one)."""
    deadline = time.monotonic() + seconds
    outer = DEADLINE.get()
    token = DEADLINE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        DEADLINE.reset(token)
