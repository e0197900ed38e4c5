"""The activity form's simple repeat controls, read back from a stored rule.

The form writes a rule from a few choices (lieux.manage.forms.build_rrule): weekly on the
date's weekday, every N weeks, or monthly on the date's n-th weekday, until a date or a number
of times. Editing a series must show those choices again, not "une seule fois" with the rule
hidden in the advanced field; a rule the choices cannot say (two weekdays, a monthly interval,
BYMONTH...) stays in the advanced field. `choice_for` answers only when the choices mean exactly
the stored rule, so saving the form unchanged can keep the stored text as it is.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar import expansion
from lieux.calendar.expansion import RuleError, read_rule

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The simple form's "every N weeks" choice; a typed RRULE may go up to expansion.INTERVAL_MAX.
INTERVAL_MAX = 12
# Parts the simple choices write; a rule with any other part needs the advanced field.
_SIMPLE_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"})


class RepeatChoice(msgspec.Struct, frozen=True, kw_only=True):
    """What the form's repeat controls hold: `repeat` is "weekly" or "monthly"."""

    repeat: str
    interval: int = 1
    until: date | None = None
    count: int | None = None


def repeat_day(raw: object) -> tuple[int, int] | None:
    """(weekday, n) that a repetition takes from the typed day: weekly on that weekday, monthly
    on its n-th in the month (-1: the last, as `build_rrule` writes a 5th); None if no date."""
    try:
        day = msgspec.convert(str(raw or "").strip(), date)
    except msgspec.ValidationError:
        return None
    nth = (day.day - 1) // 7 + 1
    return day.weekday(), -1 if nth == 5 else nth


def choice_for(rrule: str, starts_at: datetime, zone: ZoneInfo) -> RepeatChoice | None:
    """The simple choices that mean exactly `rrule` for a series starting at `starts_at` (local
    wall time), or None when only the advanced field can hold it."""
    try:
        recur = read_rule(rrule.removeprefix("RRULE:"))
    except RuleError:
        return None
    if set(recur) - _SIMPLE_PARTS or ("COUNT" in recur and "UNTIL" in recur):
        return None
    weekday, nth = repeat_day(starts_at.date().isoformat()) or (0, 0)
    days = [str(day).lstrip("+") for day in recur.get("BYDAY", [])]
    interval = recur.get("INTERVAL", [1])[0]
    if recur["FREQ"][0] == "WEEKLY" and days in ([], [WEEKDAYS[weekday]]):
        if not 1 <= interval <= INTERVAL_MAX:
            return None
        repeat = "weekly"
    elif recur["FREQ"][0] == "MONTHLY" and interval == 1 and days == [f"{nth}{WEEKDAYS[weekday]}"]:
        repeat = "monthly"
    else:
        return None
    count = recur.get("COUNT", [None])[0]
    if count is not None and not 1 <= count <= expansion.COUNT_MAX:
        return None
    until = None
    if "UNTIL" in recur:
        until = _last_day(recur["UNTIL"][0], starts_at, zone)
        if until is None:
            return None
    return RepeatChoice(
        repeat=repeat, interval=interval if repeat == "weekly" else 1, until=until, count=count
    )


def _last_day(until: date | datetime, starts_at: datetime, zone: ZoneInfo) -> date | None:
    """The form's "until" date that stops where UNTIL does: the form means "that whole day", so
    an UNTIL before the series' time of day on its date stops the day before."""
    if not isinstance(until, datetime):
        last = until
    else:
        try:
            local = until.astimezone(zone) if until.tzinfo else until.replace(tzinfo=zone)
        except (OverflowError, ValueError):  # year 1 or 9999
            return None
        local = local.replace(tzinfo=None)
        last = local.date() if local.time() >= starts_at.time() else local.date() - timedelta(1)
    return last if last >= starts_at.date() else None


def same_choice(
    rrule: str, starts_at: datetime, zone: ZoneInfo, *, repeat: str, interval: int, until, count
) -> bool:
    """Whether the form's repeat controls (as typed) mean exactly the stored `rrule`."""
    if repeat not in ("weekly", "monthly"):
        return False
    typed = RepeatChoice(
        repeat=repeat,
        interval=interval if repeat == "weekly" else 1,
        until=until,
        count=None if until else count,  # build_rrule writes UNTIL when both are typed
    )
    return choice_for(rrule, starts_at, zone) == typed
