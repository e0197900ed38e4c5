"""Changing "this date and the following ones" of a series: split it in two at one occurrence.

The first part keeps its UID (calendars already have it) and ends just before the split; the
second is a new activity from the split date on. Expansion is the bounded one of
lieux.calendar.expansion.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import vRecur

from lieux.calendar.expansion import between
from lieux.calendar.models import Activity


def head_rule(activity: Activity, split_at: datetime, zone: ZoneInfo) -> str:
    """The series' RRULE, stopped just before the local start `split_at` (UNTIL in UTC)."""
    recur = vRecur.from_ical(activity.rrule)
    recur.pop("COUNT", None)
    last = (split_at - timedelta(seconds=1)).replace(tzinfo=zone)
    recur["UNTIL"] = [last.astimezone(UTC)]
    return recur.to_ical().decode()


def tail_count(activity: Activity, split_at: datetime, zone: ZoneInfo) -> int | None:
    """For a series limited by COUNT, how many occurrences remain from `split_at` on."""
    recur = vRecur.from_ical(activity.rrule)
    if "COUNT" not in recur:
        return None
    dtstart, split = activity.starts_at.replace(tzinfo=zone), split_at.replace(tzinfo=zone)
    # The dates strictly between the first start and the split (a COUNT series walks at most
    # COUNT of them), and the first start itself, as before the split.
    found = between(activity.rrule, dtstart, dtstart, split)
    done = len([d for d in found if dtstart < d < split]) + (1 if split > dtstart else 0)
    return max(int(recur["COUNT"][0]) - done, 1)


def with_count(rrule: str, count: int | None) -> str:
    """`rrule` limited to `count` occurrences (UNTIL dropped), or unchanged if count is None."""
    if count is None:
        return rrule
    recur = vRecur.from_ical(rrule)
    recur.pop("UNTIL", None)
    recur["COUNT"] = [count]
    return recur.to_ical().decode()
