"""The lieu's dates still to come that fall in one of its dated closures (hours page, dashboard).

Which dates those are is lieux.calendar.closures' rule, the one pages and feeds flag "à
confirmer": a timed date belongs to the day it starts, an all-day one to each of its days, and
special hours announced inside a closure reopen that day.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.calendar import closures
from lieux.calendar.recurrence import Occurrence, agenda
from lieux.db import activities as activities_db
from lieux.hours.models import OpeningException, OpeningHours
from lieux.models import Lieu
from lieux.settings import Settings


def in_closures(
    occurrences: Iterable[Occurrence], hours: OpeningHours, zone: ZoneInfo
) -> list[tuple[Occurrence, OpeningException]]:
    """(occurrence, closure) for the confirmed occurrences in a closure, by start."""
    found = closures.occurrences_in_closures(
        (o for o in occurrences if o.status == "confirmed"), hours, zone
    )
    pairs = [(f.occurrence, f.closure) for f in found]
    return sorted(pairs, key=lambda pair: (pair[0].starts_at, pair[0].activity_id))


def closed_dates(
    db: Database, settings: Settings, lieu: Lieu, hours: OpeningHours, now: datetime
) -> list[tuple[Occurrence, OpeningException]]:
    """(occurrence, closure) for the lieu's dates still to come that fall in a dated closure."""
    span = closures.window(hours, now, settings.zone)
    if span is None:
        return []
    coming = agenda(activities_db.list_activities(db, lieu_ids=[lieu.id]), *span, settings.zone)
    return in_closures([o for o in coming if o.starts_at >= now], hours, settings.zone)
