"""Recurrence rules: the one model every write path checks, and the one bounded way to expand.

Series are stored as local wall time plus an RRULE whose UNTIL is a UTC instant (RFC 5545 requires
UTC when DTSTART carries a TZID, and dateutil refuses a floating UNTIL with an aware start).

The model (docs/limits.md): dates from 1970 to 2199, at most daily, INTERVAL 1 to INTERVAL_MAX,
COUNT up to COUNT_MAX, short BYxxx lists, a first date within HORIZON of the start and a last one
before LATEST, at most OVERRIDES_MAX changed or cancelled dates. `check_series` says whether an
activity fits it; the forms, the calendar import, the demo and every edit call it.

Expansion never trusts that check: a rule stored before it existed, or one that slipped past it,
goes through `walk`, which refuses INTERVAL < 1 (dateutil loops forever on it), starts from the
period just before the window rather than from DTSTART, and stops after PERIODS_MAX periods or
OCCURRENCES_MAX dates. dateutil's own `after()`/`between()` walk on to year 9999 when no date
comes (a never-occurring rule: seconds of CPU), so nothing here calls them.

This module imports only the models, dateutil and icalendar: the migration and `lieux check`
(lieux/db) apply the very same model to what is stored, so it sits with the models in
tests/test_layers.py.
"""

import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import msgspec
from dateutil.rrule import rrule, rrulestr
from icalendar import vRecur

from lieux.calendar.models import Activity, ActivityWrite

log = logging.getLogger("lieux")

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
FINE_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
# Local wall times. Before 1970 nothing of a lieu's agenda happened; past 2199 is no plan but a
# typo or an attack (dateutil walks to year 9999 from such a start).
EARLIEST = datetime(1970, 1, 1)
LATEST = datetime(2200, 1, 1)
# The sparsest thing a lieu repeats is a yearly event: 52 weeks, 12 months. One cap for every
# frequency; past it, a "rule" is a one-off typed strangely.
INTERVAL_MAX = 52
# Ten years of a weekly activity; the form offers no more.
COUNT_MAX = 500
# A series must have a date within this of its start, or it never happens in any agenda.
HORIZON = timedelta(days=366 * 5)
# Changed or cancelled dates (EXDATE, RECURRENCE-ID) per series: a weekly activity cancelled every
# other week for ten years. Each is checked against the rule, and all of them load with the series.
OVERRIDES_MAX = 500
# Activities a lieu holds that are current (series, and one-offs not over yet): a lieu runs a few
# a day at most; past a thousand its page and feeds run to megabytes. Imports stop there.
CURRENT_ACTIVITIES_MAX = 1_000
# One date of a series lasting longer overlaps dozens of the others: no lieu plans that.
SERIES_DURATION_MAX = timedelta(days=366)
# BYxxx lists: every day of a month is the longest a real rule needs. BYSETPOS is looked up once
# per position and per period by dateutil (quadratic): "first" and "last" are what people use.
BY_VALUES_MAX = 31
BYSETPOS_MAX = 4
SUPPORTED_PARTS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYSETPOS",
    "WKST",
}
# The rule as text: the form's field holds 500 characters, a real rule a few dozen.
RULE_TEXT_MAX = 500
# What one expansion may walk. dateutil rebuilds its tables once per period for a monthly or
# yearly rule and once per month for a daily or weekly one: 600 rebuilds are fifty years of
# months, ~20 ms of CPU at worst; a window of the agenda takes a handful, COUNT_MAX monthly dates
# 500.
PERIODS_MAX = 600
# Dates one expansion may go through (those before the window included): five years of a daily
# activity and its COUNT; ~2 µs each.
OCCURRENCES_MAX = 5_000


class RuleError(ValueError):
    """An activity or RRULE outside the model: `str()` is one English line for the import and
    the CLI, `reason` a key the forms turn into a translated message with `params`."""

    def __init__(self, reason: str, message: str, **params: object):
        super().__init__(message)
        self.reason = reason
        self.params = params


def normalize_rrule(rrule: str, zone: ZoneInfo) -> str:
    """`rrule` with UNTIL as a UTC instant (a date or floating time is read in `zone`)."""
    text = rrule.removeprefix("RRULE:").strip()
    recur = _read(text)
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, datetime):
            # A date UNTIL includes that whole day.
            value = datetime.combine(value, time(23, 59, 59))
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        try:
            recur["UNTIL"] = [value.astimezone(UTC)]
        except (OverflowError, ValueError):  # year 1 or 9999 cannot move to UTC
            raise _out_of_range(text) from None
    return recur.to_ical().decode()


def _read(text: str) -> vRecur:
    if len(text) > RULE_TEXT_MAX:
        raise RuleError("unreadable", f"a recurrence rule longer than {RULE_TEXT_MAX} characters")
    try:
        recur = vRecur.from_ical(text)
    except (ValueError, TypeError) as error:
        raise RuleError("unreadable", f"unreadable recurrence rule {text!r}") from error
    if "FREQ" not in recur:
        raise RuleError("unreadable", f"recurrence rule {text!r} has no FREQ")
    # An activity happens at most daily: HOURLY, MINUTELY or SECONDLY rules (or hour/minute
    # lists) mean millions of occurrences to expand, a way to stall the server.
    if recur["FREQ"][0] not in ALLOWED_FREQUENCIES or FINE_PARTS & set(recur):
        raise RuleError("frequency", f"recurrence rule {text!r}: an activity repeats at most daily")
    return recur


def _out_of_range(what: str) -> RuleError:
    return RuleError(
        "dates",
        f"{what}: dates must fall between {EARLIEST.year} and {LATEST.year - 1}",
        first=EARLIEST.year,
        last=LATEST.year - 1,
    )


class Shape(msgspec.Struct, frozen=True):
    """What the walk needs to know of a rule before trusting dateutil with it."""

    freq: str
    interval: int
    count: int | None


@lru_cache(maxsize=4096)
def shape(text: str) -> Shape:
    """The rule's frequency, interval and count; RuleError if it breaks the model's shape:
    frequency, parts, INTERVAL, COUNT, the length of the BYxxx lists, UNTIL's year."""
    recur = _read(text)
    unsupported = sorted(set(recur) - SUPPORTED_PARTS)
    if unsupported:
        raise RuleError("part", f"{text}: {unsupported[0]} is not supported", part=unsupported[0])
    interval = int(recur.get("INTERVAL", [1])[0])
    if not 1 <= interval <= INTERVAL_MAX:
        raise RuleError(
            "interval", f"{text}: INTERVAL must be 1 to {INTERVAL_MAX}", max=INTERVAL_MAX
        )
    if "COUNT" in recur and "UNTIL" in recur:  # RFC 5545 allows one or the other
        raise RuleError("count-until", f"{text}: COUNT and UNTIL cannot go together")
    count = int(recur["COUNT"][0]) if "COUNT" in recur else None
    if count is not None and not 1 <= count <= COUNT_MAX:
        raise RuleError("count", f"{text}: COUNT must be 1 to {COUNT_MAX}", max=COUNT_MAX)
    for part, values in recur.items():
        most = BYSETPOS_MAX if part == "BYSETPOS" else BY_VALUES_MAX
        if part.startswith("BY") and len(values) > most:
            raise RuleError(
                "values", f"{text}: {part} takes at most {most} values", part=part, max=most
            )
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if not isinstance(until, datetime):
            until = datetime.combine(until, time())
        if not EARLIEST <= until.replace(tzinfo=None) < LATEST:
            raise _out_of_range(text)
    return Shape(freq=recur["FREQ"][0], interval=interval, count=count)


# --- the model, for a whole activity --------------------------------------------------------


def check_dates(starts_at: datetime, ends_at: datetime) -> None:
    """RuleError unless a one-off's or series' local start and end fall in 1970-2199."""
    if not (EARLIEST <= starts_at < LATEST and EARLIEST <= ends_at <= LATEST):
        raise _out_of_range(f"from {starts_at.date().isoformat()} to {ends_at.date().isoformat()}")


def check_series(starts_at: datetime, ends_at: datetime, rrule: str | None, zone: ZoneInfo) -> None:
    """RuleError unless an activity (local wall times, `rrule` normalised) fits the model.

    Bounded: at most a few walks of PERIODS_MAX periods, milliseconds whatever the rule.
    """
    check_dates(starts_at, ends_at)
    if not rrule:
        return
    found = shape(rrule)
    if ends_at - starts_at > SERIES_DURATION_MAX:
        raise RuleError(
            "duration",
            f"{rrule}: one date of a series lasts at most {SERIES_DURATION_MAX.days} days",
            days=SERIES_DURATION_MAX.days,
        )
    dtstart = starts_at.replace(tzinfo=zone)
    if first_from(rrule, dtstart, dtstart, quiet=True) is None:
        raise RuleError(
            "never",
            f"{rrule}: no date within {HORIZON.days // 366} years of its start "
            f"{starts_at:%Y-%m-%d}",
            years=HORIZON.days // 366,
        )
    if found.count is not None:
        # Every date of a counted series must come before LATEST, within one walk.
        dates = walk(rrule, dtstart, dtstart, LATEST.replace(tzinfo=zone), quiet=True)
        if dates.cut or len(dates.found) < found.count:
            raise RuleError(
                "count-span",
                f"{rrule}: its {found.count} dates run past {LATEST.year - 1} or are too far apart",
                last=LATEST.year - 1,
            )


def keep_overrides(
    starts_at: datetime, rrule: str, recurrence_ids: list[datetime], zone: ZoneInfo
) -> tuple[list[datetime], list[datetime]]:
    """(kept, dropped) of a series' changed or cancelled dates (local original starts).

    Those outside the model's years, before the start or after UNTIL are dropped first, by
    comparison alone (a 5 MB file holds 300,000 EXDATEs); RuleError if more than OVERRIDES_MAX
    remain; then those that are no date of the rule are dropped too.
    """
    until = _until_local(rrule, zone)
    last = min(LATEST, until) if until else LATEST
    inside, dropped = [], []
    for rid in recurrence_ids:
        (inside if starts_at <= rid < last else dropped).append(rid)
    if len(inside) > OVERRIDES_MAX:
        raise RuleError(
            "overrides",
            f"{rrule}: more than {OVERRIDES_MAX} changed or cancelled dates",
            max=OVERRIDES_MAX,
        )
    dtstart = starts_at.replace(tzinfo=zone)
    kept = []
    for rid in inside:
        aware = rid.replace(tzinfo=zone)
        found = walk(rrule, dtstart, aware, aware, quiet=True).found
        (kept if found == [aware] else dropped).append(rid)
    return kept, dropped


def _until_local(rrule: str, zone: ZoneInfo) -> datetime | None:
    value = vRecur.from_ical(rrule).get("UNTIL")
    if not value:
        return None
    until = value[0]
    if not isinstance(until, datetime):
        return datetime.combine(until, time(23, 59, 59))
    if until.tzinfo is None:
        return until
    try:
        return until.astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return until.replace(tzinfo=None)


def problem(activity: Activity | ActivityWrite, zone: ZoneInfo) -> str | None:
    """Why a stored activity (or a proposal's) breaks the model (one line), or None: for the
    migration that takes such rules out of service and for `lieux check`."""
    overrides = len(getattr(activity, "overrides", ()))
    try:
        rule = normalize_rrule(activity.rrule, zone) if activity.rrule else None
        check_series(activity.starts_at, activity.ends_at, rule, zone)
        if rule and overrides > OVERRIDES_MAX:
            raise RuleError("overrides", f"more than {OVERRIDES_MAX} changed or cancelled dates")
    except RuleError as error:
        return str(error)
    return None


# --- expanding, bounded by construction -----------------------------------------------------


class TooFar(Exception):
    """A walk reached PERIODS_MAX or OCCURRENCES_MAX."""


class _Counted(rrule):
    """dateutil's rule, counting what its iterator walks.

    dateutil's `_iter` loops over periods with nothing to yield for as long as none has a date
    (to year 9999), so counting what it yields is not enough. Its period loop reads
    `_byeaster` once per rebuild (`_iterinfo.rebuild`: every period of a monthly or yearly rule,
    every month of a daily or weekly one): that read is where the periods are counted.
    tests/calendar/test_rule_bounds.py fails if a dateutil release stops reading it.
    """

    def __init__(self, **kwargs):
        self.periods = self.occurrences = 0
        super().__init__(**kwargs)
        self.periods = 0  # the constructor read it too

    @classmethod
    def like(cls, rule: rrule, **changes) -> "_Counted":
        """`rule.replace(**changes)`, as a counted rule (dateutil's replace builds an rrule)."""
        kwargs = {
            "interval": rule._interval,
            "count": rule._count,
            "dtstart": rule._dtstart,
            "freq": rule._freq,
            "until": rule._until,
            "wkst": rule._wkst,
            **rule._original_rule,
            **changes,
        }
        return cls(**kwargs)

    @property
    def _byeaster(self):
        self.step(period=True)
        return self._easter

    @_byeaster.setter
    def _byeaster(self, value) -> None:
        self._easter = value

    def step(self, *, period: bool) -> None:
        """Count one period walked or one date yielded; TooFar past the caps."""
        # budget.check() here
        if period:
            self.periods += 1
        else:
            self.occurrences += 1
        if self.periods > PERIODS_MAX or self.occurrences > OCCURRENCES_MAX:
            raise TooFar


class Walk(msgspec.Struct, frozen=True, kw_only=True):
    """One expansion: the dates found, what it cost, and whether a cap cut it short."""

    found: list[datetime]
    periods: int = 0
    occurrences: int = 0
    cut: bool = False


@lru_cache(maxsize=4096)
def _parsed(text: str, dtstart: datetime) -> rrule:
    return rrulestr(text, dtstart=dtstart)


def walk(
    text: str,
    dtstart: datetime,
    start: datetime,
    end: datetime,
    *,
    first: bool = False,
    quiet: bool = False,
) -> Walk:
    """The dates of rule `text` from aware `dtstart` that fall in [start, end] (both included),
    or only the first one; never more than PERIODS_MAX periods and OCCURRENCES_MAX dates.

    A rule outside the model's shape (INTERVAL 0, HOURLY...) gives nothing. A walk refused or
    cut short is logged once per rule, unless `quiet` (checking a rule that comes in, where
    being cut short is the answer).
    """
    try:
        rule_shape = shape(text)
        base = _parsed(text, dtstart)
        rule = _Counted.like(base, dtstart=_grid_start(rule_shape, dtstart, start))
    except (RuleError, ValueError, OverflowError) as error:
        if not quiet:
            _refused(text, str(error))
        return Walk(found=[], cut=True)
    found: list[datetime] = []
    cut = False
    try:
        for value in rule:
            rule.step(period=False)
            if value > end:
                break
            if value >= start:
                found.append(value)
                if first:
                    break
    except TooFar:
        cut = True
        if not quiet:
            _refused(text, f"stopped after {rule.periods} periods, {rule.occurrences} dates")
    except (ValueError, OverflowError) as error:  # dates at the ends of what datetime holds
        cut = True
        if not quiet:
            _refused(text, str(error))
    return Walk(found=found, periods=rule.periods, occurrences=rule.occurrences, cut=cut)


def between(text: str, dtstart: datetime, start: datetime, end: datetime) -> list[datetime]:
    """The dates of a rule in [start, end], bounded (see `walk`)."""
    return walk(text, dtstart, start, end).found


def first_from(
    text: str,
    dtstart: datetime,
    start: datetime,
    within: timedelta = HORIZON,
    *,
    quiet: bool = False,
) -> datetime | None:
    """The rule's first date at or after `start`, if one comes within `within`."""
    found = walk(text, dtstart, start, start + within, first=True, quiet=quiet).found
    return found[0] if found else None


@lru_cache(maxsize=256)
def _refused(text: str, why: str) -> None:
    """Say once per rule (not once per page) that an expansion was refused or cut short."""
    log.warning("recurrence rule %r not expanded in full: %s", text, why)


def _grid_start(rule_shape: Shape, dtstart: datetime, start: datetime) -> datetime:
    """A start for the walk on the rule's own grid, one period or more before `start`: the
    rule from there gives the same dates from `start` on, without walking from DTSTART.

    Whole intervals keep the weekday, day of the month and month that dateutil takes from
    DTSTART when the rule does not say them. A counted rule (COUNT) must start where it starts.
    """
    if rule_shape.count is not None or start <= dtstart:
        return dtstart
    here = start.astimezone(dtstart.tzinfo) if dtstart.tzinfo else start
    gap = here.replace(tzinfo=None) - dtstart.replace(tzinfo=None)
    interval = rule_shape.interval
    if rule_shape.freq in ("DAILY", "WEEKLY"):
        step = timedelta(days=interval * (7 if rule_shape.freq == "WEEKLY" else 1))
        return dtstart + step * max(gap // step - 1, 0)
    months = (here.year - dtstart.year) * 12 + here.month - dtstart.month
    unit = interval * (12 if rule_shape.freq == "YEARLY" else 1)
    steps = max(months // unit - 1, 0)
    while steps > 0:  # the 31st or 29 February is not in every month or year: go back
        total = dtstart.month - 1 + steps * unit
        try:
            return dtstart.replace(year=dtstart.year + total // 12, month=total % 12 + 1)
        except ValueError:
            steps -= 1
    return dtstart


# --- what the rest of the code asks of a series ---------------------------------------------


def is_occurrence(activity: Activity, recurrence_id: datetime, zone: ZoneInfo) -> bool:
    """Whether the local start `recurrence_id` is one the series' rule gives."""
    if not activity.rrule:
        return False
    aware = recurrence_id.replace(tzinfo=zone)
    dtstart = activity.starts_at.replace(tzinfo=zone)
    return between(activity.rrule, dtstart, aware, aware) == [aware]


def ended_before(activity: Activity, cutoff: datetime, zone: ZoneInfo) -> bool:
    """Whether every occurrence of the activity, moved ones included, ended before `cutoff`.

    A series whose next date is more than HORIZON away counts as ended: the model requires a
    date within that of the start, and no list looks further.
    """
    duration = activity.ends_at - activity.starts_at
    if not activity.rrule:
        return activity.ends_at.replace(tzinfo=zone) < cutoff
    if any(
        (o.ends_at or o.starts_at + duration).replace(tzinfo=zone) >= cutoff
        for o in activity.overrides
        if o.starts_at
    ):
        return False
    dtstart = activity.starts_at.replace(tzinfo=zone)
    return first_from(activity.rrule, dtstart, cutoff - duration) is None


def until_date(rrule: str, zone: ZoneInfo) -> date | None:
    """The local date of a rule's UTC UNTIL (what an all-day series writes), or None."""
    recur = vRecur.from_ical(rrule)
    if "UNTIL" not in recur:
        return None
    value = recur["UNTIL"][0]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone).date()
    return value
