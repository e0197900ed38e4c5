"""Linked calendars (a lieu's Google or Outlook agenda) re-read: every hour inside `lieux serve`,
and on demand with `lieux refresh-ics`.

With `lieux serve --workers N` every worker runs this loop, but only the holder of the
`calendar-refresh` lease (a row in SQLite, lieux/db/leases.py) refreshes: it renews the lease at
each round; the others find it held and skip. A holder that crashes stops renewing and its lease
expires after LEASE_TTL, so another worker takes over at its next round; a clean stop gives it
up at once.
"""

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lieux.calendar.sync import refresh_linked
from lieux.db import connect
from lieux.db.leases import release_lease, take_lease

log = logging.getLogger("lieux")
# Google publishes changes to its ICS addresses within hours; an hour is as fresh as it gets.
REFRESH_EVERY_S = 3600
LEASE = "calendar-refresh"
# Longer than a round, so the holder renews before it runs out; short enough that a crashed
# holder is replaced within two rounds.
LEASE_TTL = timedelta(seconds=REFRESH_EVERY_S * 3 // 2)


def new_holder() -> str:
    """A name for this process, unique across processes and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def refresh_if_holder(path: str, zone: ZoneInfo, now: datetime, holder: str) -> list[str] | None:
    """Refresh the linked calendars if `holder` takes or renews the lease at `now`; None when
    another process holds it (nothing done)."""
    db = connect(path)
    try:
        if not take_lease(db, LEASE, holder, now=now, ttl=LEASE_TTL):
            return None
        return refresh_linked(db, zone, now)
    finally:
        db.close()


def give_up(path: str, holder: str) -> None:
    db = connect(path)
    try:
        release_lease(db, LEASE, holder)
    finally:
        db.close()


@asynccontextmanager
async def refresh_calendars(app) -> AsyncIterator[None]:
    """Lifespan of the app: every REFRESH_EVERY_S, in a thread, re-read the linked calendars if
    this process holds the lease."""
    settings = app.state.settings
    holder = new_holder()

    async def every_hour() -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY_S)
            try:
                lines = await asyncio.to_thread(
                    refresh_if_holder, settings.db, settings.zone, app.state.clock(), holder
                )
                if lines is None:
                    log.debug("calendar refresh: another process holds the lease")
                for line in lines or ():
                    log.info("calendar refresh: %s", line)
            except Exception:  # a bad day for one refresh must not end the next ones
                log.exception("calendar refresh failed")

    task = asyncio.create_task(every_hour())
    try:
        yield
    finally:
        task.cancel()
        try:
            give_up(settings.db, holder)
        except Exception:  # stopping must not fail because the database went away
            log.exception("could not give up the calendar refresh lease")
