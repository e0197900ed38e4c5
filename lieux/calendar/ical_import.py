"""iCalendar import: a lieu's existing calendar (Google, Outlook, Nextcloud...) into its agenda.

Parsing is all or nothing: a file we cannot read, or an event outside the recurrence model
(lieux.calendar.rules: dates, rule, changed dates) or the caps, raises ImportProblem with one line
for people naming the event, before anything is stored. It is also where the heavy work is
done, outside any database transaction: rules checked, changed dates outside the model dropped
by comparison and the others matched against the rule, text cleaned as the forms would want it
(lieux.text: markup and control characters removed, lengths capped).

Times become local wall time in the service's zone; calendars that name their zone only in
X-WR-TIMEZONE (Google exports) are first brought into standard form, and Windows zone names
("Romance Standard Time") are mapped by icalendar itself.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import msgspec
import x_wr_timezone

from lieux import text
from lieux.calendar.models import KINDS, ActivityWrite
from lieux.calendar.rules import RuleError, check_series, keep_overrides, normalize_rrule

# Events without an end: RFC 5545 gives a timed one no duration; people expect an hour.
DEFAULT_DURATION = timedelta(hours=1)
TITLE_MAX = text.TITLE_MAX
# Events (one-offs and series) one file may bring. A lieu's calendar is a few hundred; past a
# thousand, its page and feeds would run to megabytes (10,000 events: a 6 MB page).
MAX_EVENTS = 1_000
# VEVENT components: the events and their changed dates (RECURRENCE-ID), counted before parsing.
MAX_COMPONENTS = 5 * MAX_EVENTS
# Excluded dates in one file, counted before parsing: a weekday series cancelled every weekend
# for ten years has a thousand; 300,000 (5 MB) took 2.5 s of CPU to parse before being dropped.
MAX_EXDATES = 20_000
_FOLDS = re.compile(rb"\r?\n[ \t]")
# RFC 5545 sets no limit; ours are random UUIDs and a host name, Google's about 60 characters.
UID_MAX = 255
# Changed dates left out of a series, one line each up to this; past it, one line with how many.
NOTES_MAX = 10


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


def _text(event: icalendar.Event, name: str, max_length: int = text.DESCRIPTION_MAX) -> str:
    """A text property as the forms would accept it (lieux.text.clean)."""
    value = event.get(name)
    return text.clean(str(value), max_length) if value is not None else ""


def _name(event: icalendar.Event) -> str:
    """How a message names an event: its UID and, if it has one, its title."""
    uid = text.clean(str(event.get("UID", "")), 100)
    title = _text(event, "SUMMARY", 60)
    return f"event {uid}" + (f" ({title})" if title else "")


def _rrule(event: icalendar.Event, zone: ZoneInfo) -> str | None:
    rules = event.get("RRULE")
    if rules is None:
        return None
    if isinstance(rules, list):
        if len(rules) > 1:
            raise ImportProblem(f"{_name(event)}: several RRULEs are not supported")
        rules = rules[0]
    try:
        return normalize_rrule(rules.to_ical().decode(), zone)
    except (RuleError, ValueError) as error:
        raise ImportProblem(f"{_name(event)}: {error}") from None


def _exdates(event: icalendar.Event, zone: ZoneInfo) -> list[datetime]:
    found = []
    values = event.get("EXDATE")
    for item in values if isinstance(values, list) else [values] if values is not None else []:
        found += [_local(d.dt, zone) for d in item.dts]
    return found


def parse_calendar(data: bytes, zone: ZoneInfo) -> list[ImportedEvent]:
    """Every event of an iCalendar file as local-time activities, or ImportProblem."""
    # Parsing costs about 0.1 ms per event and 8 µs per EXDATE: count them first, on the lines
    # unfolded as the parser will (RFC 5545 3.1).
    unfolded = _FOLDS.sub(b"", data).upper()
    if (components := unfolded.count(b"BEGIN:VEVENT")) > MAX_COMPONENTS:
        raise ImportProblem(_too_many(components))
    exdates = sum(
        line.count(b",") + 1 for line in unfolded.splitlines() if line.startswith(b"EXDATE")
    )
    if exdates > MAX_EXDATES:
        raise ImportProblem(
            f"{exdates} excluded dates (EXDATE): one calendar brings at most {MAX_EXDATES}"
        )
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
            uid = text.without_controls(str(event.get("UID", ""))).strip()
            if not uid:
                raise ImportProblem("an event has no UID: cannot tell it apart on the next import")
            if len(uid) > UID_MAX:
                raise ImportProblem(f"an event's UID is longer than {UID_MAX} characters")
            if event.get("RECURRENCE-ID") is not None:
                changes.setdefault(uid, []).append(event)
            elif uid in masters:
                raise ImportProblem(f"two events share the UID {uid}")
            else:
                masters[uid] = event
        orphans = sum(len(dates) for uid, dates in changes.items() if uid not in masters)
        if len(masters) + orphans > MAX_EVENTS:
            raise ImportProblem(_too_many(len(masters) + orphans))
        found = [_imported(uid, e, changes.get(uid, []), zone) for uid, e in masters.items()]
        # A changed date whose series is not in the file (a calendar shared with only some
        # dates, a series in another calendar): still a date people can come to, so a one-off.
        for uid, dates in changes.items():
            if uid in masters:
                continue
            for change in dates:
                rid = _local(change["RECURRENCE-ID"].dt, zone)
                found.append(_imported(f"{uid}/{rid:%Y%m%dT%H%M%S}", change, [], zone))
        return found
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
        if isinstance(error, ImportProblem):
            raise
        raise ImportProblem("an event cannot be read") from None


def _too_many(found: int) -> str:
    return f"{found} events: one calendar brings at most {MAX_EVENTS} (the limit per import)"


def _imported(uid: str, event: icalendar.Event, changed: list, zone: ZoneInfo) -> ImportedEvent:
    starts_at, ends_at, all_day = _span(event, zone)
    title = _text(event, "SUMMARY", TITLE_MAX) or "(sans titre)"
    rrule = _rrule(event, zone)
    try:
        check_series(starts_at, ends_at, rrule, zone)
    except RuleError as error:
        raise ImportProblem(f"{_name(event)}: {error}") from None
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
    notes: list[str] = []
    if rrule:
        # A source EXDATE means the occurrence will not happen: for our subscribers, a
        # cancelled occurrence (one representation for "not happening", see feeds.py).
        exdates = _exdates(event, zone)
        by_rid = {_local(change["RECURRENCE-ID"].dt, zone): change for change in changed}
        try:
            dates = list(dict.fromkeys([*exdates, *by_rid]))  # each date once
            kept, dropped = keep_overrides(starts_at, rrule, dates, zone)
        except RuleError as error:
            raise ImportProblem(f"{_name(event)}: {error}") from None
        kept_set = set(kept)
        for rid in exdates:
            if rid in kept_set:
                overrides[rid] = ImportedOverride(recurrence_id=rid, status="cancelled")
        for rid, change in by_rid.items():
            if rid in kept_set:
                overrides[rid] = _changed(change, rid, title, activity, zone)
        if len(dropped) > NOTES_MAX:  # 300,000 EXDATEs in 9999 are not worth a line each
            notes.append(f"{uid}: {len(dropped)} dates are not occurrences of its rule, left out")
        else:
            notes += [
                f"{uid}: {rid.isoformat()} is not an occurrence of its rule" for rid in dropped
            ]
    if event.get("RDATE") is not None:
        # Our series are one RRULE; extra dates would need one-offs of their own.
        notes.append(
            f"{uid}: extra dates (RDATE) are not imported; add them as separate activities"
        )
    return ImportedEvent(
        uid=uid,
        activity=activity,
        overrides=tuple(sorted(overrides.values(), key=_by_rid)),
        notes=tuple(notes),
    )


def _changed(change, rid: datetime, title: str, activity: ActivityWrite, zone) -> ImportedOverride:
    """The override one changed date (a VEVENT with a RECURRENCE-ID) stands for."""
    begins, ends, _ = _span(change, zone)
    moved = (begins, ends) != (rid, rid + (activity.ends_at - activity.starts_at))
    summary, description = _text(change, "SUMMARY", TITLE_MAX), _text(change, "DESCRIPTION")
    return ImportedOverride(
        recurrence_id=rid,
        status="cancelled" if _text(change, "STATUS").upper() == "CANCELLED" else "confirmed",
        starts_at=begins if moved else None,
        ends_at=ends if moved else None,
        title=(summary or None) if summary != title else None,
        description=(description or None) if description != activity.description else None,
    )


def _by_rid(override: ImportedOverride) -> datetime:
    return override.recurrence_id
