"""Work `lieux serve` does by itself, in rounds, one process at a time: the hourly calendar
refresh (lieux/calendar/refresh.py) and the mail sender (lieux/mail/sender.py).

Every worker runs the loop; a round first takes the job's lease (a row in SQLite,
lieux/db/leases.py) and does nothing when another process holds it. A holder that crashes stops
renewing and its lease expires; a clean stop gives it up at once, so that another worker may
take over at its next round.
"""

import asyncio
import logging
import os
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from lieux.db import connect
from lieux.db.leases import release_lease

log = logging.getLogger("lieux")


def new_holder() -> str:
    """A name for this process, unique across processes and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def give_up(path: str, lease: str, holder: str) -> None:
    """Release `lease` if `holder` holds it, on a connection of its own."""
    db = connect(path)
    try:
        release_lease(db, lease, holder)
    finally:
        db.close()


@asynccontextmanager
async def rounds(
    *,
    path: str,
    lease: str,
    work: Callable[[str, threading.Event], object],
    every: float,
    first_after: float = 0,
    finish_wait: float = 0,
) -> AsyncIterator[None]:
    """While the app runs, `work(holder, stop)` in a thread every `every` seconds, the first
    after `first_after`; it takes `lease` itself (as `holder`) and should stop early once `stop`
    is set. A failed round is logged and the next one comes as planned. At the app's stop, a
    round under way gets `finish_wait` seconds to end, then the lease is given up."""
    holder = new_holder()
    stop = threading.Event()
    busy = False

    async def loop() -> None:
        nonlocal busy
        await asyncio.sleep(first_after)
        while True:
            busy = True
            try:
                await asyncio.to_thread(work, holder, stop)
            except Exception:  # a bad round (database locked...) must not end the next ones
                log.exception("%s: a round failed", lease)
            finally:
                busy = False
            if stop.is_set():
                return
            await asyncio.sleep(every)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        if busy and finish_wait:
            await asyncio.wait([task], timeout=finish_wait)
        task.cancel()
        try:
            await asyncio.to_thread(give_up, path, lease, holder)
        except Exception:  # stopping must not fail because the database went away
            log.exception("%s: could not give the lease up", lease)
