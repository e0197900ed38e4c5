"""Occurrences that fall inside a lieu's announced closure ("Congés d'hiver", 24/12–01/01).

A weekly activity entered before the closure was decided still repeats through it, and nothing
says so. Until a co-manager cancels or keeps those dates, pages flag them "à confirmer" and feeds
mark them TENTATIVE. Pure functions: occurrences and hours in, the affected ones out; the
co-managers' side (list the dates a new closure touches, cancel them in one step) reuses them.

Which day an occurrence belongs to follows the hours engine (lieux/hours/engine.py): a timed
occurrence belongs to the day it starts (a 21:00–01:00 concert the evening before a closure is
not in it), an all-day one to each of its dates. On a given day the latest-starting exception
wins, so special hours announced inside a closure ("open on 31/12 10:00–14:00") reopen that day.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.recurrence import Occurrence
from lieux.hours.models import OpeningException, OpeningHours

ONE_DAY = timedelta(days=1)


class InClosure(msgspec.Struct, frozen=True, kw_only=True):
    """An occurrence planned on a day its lieu announced it is closed."""

    occurrence: Occurrence
    closure: OpeningException


def occurrence_dates(occurrence: Occurrence, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local dates the occurrence belongs to (see the module docstring)."""
    first = occurrence.starts_at.astimezone(zone).date()
    if not occurrence.all_day:
        return first, first
    # All-day items end at midnight of the day after their last date.
    return first, max(first, (occurrence.ends_at.astimezone(zone) - ONE_DAY).date())


def closure_on(hours: OpeningHours, day: date) -> OpeningException | None:
    """The closure that decides `day`, or None if the day is open or decided by something else."""
    winner = None
    for exception in hours.exceptions:  # by start date, as lieux.db.hours returns them
        if exception.start_date <= day <= exception.end_date:
            winner = exception
    return winner if winner is not None and winner.kind == "closed" else None


def closure_of(
    occurrence: Occurrence, hours: OpeningHours, zone: ZoneInfo
) -> OpeningException | None:
    """The closure an occurrence falls in, or None (always None for a cancelled occurrence)."""
    if occurrence.status == "cancelled" or hours.lieu_id != occurrence.lieu_id:
        return None
    first, last = occurrence_dates(occurrence, zone)
    if not any(e.kind == "closed" and e.start_date <= last and first <= e.end_date
               for e in hours.exceptions):  # fmt: skip
        return None
    day = first
    while day <= last:
        if (found := closure_on(hours, day)) is not None:
            return found
        day += ONE_DAY
    return None


def occurrences_in_closures(
    occurrences: Iterable[Occurrence],
    hours: OpeningHours | Mapping[int, OpeningHours],
    zone: ZoneInfo,
) -> list[InClosure]:
    """The occurrences (in their order) planned on days their lieu is closed.

    `hours` is one lieu's hours (only its occurrences are looked at) or hours by lieu id, as
    `lieux.db.hours.all_hours` gives them; a lieu without hours has no closure.
    """
    by_lieu = {hours.lieu_id: hours} if isinstance(hours, OpeningHours) else hours
    found = []
    for occurrence in occurrences:
        lieu_hours = by_lieu.get(occurrence.lieu_id)
        if lieu_hours is None:
            continue
        if (closure := closure_of(occurrence, lieu_hours, zone)) is not None:
            found.append(InClosure(occurrence=occurrence, closure=closure))
    return found


def closure_window(closure: OpeningException, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The aware local instants a closure spans, [first day 00:00, day after the last 00:00):
    the window to expand activities over to find what it touches."""
    return (
        datetime.combine(closure.start_date, time(), zone),
        datetime.combine(closure.end_date + ONE_DAY, time(), zone),
    )


# How far ahead the co-managers' list checks closures: a closure typed for a date years away
# would otherwise make every daily series expand up to it. A year covers the holidays anyone
# plans.
LOOKAHEAD = timedelta(days=366)


def window(hours: OpeningHours, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The instants to expand occurrences over to check the closures that are not over yet."""
    today = now.astimezone(zone).date()
    coming = [e.end_date for e in hours.exceptions if e.kind == "closed" and e.end_date >= today]
    if not coming:
        return None
    last = min(max(coming), today + LOOKAHEAD)
    return now, datetime.combine(last + ONE_DAY, time(), tzinfo=zone)


def key(occurrence: Occurrence) -> str:
    """How a form names one date: the activity's id, and the date's original start in a series."""
    rid = occurrence.recurrence_id
    return f"{occurrence.activity_id}@{rid.isoformat() if rid else 'once'}"
