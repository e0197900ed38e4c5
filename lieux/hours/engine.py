"""The "open now" engine: when a lieu is open, from its hours, public holidays and special openings.

Pure functions; the instant asked about is always a parameter. Hours are local wall times; the
engine works on UTC instants internally, because Python compares two datetimes of the same zone
by wall time, ignoring `fold`, which gives wrong answers in the repeated hour of October.

Precedence on a given day: a dated exception, else the holiday rule on a public holiday, else the
weekly slots: those of a period covering the day if there is one (it replaces the usual week),
else the usual week's. A slot belongs to the day it starts: Fr 20:00-02:00 still runs until 02:00
when Saturday is a holiday or the first day of a closed period. Special openings (agenda
activities of kind "ouverture") open the lieu while they run, whatever the rest says.

A lieu is open while the local clock reads a time inside one of its spans: that is how both
OpenStreetMap evaluators (opening-hours-py and opening_hours.js) read hours, so the OSM export and
the engine agree. Wall times that do not exist (02:30 on the last Sunday of March) mean the
instant the clocks jump. On the night the clocks go back, a span touching the repeated hour
covers each reading of its part of it: `Sa 15:00-02:00` closes at the first 02:00, and
`Su 01:00-02:30` is open until the first 02:30 and again from the second 02:00 to the second 02:30.
A single wall time that happens twice (an `?at=` question) means the first reading.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.recurrence import Occurrence
from lieux.hours.models import OpeningHours, OpenState

Interval = tuple[datetime, datetime]  # UTC instants, [start, end)
LocalSpan = tuple[datetime, datetime]  # naive local wall times, [start, end)

# First look two days ahead (most answers are there), then a week, then far enough to see past
# the longest closure a lieu may announce (summer holidays, works).
HORIZONS = (timedelta(days=2), timedelta(days=8), timedelta(days=400))
ONE_DAY = timedelta(days=1)


class AgendaOpening(msgspec.Struct, frozen=True, kw_only=True):
    """A time the lieu is open outside its hours, from an agenda activity of kind "ouverture"."""

    lieu_id: int
    starts_at: datetime  # UTC
    ends_at: datetime
    title: str = ""


def _offset_change(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant after `low` whose offset is that of `high` (one change between)."""
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


# Every lieu opens at the same few wall times of the same days: converting each once pays.
@lru_cache(maxsize=65_536)
def to_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time (see the module docstring for DST days)."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local:
        return first.astimezone(UTC)  # happens twice: the first reading
    # Does not exist: the jump between the two readings (fold=1 is before it).
    return _offset_change(second.astimezone(UTC), first.astimezone(UTC), zone)


def _at_offset(local: datetime, offset: timedelta) -> datetime:
    return local.replace(tzinfo=UTC) - offset


@lru_cache(maxsize=65_536)
def wall_intervals(opens: datetime, closes: datetime, zone: ZoneInfo) -> tuple[Interval, ...]:
    """The UTC intervals during which the local clock reads a time in [opens, closes) (naive
    wall times): one, except across the repeated hour of a fall-back night (module docstring)."""
    start, end = to_instant(opens, zone), to_instant(closes, zone)
    last = closes.replace(tzinfo=zone, fold=1).astimezone(UTC)  # the later reading of `closes`
    before, after = start.astimezone(zone).utcoffset(), last.astimezone(zone).utcoffset()
    if before <= after:  # no change, or the clocks jump forward (a gap is never on the clock)
        return ((start, end),) if start < end else ()
    change = _offset_change(start, last, zone)
    repeat_from = (change + after).replace(tzinfo=None)  # 02:00, read a second time
    repeat_to = repeat_from + (before - after)  # 03:00, reached a first time
    found = []
    if opens < repeat_to:
        found.append((start, _at_offset(min(closes, repeat_to), before)))
    if closes > repeat_from:
        found.append((_at_offset(max(opens, repeat_from), after), _at_offset(closes, after)))
    return tuple((s, e) for s, e in found if s < e)


def _span(day: date, opens: time, closes: time) -> LocalSpan:
    end_day = day if closes > opens else day + ONE_DAY
    return datetime.combine(day, opens), datetime.combine(end_day, closes)


def day_plan(
    hours: OpeningHours, day: date, holidays: Mapping[date, str]
) -> tuple[list[LocalSpan], str]:
    """The local spans that start on `day`, and the day's note (exception note, holiday name)."""
    exception = None
    for candidate in hours.exceptions:
        if candidate.start_date <= day <= candidate.end_date:
            exception = candidate  # the latest-starting one wins
    if exception is not None:
        if exception.kind == "closed":
            return [], exception.note
        return [_span(day, exception.opens, exception.closes)], exception.note
    holiday = holidays.get(day)
    rule = hours.holiday_rule
    if holiday is not None and rule is not None and rule.rule != "as_usual":
        if rule.rule == "closed":
            return [], holiday
        return [_span(day, rule.opens, rule.closes)], holiday
    return weekly_spans(hours, day), holiday or ""


def weekly_spans(hours: OpeningHours, day: date) -> list[LocalSpan]:
    """What the weekly slots alone give on `day`: those of the periods covering it, if any
    does (a period replaces the usual week, closing its weekdays without a slot), else the
    usual week's."""
    covering = [slot for slot in hours.slots if slot.dated and slot.covers(day)]
    chosen = covering or [slot for slot in hours.slots if not slot.dated]
    return [_span(day, s.opens, s.closes) for s in chosen if s.weekday == day.weekday()]


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def open_intervals(
    hours: OpeningHours,
    start: datetime,
    end: datetime,
    *,
    holidays: Mapping[date, str],
    zone: ZoneInfo,
    agenda_openings: Sequence[AgendaOpening] = (),
) -> list[Interval]:
    """The merged UTC intervals during which the lieu is open that overlap [start, end)."""
    found: list[Interval] = [
        interval
        for o in agenda_openings
        if o.starts_at < end and o.ends_at > start
        for interval in wall_intervals(_wall(o.starts_at, zone), _wall(o.ends_at, zone), zone)
    ]
    if hours.known:
        # The day before too: its overnight slots run into the window.
        day = start.astimezone(zone).date() - ONE_DAY
        last = end.astimezone(zone).date()
        while day <= last:
            for opens, closes in day_plan(hours, day, holidays)[0]:
                found.extend(wall_intervals(opens, closes, zone))
            day += ONE_DAY
    return [(s, e) for s, e in _merge(found) if s < end and e > start]


def state(
    hours: OpeningHours,
    at: datetime,
    *,
    holidays: Mapping[date, str],
    zone: ZoneInfo,
    agenda_openings: Sequence[AgendaOpening] = (),
) -> OpenState:
    """Open (until when), closed (until when) or unknown (no hours entered) at instant `at`."""
    at = at.astimezone(UTC)
    for horizon in HORIZONS:
        last_try = horizon == HORIZONS[-1]
        intervals = open_intervals(
            hours,
            at,
            at + horizon,
            holidays=holidays,
            zone=zone,
            agenda_openings=agenda_openings,
        )
        current = next((iv for iv in intervals if iv[0] <= at < iv[1]), None)
        upcoming = next((iv[0] for iv in intervals if iv[0] > at), None)
        if current is not None:
            if current[1] < at + horizon or last_try:
                until = current[1] if current[1] < at + horizon else None
                return OpenState(
                    state="open",
                    until=until,
                    note=_open_note(hours, at, holidays, zone, agenda_openings),
                )
        elif upcoming is not None or last_try:
            return OpenState(
                state="closed" if hours.known else "unknown",
                next_open=upcoming,
                note=day_plan(hours, at.astimezone(zone).date(), holidays)[1]
                if hours.known
                else "",
            )
    raise AssertionError("unreachable: the last horizon always answers")


def _open_note(
    hours: OpeningHours,
    at: datetime,
    holidays: Mapping[date, str],
    zone: ZoneInfo,
    agenda_openings: Sequence[AgendaOpening],
) -> str:
    for opening in agenda_openings:
        if opening.starts_at <= at < opening.ends_at:
            return opening.title
    day = at.astimezone(zone).date()
    for candidate in (day, day - ONE_DAY):
        spans, note = day_plan(hours, candidate, holidays)
        if any(s <= at < e for span in spans for s, e in wall_intervals(*span, zone)):
            return note
    return ""


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def agenda_openings(occurrences: Iterable[Occurrence], zone: ZoneInfo) -> list[AgendaOpening]:
    """Special openings from agenda occurrences of kind "ouverture" (cancelled ones skipped)."""
    return [
        AgendaOpening(
            lieu_id=o.lieu_id,
            # Same DST reading as the hours: go back to the wall time the activity was entered in.
            starts_at=to_instant(o.starts_at.replace(tzinfo=None), zone),
            ends_at=to_instant(o.ends_at.replace(tzinfo=None), zone),
            title=o.title,
        )
        for o in occurrences
        if o.kind == "ouverture" and o.status != "cancelled"
    ]


def weekend(at: datetime, zone: ZoneInfo) -> Interval:
    """The rest of this weekend if `at` falls in one, else the next: Saturday to Monday 00:00."""
    day = at.astimezone(zone).date()
    saturday = day + timedelta(days=5 - day.weekday())  # back to Saturday on a Sunday
    monday = saturday + timedelta(days=2)
    start = max(at, to_instant(datetime.combine(saturday, time()), zone))
    return start, to_instant(datetime.combine(monday, time()), zone)
