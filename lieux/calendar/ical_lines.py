"""VEVENTs written as icalendar 7 writes them, byte for byte, without its cost per event.

Building a Component and writing it costs icalendar about half a millisecond per event, a third
of it folding lines one character at a time: most of the first build of a network feed at the
caps (600 series, issue 20). Feeds must keep their bytes (a calendar app's ETag), so this module
writes exactly what icalendar would: its property order, its TEXT escaping, its folding.
tests/calendar/test_ical_lines.py compares both writings over a varied set of activities.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import vRecur

from lieux.calendar.rules import normalize_rrule, until_date

# icalendar folds before the character that would make a line 75 octets long (75 with the
# leading space of a continuation line), never inside a UTF-8 character.
FOLD_OCTETS = 74
FOLD = b"\r\n "
# ... and keeps a TEXT escape ("\,") or an RFC 6868 one ("^n") whole: icalendar issue #1501.
ESCAPES = b"\\^"


def fold(line: str) -> bytes:
    """`line` folded as icalendar's Contentline.to_ical folds it."""
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return data
    parts = []
    start = 0
    while len(data) - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        if data[cut - 1] in ESCAPES:
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return FOLD.join(parts)


def text(value: str) -> str:
    r"""A TEXT value escaped as icalendar's vText escapes it (the order matters: `\N` first,
    backslashes before the escapes that add them, every line ending as `\n`)."""
    if not _SPECIAL.search(value):  # most values (UIDs, titles, places): nothing to escape
        return value
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


_SPECIAL = re.compile(r"[\\;,\r\n]")


def when(value: datetime, all_day: bool, zone: ZoneInfo) -> str:
    """A local time's parameters and value (`;TZID=…:…`, or `;VALUE=DATE:…` for all-day), as
    icalendar writes a datetime in `zone` or a date."""
    # isoformat, not strftime: a third of the time, thousands of times per feed
    if all_day:
        return f";VALUE=DATE:{value.date().isoformat().replace('-', '')}"
    return f";TZID={zone.key}:{_compact(value)}"


def stamp(value: datetime) -> str:
    """A UTC instant's value (DTSTAMP, LAST-MODIFIED), to the second."""
    return f"{_compact(value.astimezone(UTC))}Z"


def _compact(value: datetime) -> str:
    """'20261208T140000': the date and time (to the second, whatever its zone) as iCalendar
    writes a DATE-TIME."""
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 (the fastest way, thousands per feed)
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


# Series share a few rules ("FREQ=WEEKLY;BYDAY=TU"): reading one twice (normalized, then as a
# vRecur) was a fifth of a feed's build.
RULE_CACHE_SIZE = 1_024


@lru_cache(maxsize=RULE_CACHE_SIZE)
def rrule(text: str, all_day: bool, zone: ZoneInfo) -> str:
    """A series' stored rule as an RRULE value, as icalendar's vRecur writes it: normalized (UNTIL
    in UTC), or UNTIL a date for an all-day series (RFC 5545: the value type of DTSTART)."""
    recur = vRecur.from_ical(normalize_rrule(text, zone))
    if all_day and "UNTIL" in recur:
        recur["UNTIL"] = [until_date(text, zone)]
    return recur.to_ical().decode()


def vevent(lines: list[str]) -> bytes:
    """A VEVENT of these content lines, given in icalendar's order: Event.canonical_order
    (SUMMARY DTSTART DTEND DTSTAMP UID RECURRENCE-ID SEQUENCE RRULE), then alphabetically."""
    return b"BEGIN:VEVENT\r\n" + b"\r\n".join(map(fold, lines)) + b"\r\nEND:VEVENT\r\n"


def event(
    *,
    summary: str,
    starts: datetime,
    ends: datetime,
    all_day: bool,
    zone: ZoneInfo,
    modified: datetime,
    uid: str,
    sequence: int,
    status: str,
    category: str = "",
    description: str = "",
    location: str = "",
    url: str = "",
    geo: tuple[float, float] | None = None,
    recurrence_id: datetime | None = None,
    rrule: str = "",
    transparent: bool = False,
    flags: tuple[str, ...] = (),
) -> bytes:
    """A VEVENT of these values (texts unescaped, `rrule` as vRecur writes it, `flags` X-
    properties set to TRUE, `transparent`: TRANSP), as icalendar writes an Event given them;
    the texts left empty are left out."""
    written = stamp(modified)
    # a changed date not moved (most cancelled ones) starts at its RECURRENCE-ID: written once
    rid = "" if recurrence_id is None else when(recurrence_id, all_day, zone)
    lines = [
        f"SUMMARY:{text(summary)}",
        f"DTSTART{rid if starts == recurrence_id else when(starts, all_day, zone)}",
        f"DTEND{when(ends, all_day, zone)}",
        f"DTSTAMP:{written}",
        f"UID:{text(uid)}",
    ]
    if rid:
        lines.append(f"RECURRENCE-ID{rid}")
    lines.append(f"SEQUENCE:{sequence}")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if category:
        lines.append(f"CATEGORIES:{text(category)}")
    if description:
        lines.append(f"DESCRIPTION:{text(description)}")
    if geo is not None:
        lines.append(f"GEO:{float(geo[0])};{float(geo[1])}")  # as vGeo writes it
    lines.append(f"LAST-MODIFIED:{written}")
    if location:
        lines.append(f"LOCATION:{text(location)}")
    lines.append(f"STATUS:{status.upper()}")
    if transparent:
        lines.append("TRANSP:TRANSPARENT")
    if url:
        lines.append(f"URL:{url}")
    lines += [f"{flag}:TRUE" for flag in sorted(flags)]
    return vevent(lines)


def cancelled(
    *, uid: str, all_day: bool, zone: ZoneInfo, flags: tuple[str, ...] = ()
) -> Callable[[str, datetime, datetime, datetime, datetime, int], bytes]:
    """A writer of one series' cancelled dates: `write(summary, starts, ends, recurrence_id,
    modified, sequence)` gives what `event` gives with these values, status "cancelled" and no
    place, text or link. What the dates share (UID, flags, most often the title) is written
    once per series, not once per date: a lieu at the caps cancels a thousand of them."""
    uid_line = fold(f"UID:{text(uid)}")
    tail = b"\r\n".join([b"STATUS:CANCELLED", *(fold(f"{flag}:TRUE") for flag in sorted(flags))])
    summaries: dict[str, bytes] = {}
    stamps: dict[datetime, str] = {}  # the dates of an import share a few

    def write(
        summary: str,
        starts: datetime,
        ends: datetime,
        recurrence_id: datetime,
        modified: datetime,
        sequence: int,
    ) -> bytes:
        if (head := summaries.get(summary)) is None:
            head = summaries[summary] = fold(f"SUMMARY:{text(summary)}")
        if (written := stamps.get(modified)) is None:
            written = stamps[modified] = stamp(modified)
        rid = when(recurrence_id, all_day, zone)
        lines = [
            head,
            fold(f"DTSTART{rid if starts == recurrence_id else when(starts, all_day, zone)}"),
            fold(f"DTEND{when(ends, all_day, zone)}"),
            f"DTSTAMP:{written}".encode(),
            uid_line,
            fold(f"RECURRENCE-ID{rid}"),
            f"SEQUENCE:{sequence}".encode(),
            f"LAST-MODIFIED:{written}".encode(),
            tail,
        ]
        return b"BEGIN:VEVENT\r\n" + b"\r\n".join(lines) + b"\r\nEND:VEVENT\r\n"

    return write
