"""Recurrence rules: the one model every write path checks (docs/limits.md).

Series are stored as local wall time plus an RRULE whose UNTIL is a UTC instant (RFC 5545 requires
UTC when DTSTART carries a TZID, and dateutil refuses a floating UNTIL with an aware start).

The model: dates from 1970 to 2199, a rule of the shape lieux.calendar.expansion accepts (at most
daily, INTERVAL 1 to 52, COUNT up to 500, short BYxxx lists), a first date within HORIZON of the
start and a counted series' last one before 2200, dates lasting at most SERIES_DURATION_MAX, at
most OVERRIDES_MAX changed or cancelled dates. `check_series` says whether an activity fits it;
the forms, the calendar import, the demo and every edit call it. Expansion never trusts that
check: it goes through `expansion.walk`, bounded whatever is stored.

This module imports only the models, dateutil and icalendar: the migration and `lieux check`
(lieux/db) apply the very same model to what is stored, so it sits with the models in
tests/test_layers.py.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import vRecur

from lieux.calendar import expansion
from lieux.calendar.expansion import EARLIEST, LATEST, RuleError, out_of_range, read_rule, shape
from lieux.calendar.models import Activity, ActivityWrite

# A series must have a date within this of its start, or it never happens in any agenda.
HORIZON = timedelta(days=366 * 5)
# Changed or cancelled dates (EXDATE, RECURRENCE-ID) per series: a weekly activity cancelled every
# other week for ten years. Each is checked against the rule, and all of them load with the series.
OVERRIDES_MAX = 500
# Activities a lieu holds that are current (series, and one-offs not over yet): no real lieu has
# more than a few dozen; at a thousand its page, feeds and the network's pages took half a second
# and the server 500 MB (issue 20). Every way in (forms, proposals, imports) stops there.
CURRENT_ACTIVITIES_MAX = 200
# Changed or cancelled dates of a lieu's current activities, all series together: each is one
# more VEVENT in every feed holding the lieu and loads with its series on every read; a lieu at
# 19,000 of them made a feed of 83 MB. A weekly activity cancelled every holiday week for years
# is a few dozen.
LIEU_OVERRIDES_MAX = 1_000
# One date of a series lasting longer overlaps dozens of the others: no lieu plans that.
SERIES_DURATION_MAX = timedelta(days=366)


def normalize_rrule(rrule: str, zone: ZoneInfo) -> str:
    """`rrule` with UNTIL as a UTC instant (a date or floating time is read in `zone`)."""
    text = rrule.removeprefix("RRULE:").strip()
    recur = read_rule(text)
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
            raise out_of_range(text) from None
    return recur.to_ical().decode()


# --- the model, for a whole activity --------------------------------------------------------


def check_dates(starts_at: datetime, ends_at: datetime) -> None:
    """RuleError unless a one-off's or series' local start and end fall in 1970-2199."""
    if not (EARLIEST <= starts_at < LATEST and EARLIEST <= ends_at <= LATEST):
        raise out_of_range(f"from {starts_at.date().isoformat()} to {ends_at.date().isoformat()}")


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
    if expansion.first_from(rrule, dtstart, dtstart, HORIZON, quiet=True) is None:
        raise RuleError(
            "never",
            f"{rrule}: no date within {HORIZON.days // 366} years of its start "
            f"{starts_at:%Y-%m-%d}",
            years=HORIZON.days // 366,
        )
    if found.count is not None:
        # Every date of a counted series must come before LATEST, within one walk.
        dates = expansion.walk(rrule, dtstart, dtstart, LATEST.replace(tzinfo=zone), quiet=True)
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
        found = expansion.walk(rrule, dtstart, aware, aware, quiet=True).found
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


# --- what the rest of the code asks of a series ---------------------------------------------


def is_occurrence(activity: Activity, recurrence_id: datetime, zone: ZoneInfo) -> bool:
    """Whether the local start `recurrence_id` is one the series' rule gives."""
    if not activity.rrule:
        return False
    aware = recurrence_id.replace(tzinfo=zone)
    dtstart = activity.starts_at.replace(tzinfo=zone)
    return expansion.between(activity.rrule, dtstart, aware, aware) == [aware]


def occurrences_among(
    activity: Activity, recurrence_ids: list[datetime], zone: ZoneInfo
) -> frozenset[datetime]:
    """Which of the local starts `recurrence_ids` the series' rule gives (`is_occurrence` of
    each): one bounded walk over their span, not one per date (an imported series may carry
    500 changed dates, a lieu's feed thousands); a date the walk's caps left unreached is then
    asked alone."""
    if not activity.rrule or not recurrence_ids:
        return frozenset()
    dtstart = activity.starts_at.replace(tzinfo=zone)
    aware = sorted(rid.replace(tzinfo=zone) for rid in recurrence_ids)
    walked = expansion.walk(activity.rrule, dtstart, aware[0], aware[-1], quiet=True)
    found = set(walked.found)
    return frozenset(
        rid
        for rid in recurrence_ids
        if rid.replace(tzinfo=zone) in found or (walked.cut and is_occurrence(activity, rid, zone))
    )


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
    return expansion.first_from(activity.rrule, dtstart, cutoff - duration, HORIZON) is None


def until_date(rrule: str, zone: ZoneInfo) -> date | None:
    """The local date of a rule's UTC UNTIL (what an all-day series writes), or None."""
    recur = vRecur.from_ical(rrule)
    if "UNTIL" not in recur:
        return None
    value = recur["UNTIL"][0]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone).date()
    return value
