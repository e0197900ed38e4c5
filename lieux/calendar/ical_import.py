"""iCalendar import: a lieu's existing calendar (Google, Outlook, Nextcloud...) into its agenda.

Parsing is all or nothing: a file we cannot read raises ImportProblem with one line for people
before anything is stored. Times become local wall time in the service's zone; calendars that
name their zone only in X-WR-TIMEZONE (Google exports) are first brought into standard form, and
Windows zone names ("Romance Standard Time") are mapped by icalendar itself.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import msgspec
import x_wr_timezone
from dateutil.rrule import rrulestr

from lieux.calendar.models import KINDS, ActivityWrite
from lieux.calendar.rules import RuleError, normalize_rrule

# Events without an end: RFC 5545 gives a timed one no duration; people expect an hour.
DEFAULT_DURATION = timedelta(hours=1)
TITLE_MAX = 200


class ImportProblem(ValueError):
    """The calendar cannot be imported; the message is one line for the person importing."""


class ImportedOverride(msgspec.Struct, frozen=True, kw_only=True):
    recurrence_id: datetime  # local wall time (midnight for all-day)
    status: str = "confirmed"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title: str | None = None
    description: str | None = None


class ImportedEvent(msgspec.Struct, frozen=True, kw_only=True):
    uid: str
    activity: ActivityWrite
    overrides: tuple[ImportedOverride, ...] = ()
    notes: tuple[str, ...] = ()  # what the import could not keep, one line each


def _local(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.replace(tzinfo=None, microsecond=0)
    return datetime.combine(value, time())


def _kind(event: icalendar.Event) -> str:
    """A kind named in CATEGORIES (slug or label in any language), else 'autre'."""
    names = []
    for categories in (
        event.get("CATEGORIES", [])
        if isinstance(event.get("CATEGORIES"), list)
        else [event.get("CATEGORIES")]
    ):
        if categories is not None:
            names += [str(c).strip().lower() for c in categories.cats]
    for slug, labels in KINDS.items():
        if slug in names or any(label.lower() in names for label in labels):
            return slug
    return "autre"


def _span(event: icalendar.Event, zone: ZoneInfo) -> tuple[datetime, datetime, bool]:
    start = event.get("DTSTART")
    if start is None:
        raise ImportProblem(f"event {event.get('UID')!s}: no DTSTART")
    begins = start.dt
    all_day = not isinstance(begins, datetime)
    if event.get("DTEND") is not None:
        ends = event["DTEND"].dt
    elif event.get("DURATION") is not None:
        ends = begins + event["DURATION"].dt
    else:
        ends = begins + (timedelta(days=1) if all_day else DEFAULT_DURATION)
    starts_at, ends_at = _local(begins, zone), _local(ends, zone)
    if ends_at < starts_at:
        raise ImportProblem(f"event {event.get('UID')!s}: ends before it starts")
    return starts_at, ends_at, all_day


def _text(event: icalendar.Event, name: str) -> str:
    value = event.get(name)
    return str(value).strip() if value is not None else ""


def _rrule(event: icalendar.Event, starts_at: datetime, zone: ZoneInfo) -> str | None:
    rules = event.get("RRULE")
    if rules is None:
        return None
    if isinstance(rules, list):
        if len(rules) > 1:
            raise ImportProblem(f"event {event.get('UID')!s}: several RRULEs are not supported")
        rules = rules[0]
    try:
        rule = normalize_rrule(rules.to_ical().decode(), zone)
        rrulestr(rule, dtstart=starts_at.replace(tzinfo=zone))  # dateutil must expand it
    except (RuleError, ValueError) as error:
        raise ImportProblem(f"event {event.get('UID')!s}: {error}") from None
    return rule


def _exdates(event: icalendar.Event, zone: ZoneInfo) -> list[datetime]:
    found = []
    values = event.get("EXDATE")
    for item in values if isinstance(values, list) else [values] if values is not None else []:
        found += [_local(d.dt, zone) for d in item.dts]
    return found


def parse_calendar(data: bytes, zone: ZoneInfo) -> list[ImportedEvent]:
    """Every event of an iCalendar file as local-time activities, or ImportProblem."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
        calendar = x_wr_timezone.to_standard(calendar)
    except Exception:  # icalendar raises ValueError, KeyError, IndexError...
        # No detail: the parser quotes the content, which for a URL may be a private answer.
        raise ImportProblem("not a readable iCalendar file") from None
    if calendar.name != "VCALENDAR":
        raise ImportProblem("not an iCalendar file (no BEGIN:VCALENDAR)")
    masters: dict[str, icalendar.Event] = {}
    changes: dict[str, list[icalendar.Event]] = {}
    try:
        for event in calendar.walk("VEVENT"):
            uid = _text(event, "UID")
            if not uid:
                raise ImportProblem("an event has no UID: cannot tell it apart on the next import")
            if event.get("RECURRENCE-ID") is not None:
                changes.setdefault(uid, []).append(event)
            elif uid in masters:
                raise ImportProblem(f"two events share the UID {uid}")
            else:
                masters[uid] = event
        found = [_imported(uid, e, changes.get(uid, []), zone) for uid, e in masters.items()]
        # A changed date whose series is not in the file (a calendar shared with only some
        # dates, a series in another calendar): still a date people can come to, so a one-off.
        for uid, orphans in changes.items():
            if uid in masters:
                continue
            for change in orphans:
                rid = _local(change["RECURRENCE-ID"].dt, zone)
                found.append(_imported(f"{uid}/{rid:%Y%m%dT%H%M%S}", change, [], zone))
        return found
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
        if isinstance(error, ImportProblem):
            raise
        raise ImportProblem("an event cannot be read") from None


def _imported(uid: str, event: icalendar.Event, changed: list, zone: ZoneInfo) -> ImportedEvent:
    starts_at, ends_at, all_day = _span(event, zone)
    title = (_text(event, "SUMMARY") or "(sans titre)")[:TITLE_MAX]
    rrule = _rrule(event, starts_at, zone)
    cancelled = _text(event, "STATUS").upper() == "CANCELLED"
    activity = ActivityWrite(
        kind=_kind(event),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        description=_text(event, "DESCRIPTION"),
        rrule=rrule,
        status="cancelled" if cancelled else "confirmed",
    )
    overrides: dict[datetime, ImportedOverride] = {}
    if rrule:
        # A source EXDATE means the occurrence will not happen: for our subscribers, a
        # cancelled occurrence (one representation for "not happening", see feeds.py).
        for rid in _exdates(event, zone):
            overrides[rid] = ImportedOverride(recurrence_id=rid, status="cancelled")
        for change in changed:
            rid = _local(change["RECURRENCE-ID"].dt, zone)
            begins, ends, _ = _span(change, zone)
            moved = (begins, ends) != (rid, rid + (ends_at - starts_at))
            overrides[rid] = ImportedOverride(
                recurrence_id=rid,
                status="cancelled"
                if _text(change, "STATUS").upper() == "CANCELLED"
                else "confirmed",
                starts_at=begins if moved else None,
                ends_at=ends if moved else None,
                title=(_text(change, "SUMMARY") or None)
                if _text(change, "SUMMARY") != title
                else None,
                description=(
                    _text(change, "DESCRIPTION") or None
                    if _text(change, "DESCRIPTION") != activity.description
                    else None
                ),
            )
    notes = ()
    if event.get("RDATE") is not None:
        # Our series are one RRULE; extra dates would need one-offs of their own.
        notes = (f"{uid}: extra dates (RDATE) are not imported; add them as separate activities",)
    return ImportedEvent(
        uid=uid,
        activity=activity,
        overrides=tuple(sorted(overrides.values(), key=_by_rid)),
        notes=notes,
    )


def _by_rid(override: ImportedOverride) -> datetime:
    return override.recurrence_id
