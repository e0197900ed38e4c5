"""Which activity dates fall while the lieu is closed for a dated closure ("Congés d'hiver").

Pure: occurrences and opening hours in, (occurrence, closure) pairs out. A timed occurrence
belongs to the day it starts, as an opening slot does in the hours engine (an evening that runs
past midnight into the first closed day is not in the closure); an all-day one is in it if any
of its days is.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lieux.calendar.recurrence import Occurrence
from lieux.widget.models import OpeningException, OpeningHours

# How far ahead closures are checked: a closure typed for a date years away would otherwise
# make every daily series expand up to it. A year covers the holidays anyone plans.
LOOKAHEAD = timedelta(days=366)


def closures(hours: OpeningHours) -> list[OpeningException]:
    """The lieu's dated closures (not the special-hours exceptions), by first day."""
    found = [e for e in hours.exceptions if e.kind == "closed"]
    return sorted(found, key=lambda e: (e.start_date, e.end_date))


def window(hours: OpeningHours, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The instants to expand occurrences over to check the closures that are not over yet."""
    today = now.astimezone(zone).date()
    coming = [e for e in closures(hours) if e.end_date >= today]
    if not coming:
        return None
    last = min(max(e.end_date for e in coming), today + LOOKAHEAD)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return now, end


def _days(occurrence: Occurrence, zone: ZoneInfo) -> tuple[date, date]:
    """First and last local day the occurrence counts for."""
    first = occurrence.starts_at.astimezone(zone).date()
    if not occurrence.all_day:
        return first, first
    # An all-day item ends at the midnight after its last day.
    last = occurrence.ends_at.astimezone(zone).date() - timedelta(days=1)
    return first, max(first, last)


def in_closures(
    occurrences: Iterable[Occurrence], hours: OpeningHours, zone: ZoneInfo
) -> list[tuple[Occurrence, OpeningException]]:
    """The confirmed occurrences that fall in one of the lieu's dated closures, by start, each
    with the (first) closure it falls in."""
    periods = closures(hours)
    found = []
    for occurrence in occurrences:
        if occurrence.status != "confirmed":
            continue
        first, last = _days(occurrence, zone)
        closure = next((c for c in periods if first <= c.end_date and c.start_date <= last), None)
        if closure is not None:
            found.append((occurrence, closure))
    return sorted(found, key=lambda pair: (pair[0].starts_at, pair[0].activity_id))


def key(occurrence: Occurrence) -> str:
    """How a form names one date: the activity's id, and the date's original start in a series."""
    rid = occurrence.recurrence_id
    return f"{occurrence.activity_id}@{rid.isoformat() if rid else 'once'}"
