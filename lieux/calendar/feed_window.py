"""What of an activity a feed still writes, from the window's first day: whether it ended
before, which of its changed dates to write, which dates fall in its lieu's closures; and the
cache that keeps all of it, and the activity's bytes, from one build of a feed to the next.

The window starts at local midnight (`cutoff`), not at the instant of the build: a feed is
built once per day and data revision (lieux/calendar/feed_cache.py), and two builds of the
same data on the same day, in two workers or after a restart, give the same bytes (ETag).
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import msgspec
from msgspec.structs import replace

from lieux.calendar import expansion
from lieux.calendar.closures import closure_of, closure_window
from lieux.calendar.expansion import EARLIEST, LATEST, RuleError
from lieux.calendar.models import Activity
from lieux.calendar.recurrence import occurrences
from lieux.calendar.rules import HORIZON, ended_before, occurrences_among
from lieux.hours.models import OpeningException, OpeningHours


def cutoff(now: datetime, past_days: int, zone: ZoneInfo) -> datetime:
    """The window's start: local midnight `past_days` days before `now`'s day."""
    day = now.astimezone(zone).date() - timedelta(days=past_days)
    return datetime.combine(day, time(), zone)


def in_window(activity: Activity, start: datetime, zone: ZoneInfo) -> Activity | None:
    """The activity with only the changed dates a feed writes from `start` on; None if all of it
    ended before `start` (`rules.ended_before`)."""
    if not activity.rrule or not activity.overrides:
        return None if ended(activity, start, zone) else activity
    duration = activity.ends_at - activity.starts_at
    # Local wall times compared as such: what aware times of one zone compare (3,000 dates).
    begin = start.astimezone(zone).replace(tzinfo=None)
    earliest = begin - duration
    # dates whose original or moved occurrence ends in the window
    candidates = [
        o
        for o in activity.overrides
        if o.recurrence_id >= earliest
        or (o.ends_at or (o.starts_at or o.recurrence_id) + duration) >= begin
    ]
    # A changed date left behind by a rule change names no occurrence: writing it adds one.
    dates = on_rule(activity, [o.recurrence_id for o in candidates], zone)
    kept = tuple(o for o in candidates if o.recurrence_id in dates)
    # A date of the rule within HORIZON of the window is the answer `ended_before` would walk
    # the rule for: one walk per series, not two (the walks were half of a feed's rebuild).
    on_time = any(earliest <= o.recurrence_id <= earliest + HORIZON for o in kept)
    if not on_time and ended(activity, start, zone):
        return None
    return activity if kept == activity.overrides else replace(activity, overrides=kept)


# --- which changed dates are still dates of their series -----------------------------------------
# A walk of the rule (dateutil, ~50 µs a series) for each of a lieu's 200 series was a third of a
# network feed's first build at the caps. The rules people write (every day or week, every n
# weeks, on some weekdays, until a date) need no walk: a date is one of theirs by arithmetic.
# Any other rule is walked as before. tests/calendar/test_feed_grid.py compares both answers.

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY = "(?:MO|TU|WE|TH|FR|SA|SU)"
# The parts such a rule may have, each value as dateutil reads it; anything else is walked.
_GRID_PARTS = {
    "FREQ": re.compile("DAILY|WEEKLY"),
    "INTERVAL": re.compile(r"[1-9][0-9]?"),
    "BYDAY": re.compile(f"{_DAY}(?:,{_DAY})*"),
    "UNTIL": re.compile(r"[0-9]{8}T[0-9]{6}Z"),  # UTC, as stored (lieux.calendar.rules)
    "WKST": re.compile(_DAY),
}
# Distinct rule texts kept; a lieu's series share a few ("FREQ=WEEKLY").
GRID_CACHE_SIZE = 4_096


class Grid(msgspec.Struct, frozen=True):
    """A rule whose dates are arithmetic: every `interval` days (`weekdays` None) or weeks (on
    `weekdays`, those of DTSTART if the rule names none) from DTSTART's, at DTSTART's time."""

    interval: int
    weekdays: frozenset[int] | None
    until: datetime | None  # aware, UTC
    wkst: int
    weekly: bool


@lru_cache(maxsize=GRID_CACHE_SIZE)
def grid(text: str) -> Grid | None:
    """The rule `text` as a Grid, or None if its dates need a walk (or if the walk refuses it:
    it then gives no date)."""
    try:
        expansion.shape(text)
    except (RuleError, ValueError):
        return None
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, equals, value = part.partition("=")
        if not equals or key in parts or key not in _GRID_PARTS:
            return None
        if not _GRID_PARTS[key].fullmatch(value):
            return None
        parts[key] = value
    weekly = parts.get("FREQ") == "WEEKLY"
    if "FREQ" not in parts or ("BYDAY" in parts and not weekly):
        return None
    interval = int(parts.get("INTERVAL", "1"))
    until = None
    if "UNTIL" in parts:
        try:
            until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ")
        except ValueError:
            return None
        until = until.replace(tzinfo=UTC)
    days = parts.get("BYDAY")
    return Grid(
        interval=interval,
        weekdays=frozenset(_WEEKDAYS.index(day) for day in days.split(",")) if days else None,
        until=until,
        wkst=_WEEKDAYS.index(parts.get("WKST", "MO")),
        weekly=weekly,
    )


def on_grid(rule: Grid, dtstart: datetime, zone: ZoneInfo) -> Callable[[datetime], bool]:
    """Whether a local start is a date of `rule` from the local `dtstart`, as dateutil gives
    them: DTSTART's time (its microseconds dropped), nothing before it, nothing after UNTIL
    (compared as instants); a weekly rule's weeks start on WKST, the first one the week
    holding DTSTART."""
    dtstart = dtstart.replace(microsecond=0)
    at, first, interval, until = dtstart.time(), dtstart.toordinal(), rule.interval, rule.until
    # days from the first week's WKST to DTSTART
    shift = (dtstart.weekday() - rule.wkst) % 7
    weekdays = rule.weekdays or frozenset([dtstart.weekday()])

    def is_date(recurrence_id: datetime) -> bool:
        if recurrence_id < dtstart or recurrence_id.time() != at:
            return False
        if until is not None and recurrence_id.replace(tzinfo=zone) > until:
            return False
        days = recurrence_id.toordinal() - first
        if not rule.weekly:
            return days % interval == 0
        return recurrence_id.weekday() in weekdays and (days + shift) // 7 % interval == 0

    return is_date


def on_rule(activity: Activity, recurrence_ids: list[datetime], zone: ZoneInfo) -> frozenset:
    """Which of the local starts `recurrence_ids` the series' rule gives, as
    `rules.occurrences_among` answers: by arithmetic when the rule allows it."""
    if not activity.rrule or not recurrence_ids:
        return frozenset()
    rule = grid(activity.rrule)
    if rule is None or not EARLIEST <= activity.starts_at < LATEST:
        return occurrences_among(activity, recurrence_ids, zone)
    return frozenset(filter(on_grid(rule, activity.starts_at, zone), recurrence_ids))


def first_on_grid(
    rule: Grid, dtstart: datetime, zone: ZoneInfo, after: datetime
) -> datetime | None:
    """The first date of `rule` from the local `dtstart` at or after the local `after`, or None
    if UNTIL came before: the date, or a later one, is in the period (the day of a daily rule,
    the week of a weekly one, on the rule's grid) holding `after`'s day, or in the next."""
    is_date = on_grid(rule, dtstart, zone)
    at, first = dtstart.replace(microsecond=0).time(), dtstart.date()
    day = max(after.date(), first)
    if rule.weekly:
        week_one = first - timedelta(days=(first.weekday() - rule.wkst) % 7)
        weeks = (day - week_one).days // 7 // rule.interval * rule.interval
        # the rule's days of a week, from its first (WKST)
        offsets = sorted((d - rule.wkst) % 7 for d in rule.weekdays or (first.weekday(),))
        days = [
            week_one + timedelta(days=7 * (weeks + extra) + offset)
            for extra in (0, rule.interval)
            for offset in offsets
        ]
    else:
        periods = (day - first).days // rule.interval * rule.interval
        days = [first + timedelta(days=periods + extra) for extra in (0, rule.interval)]
    for value in (datetime.combine(d, at) for d in days):
        if value >= after and is_date(value):
            return value
    return None


def ended(activity: Activity, start: datetime, zone: ZoneInfo) -> bool:
    """`rules.ended_before`: by arithmetic when the rule allows it (a walk was ~25 µs a series,
    15 ms for 600 series without changed dates)."""
    rule = grid(activity.rrule) if activity.rrule else None
    if rule is None or not EARLIEST <= activity.starts_at < LATEST:
        return ended_before(activity, start, zone)
    duration = activity.ends_at - activity.starts_at
    begin = start.astimezone(zone).replace(tzinfo=None)
    moved = (o.ends_at or o.starts_at + duration for o in activity.overrides if o.starts_at)
    if any(ends >= begin for ends in moved):
        return False
    found = first_on_grid(rule, activity.starts_at, zone, begin - duration)
    return found is None or found > begin - duration + HORIZON


def recent(exceptions: Iterable[OpeningException], first: date) -> tuple[OpeningException, ...]:
    """The exceptions from `first` on (the feed leaves out what ended before it), so a long
    closure does not write an override for every date it already covered."""
    return tuple(
        e if e.start_date >= first else replace(e, start_date=first)
        for e in exceptions
        if e.end_date >= first
    )


def in_closures(
    activity: Activity, exceptions: tuple[OpeningException, ...], zone: ZoneInfo
) -> dict[datetime | None, OpeningException]:
    """The activity's occurrences that fall in a closure among `exceptions` (its lieu's), by
    recurrence id (None for a one-off), with the closure."""
    hours = OpeningHours(lieu_id=activity.lieu_id, exceptions=exceptions)
    found: dict[datetime | None, OpeningException] = {}
    for exception in exceptions:
        if exception.kind != "closed":
            continue
        for occurrence in occurrences(activity, *closure_window(exception, zone), zone):
            if (closure := closure_of(occurrence, hours, zone)) is not None:
                found.setdefault(occurrence.recurrence_id, closure)
    return found


def digest(*values: object) -> bytes:
    """A key for `values` (Structs, dates, strings): equal values, equal keys. What a cache
    keeps then is its answer alone, not an activity and its long texts."""
    return hashlib.blake2b(msgspec.msgpack.encode(values), digest_size=16).digest()


class DigestCache:
    """Answers by digest, the least recently used dropped past `size`; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[bytes, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes, make: Callable[[], object]) -> object:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()  # outside the lock: two threads may make the same answer, both right
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
