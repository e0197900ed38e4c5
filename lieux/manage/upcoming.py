"""An activity's next date from now, for the lists of the members' area."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lieux.calendar.models import Activity
from lieux.calendar.recurrence import Occurrence, occurrences
from lieux.calendar.rules import ended_before
from lieux.manage.forms import RULE_HORIZON

# Series are expanded a quarter at a time: most have a date in the first step.
STEP = timedelta(weeks=13)


def next_occurrence(activity: Activity, now: datetime, zone: ZoneInfo) -> Occurrence | None:
    """The first date still running or to come at `now`: a confirmed one if there is one within
    the horizon the forms accept, else the first cancelled one; None once the activity is over."""
    if ended_before(activity, now, zone):
        return None
    first_cancelled = None
    start = now
    while start < now + RULE_HORIZON:
        for occurrence in occurrences(activity, start, start + STEP, zone):
            if occurrence.ends_at <= now:
                continue
            if occurrence.status == "confirmed":
                return occurrence
            first_cancelled = first_cancelled or occurrence
        if first_cancelled is not None and activity.status == "cancelled":
            break  # every date of a cancelled activity is cancelled: no need to look further
        start += STEP
    return first_cancelled


def by_next_date(
    activities: list[Activity], now: datetime, zone: ZoneInfo
) -> list[tuple[Activity, Occurrence | None]]:
    """Each activity with its next date, the soonest first and the finished ones last."""
    pairs = [(a, next_occurrence(a, now, zone)) for a in activities]
    coming = sorted((p for p in pairs if p[1]), key=lambda p: (p[1].starts_at, p[0].title))
    over = sorted((p for p in pairs if not p[1]), key=lambda p: p[0].starts_at, reverse=True)
    return coming + over
