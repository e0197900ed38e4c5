"""Recurrence rules as stored: UNTIL normalised to UTC, and membership of an occurrence.

Series are stored as local wall time plus an RRULE whose UNTIL is a UTC instant (RFC 5545 requires
UTC when DTSTART carries a TZID, and dateutil refuses a floating UNTIL with an aware start).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import vRecur

from lieux.calendar.models import Activity

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
FINE_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}


class RuleError(ValueError):
    """An RRULE we cannot use; the message says why."""


def normalize_rrule(rrule: str, zone: ZoneInfo) -> str:
    """`rrule` with UNTIL as a UTC instant (a date or floating time is read in `zone`)."""
    text = rrule.removeprefix("RRULE:").strip()
    try:
        recur = vRecur.from_ical(text)
    except (ValueError, TypeError) as error:
        raise RuleError(f"unreadable recurrence rule {text!r}") from error
    if "FREQ" not in recur:
        raise RuleError(f"recurrence rule {text!r} has no FREQ")
    # An activity happens at most daily: HOURLY, MINUTELY or SECONDLY rules (or hour/minute
    # lists) mean millions of occurrences to expand, a way to stall the server.
    if recur["FREQ"][0] not in ALLOWED_FREQUENCIES or FINE_PARTS & set(recur):
        raise RuleError(f"recurrence rule {text!r}: an activity repeats at most daily")
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, datetime):
            # A date UNTIL includes that whole day.
            value = datetime.combine(value, time(23, 59, 59))
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        recur["UNTIL"] = [value.astimezone(UTC)]
    return recur.to_ical().decode()


def series_rule(activity: Activity, zone: ZoneInfo):
    """The dateutil rule of a series, on aware local datetimes."""
    return rrulestr(activity.rrule, dtstart=activity.starts_at.replace(tzinfo=zone))


def is_occurrence(activity: Activity, recurrence_id: datetime, zone: ZoneInfo) -> bool:
    """Whether the local start `recurrence_id` is one the series' rule gives."""
    if not activity.rrule:
        return False
    aware = recurrence_id.replace(tzinfo=zone)
    return series_rule(activity, zone).after(aware - timedelta(seconds=1)) == aware


def ended_before(activity: Activity, cutoff: datetime, zone: ZoneInfo) -> bool:
    """Whether every occurrence of the activity, moved ones included, ended before `cutoff`."""
    duration = activity.ends_at - activity.starts_at
    if not activity.rrule:
        return activity.ends_at.replace(tzinfo=zone) < cutoff
    if any(
        (o.ends_at or o.starts_at + duration).replace(tzinfo=zone) >= cutoff
        for o in activity.overrides
        if o.starts_at
    ):
        return False
    return series_rule(activity, zone).after(cutoff - duration, inc=True) is None


def until_date(rrule: str, zone: ZoneInfo) -> date | None:
    """The local date of a rule's UTC UNTIL (what an all-day series writes), or None."""
    recur = vRecur.from_ical(rrule)
    if "UNTIL" not in recur:
        return None
    value = recur["UNTIL"][0]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone).date()
    return value
