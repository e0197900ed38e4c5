"""Linked calendars (a lieu's Google or Outlook agenda) re-read: every hour inside `lieux serve`,
and on demand with `lieux refresh-ics`."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from lieux.calendar.sync import refresh_linked
from lieux.db import connect

log = logging.getLogger("lieux")
# Google publishes changes to its ICS addresses within hours; an hour is as fresh as it gets.
REFRESH_EVERY_S = 3600


def _refresh_once(path: str, zone: ZoneInfo, now: datetime) -> list[str]:
    db = connect(path)
    try:
        return refresh_linked(db, zone, now)
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
                for line in await asyncio.to_thread(
                    _refresh_once, settings.db, settings.zone, app.state.clock()
                ):
                    log.info("calendar refresh: %s", line)
            except Exception:  # a bad day for one refresh must not end the next ones
                log.exception("calendar refresh failed")

    task = asyncio.create_task(every_hour())
    try:
        yield
    finally:
        task.cancel()
