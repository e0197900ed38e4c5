"""Linked calendars (a lieu's Google or Outlook agenda) re-read: every hour inside `lieux serve`,
and on demand with `lieux refresh-ics`."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.calendar.ical_import import ImportProblem, fetch
from lieux.db import connect
from lieux.db.sources import import_calendar, linked_sources, record_fetch

log = logging.getLogger("lieux")
# Google publishes changes to its ICS addresses within hours; an hour is as fresh as it gets.
REFRESH_EVERY_S = 3600


def refresh_linked(db: Database, zone: ZoneInfo) -> list[str]:
    """Re-import every linked address; one line per source saying what changed or what failed."""
    lines = []
    for source in linked_sources(db):
        # One failing calendar must not stop the others: the error is kept on the source.
        try:
            result = import_calendar(db, source, fetch(source.url), zone=zone)
            lines.append(f"{source.url}: {result.summary()}")
        except ImportProblem as problem:
            record_fetch(db, source.id, error=str(problem))
            lines.append(f"{source.url}: {problem}")
    return lines


def _refresh_once(path: str, zone: ZoneInfo) -> list[str]:
    db = connect(path)
    try:
        return refresh_linked(db, zone)
    finally:
        db.close()


@asynccontextmanager
async def refresh_calendars(app) -> AsyncIterator[None]:
    """Lifespan of the app: re-read the linked calendars every REFRESH_EVERY_S in a thread."""
    settings = app.state.settings

    async def every_hour() -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY_S)
            try:
                for line in await asyncio.to_thread(_refresh_once, settings.db, settings.zone):
                    log.info("calendar refresh: %s", line)
            except Exception:  # a bad day for one refresh must not end the next ones
                log.exception("calendar refresh failed")

    task = asyncio.create_task(every_hour())
    try:
        yield
    finally:
        task.cancel()
