"""Linked calendars (a lieu's Google or Outlook agenda) re-read: every hour inside `lieux serve`,
and on demand with `lieux refresh-ics`.

Each source has its own time budget and the downloads run side by side; each calendar is written
(one short `import_events` transaction) as soon as it has arrived. So a server that answers slowly,
or never, costs its own lieu a failed refresh and delays no other.

With `lieux serve --workers N` every worker runs this loop, but only the holder of the
`calendar-refresh` lease (a row in SQLite, lieux/db/leases.py) refreshes: it renews the lease at
each round; the others find it held and skip. A holder that crashes stops renewing and its lease
expires after LEASE_TTL, so another worker takes over at its next round; a clean stop gives it
up at once.
"""

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux import background
from lieux.calendar.fetch import FETCH_TIMEOUT, fetch
from lieux.calendar.ical_import import ImportedEvent, ImportProblem, parse_calendar
from lieux.calendar.sync import REFRESH, import_events
from lieux.db import connect
from lieux.db import sources as sources_db
from lieux.db.leases import take_lease

log = logging.getLogger("lieux")
# Google publishes changes to its ICS addresses within hours; an hour is as fresh as it gets.
REFRESH_EVERY_S = 3600
LEASE = "calendar-refresh"
# Longer than a round, so the holder renews before it runs out; short enough that a crashed
# holder is replaced within two rounds.
LEASE_TTL = timedelta(seconds=REFRESH_EVERY_S * 3 // 2)
# What one source may take to download, the same as an import from the form.
SOURCE_BUDGET_S = FETCH_TIMEOUT
# Downloads at a time: a few slow servers still leave room for the others, and a round opens
# only a handful of connections. With N sources a round lasts at most N / 4 budgets.
PARALLEL_FETCHES = 4


def _read(url: str, zone: ZoneInfo, budget: float) -> list[ImportedEvent]:
    return parse_calendar(fetch(url, timeout=budget), zone)


def refresh_linked(
    db: Database,
    zone: ZoneInfo,
    now: datetime,
    *,
    budget: float = SOURCE_BUDGET_S,
    parallel: int = PARALLEL_FETCHES,
) -> list[str]:
    """Re-import every linked address; one line per source, in the sources' order, saying what
    changed or what failed. Downloads and parsing run in worker threads; the writes stay on
    this thread (the connection belongs to it), each as soon as its calendar has arrived."""
    sources = sources_db.linked_sources(db)
    lines: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="lieux-refresh") as pool:
        reading = {pool.submit(_read, s.url, zone, budget): s for s in sources}
        for done in as_completed(reading):
            source = reading[done]
            # One failing calendar must not stop the others: the error is kept on the source.
            try:
                events = done.result()
            except ImportProblem as problem:
                error = str(problem)
            except Exception:  # a bug on our side with one calendar: logged, the others go on
                log.exception("calendar refresh of source %s", source.id)
                error = "could not be read (an error on our side, logged)"
            else:
                result = import_events(
                    db, source.lieu_id, events, url=source.url, actor=REFRESH, zone=zone, now=now
                )
                lines[source.id] = f"{source.url}: {result.summary()}"
                continue
            sources_db.record_fetch(db, source.id, error=error, now=now)
            lines[source.id] = f"{source.url}: {error}"
    return [lines[source.id] for source in sources]


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


@asynccontextmanager
async def refresh_calendars(app) -> AsyncIterator[None]:
    """Lifespan of the app: every REFRESH_EVERY_S, in a thread, re-read the linked calendars if
    this process holds the lease (lieux.background.rounds)."""
    settings = app.state.settings

    def work(holder: str, _stop) -> None:
        lines = refresh_if_holder(settings.db, settings.zone, app.state.clock(), holder)
        if lines is None:
            log.debug("calendar refresh: another process holds the lease")
        for line in lines or ():
            log.info("calendar refresh: %s", line)

    async with background.rounds(
        path=settings.db,
        lease=LEASE,
        work=work,
        every=REFRESH_EVERY_S,
        first_after=REFRESH_EVERY_S,
    ):
        yield
