"""Expanding a recurrence rule, bounded by construction: what dateutil is given, and how far it
may walk.

dateutil loops forever on INTERVAL=0 (even inside `between()`), and its `after()`/`between()`
walk on to year 9999 when no date comes (a rule that never occurs: seconds of CPU). So a rule is
handed to dateutil only once its `shape` holds (at most daily, INTERVAL 1 to INTERVAL_MAX, short
BYxxx lists, a known UNTIL year), and `walk` starts from the period just before the window
rather than from DTSTART and stops after PERIODS_MAX periods or OCCURRENCES_MAX dates, whatever
is stored. Every expansion in the service goes through `walk` (lieux.calendar.rules builds the
model of what may be stored on it; docs/limits.md).

Like lieux.calendar.rules, a leaf (dateutil, icalendar, msgspec): it sits with the models in
tests/test_layers.py.
"""

import logging
from datetime import datetime, time, timedelta
from functools import lru_cache

import msgspec
from dateutil.rrule import rrule, rrulestr
from icalendar import vRecur

from lieux import budget

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


def read_rule(text: str) -> vRecur:
    """The parts of a rule's text; RuleError if unreadable or finer than daily."""
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


def out_of_range(what: str) -> RuleError:
    """The error for dates outside the model's years."""
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
    recur = read_rule(text)
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
            raise out_of_range(text)
    return Shape(freq=recur["FREQ"][0], interval=interval, count=count)


# --- the walk ---------------------------------------------------------------------------------


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
        budget.check()  # defence in depth: a request past its budget stops here (503)
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
    # ValueError, OverflowError: dates at the ends of what datetime holds; IndexError: a
    # dateutil bug with a BYDAY ordinal past its period (FREQ=MONTHLY;BYDAY=53MO).
    except (ValueError, OverflowError, IndexError) as error:
        cut = True
        if not quiet:
            _refused(text, str(error))
    return Walk(found=found, periods=rule.periods, occurrences=rule.occurrences, cut=cut)


def between(text: str, dtstart: datetime, start: datetime, end: datetime) -> list[datetime]:
    """The dates of a rule in [start, end], bounded (see `walk`)."""
    return walk(text, dtstart, start, end).found


def first_from(
    text: str, dtstart: datetime, start: datetime, within: timedelta, *, quiet: bool = False
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
