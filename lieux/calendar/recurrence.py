"""Occurrences of activities in a time window: RRULE expansion (dateutil) plus overrides.

Series are stored as local wall time and expanded in the local zone, so a weekly 14:00 activity
stays at 14:00 across DST changes. Cancelled occurrences are kept, with status "cancelled":
the agenda shows them struck through, feeds mark them, "open now" ignores them.

Every expansion goes through `lieux.calendar.expansion.between`, bounded by construction: a stored
rule that breaks the model yields nothing or a cut list, never a loop or a walk to year 9999.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.expansion import between
from lieux.calendar.models import Activity, Status
from lieux.calendar.rules import is_occurrence


class Occurrence(msgspec.Struct, frozen=True, kw_only=True):
    activity_id: int
    uid: str
    lieu_id: int
    kind: str
    title: str
    starts_at: datetime  # aware, in the local zone
    ends_at: datetime
    all_day: bool
    status: Status
    # the original local start of a series occurrence (its RECURRENCE-ID); None for a one-off
    recurrence_id: datetime | None = None
    title_nl: str | None = None  # translations of the series' title, unless this date has its own
    title_en: str | None = None

    def title_lang(self, lang: str) -> str:
        """The language of the title shown to a `lang` reader: theirs if written, else French."""
        return lang if getattr(self, f"title_{lang}", None) else "fr"

    def title_in(self, lang: str) -> str:
        return getattr(self, f"title_{lang}", None) or self.title


def occurrences(
    activity: Activity, start: datetime, end: datetime, zone: ZoneInfo
) -> list[Occurrence]:
    """The occurrences of `activity` that overlap [start, end) (aware datetimes), by start."""
    duration = activity.ends_at - activity.starts_at

    def make(starts: datetime, ends: datetime, status: Status, title: str, rid=None):
        return Occurrence(
            activity_id=activity.id,
            uid=activity.uid,
            lieu_id=activity.lieu_id,
            kind=activity.kind,
            title=title,
            starts_at=starts.replace(tzinfo=zone),
            ends_at=ends.replace(tzinfo=zone),
            all_day=activity.all_day,
            status=status,
            recurrence_id=rid,
            **(
                {"title_nl": activity.title_nl, "title_en": activity.title_en}
                if title == activity.title
                else {}
            ),
        )

    def overlaps(occurrence: Occurrence) -> bool:
        return occurrence.starts_at < end and occurrence.ends_at > start

    if not activity.rrule:
        found = [make(activity.starts_at, activity.ends_at, activity.status, activity.title)]
        return [o for o in found if overlaps(o)]

    overrides = {o.recurrence_id: o for o in activity.overrides}
    dtstart = activity.starts_at.replace(tzinfo=zone)
    # An occurrence that started before `start` may still be running: look back one duration.
    window_start = start.astimezone(zone) - duration
    found = []
    for first in between(activity.rrule, dtstart, window_start, end.astimezone(zone)):
        rid = first.replace(tzinfo=None)
        override = overrides.pop(rid, None)
        if override is None:
            found.append(make(rid, rid + duration, activity.status, activity.title, rid))
            continue
        status = "cancelled" if "cancelled" in (override.status, activity.status) else "confirmed"
        found.append(
            make(
                override.starts_at or rid,
                override.ends_at or (override.starts_at or rid) + duration,
                status,
                override.title or activity.title,
                rid,
            )
        )
    # An occurrence moved into the window from outside it.
    for rid, override in overrides.items():
        if override.starts_at is not None and is_occurrence(activity, rid, zone):
            status = (
                "cancelled" if "cancelled" in (override.status, activity.status) else "confirmed"
            )
            ends = override.ends_at or override.starts_at + duration
            found.append(
                make(override.starts_at, ends, status, override.title or activity.title, rid)
            )
    return sorted((o for o in found if overlaps(o)), key=lambda o: o.starts_at)


def agenda(
    activities: list[Activity], start: datetime, end: datetime, zone: ZoneInfo
) -> list[Occurrence]:
    """Every occurrence of these activities overlapping [start, end), by start time."""
    found = [o for activity in activities for o in occurrences(activity, start, end, zone)]
    return sorted(found, key=lambda o: (o.starts_at, o.title))
