"""The week a poster shows: which week a date asks for, and that week's plan for one lieu.

Pure functions. The hours are the ones *planned* (what the door should say before the week
starts), day by day: a dated exception first, else the public-holiday rule, else the weekly
slots (the same precedence as the "open now" engine, `lieux.hours.engine.day_plan`), plus the
agenda's openings (kind "ouverture"). Everything is local wall time: a weekly 14:00 activity is
at 14:00 on both sides of a DST change, and a DST week still has seven days.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.closures import occurrence_dates
from lieux.calendar.listing import Listed, listed
from lieux.calendar.recurrence import Occurrence
from lieux.dates import day_label, day_month, long_date
from lieux.hours.engine import day_plan
from lieux.hours.models import OpeningException, OpeningHours, span_label

ONE_DAY = timedelta(days=1)
SUNDAY = 6
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A poster is printed for this week or one soon. (Expansion no longer walks from a series'
# first date, lieux.calendar.expansion.walk; a far-off week is still a poster nobody prints.)
MAX_YEARS_AWAY = 5
# About how many characters fit on one line of the activities column, and the lines of a
# day's label ("mercredi" / "25 novembre").
WRAPS_AT = 60
DAY_LABEL_LINES = 2

# Why a day's hours are not the weekly ones: a dated exception (closed or special hours) or a
# public holiday; "" when the weekly slots decide.
Reason = Literal["", "closure", "special", "holiday"]


class WeekError(ValueError):
    """The week asked for is not a date YYYY-MM-DD."""


class WeekTooFar(WeekError):
    """The week asked for is more than MAX_YEARS_AWAY years from today."""


class PlannedSpan(msgspec.Struct, frozen=True, kw_only=True):
    """Local wall times the lieu is planned open on a day (`closes` before `opens`: overnight)."""

    opens: time
    closes: time
    opening: str = ""  # the title of the agenda opening ("ouverture") it comes from, if any

    @property
    def label(self) -> str:
        return span_label(self.opens, self.closes)


class PlannedDay(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    label: str  # "lundi 23 novembre", in the reader's language
    spans: tuple[PlannedSpan, ...]  # the day's hours, then the agenda openings that start on it
    reason: Reason
    note: str  # the exception's note, or the holiday's name
    holiday: str  # the public holiday's name ("" if none), even when an exception decides the day
    activities: tuple[Listed, ...]  # by start, cancelled ones included

    @property
    def closed(self) -> bool:
        return not self.spans


class WeekPlan(msgspec.Struct, frozen=True, kw_only=True):
    monday: date
    known: bool  # the lieu entered weekly hours; if not, only dated facts are shown
    days: tuple[PlannedDay, ...]
    # "23" and "29 novembre 2026": the template says "Semaine du %(start)s au %(end)s".
    start_label: str
    end_label: str

    @property
    def previous_monday(self) -> date:
        return self.monday - 7 * ONE_DAY

    @property
    def next_monday(self) -> date:
        return self.monday + 7 * ONE_DAY

    @property
    def lines(self) -> int:
        """About how many printed lines the week takes: decides the type size that keeps it
        on one page. A day's label takes two; a long activity wraps."""
        return sum(
            max(
                DAY_LABEL_LINES + bool(d.holiday),
                len(d.spans) + bool(d.note),
                sum(1 + _printed_length(i) // WRAPS_AT for i in d.activities),
            )
            for d in self.days
        )


def _printed_length(item: Listed) -> int:
    text = f"{item.time_label} {item.occurrence.title}"
    if item.show_kind:
        text += f" · {item.kind_label}"
    if item.closure is not None:
        text += " (À confirmer)"
    return len(text)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def default_week(today: date) -> date:
    """The Monday of the week a poster printed `today` is for: this week, but on a Sunday the
    coming one (Sunday's poster goes up for the days ahead, not for six days already over)."""
    return monday_of(today + ONE_DAY) if today.weekday() == SUNDAY else monday_of(today)


def parse_week(text: str, today: date) -> date:
    """The Monday of the week containing the date `text` (YYYY-MM-DD); `default_week` if
    empty."""
    if not text:
        return default_week(today)
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        asked = date.fromisoformat(text)
    except ValueError:
        raise WeekError(text) from None
    if abs(asked.year - today.year) > MAX_YEARS_AWAY:
        raise WeekTooFar(text)
    return monday_of(asked)


def week_window(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) as aware local instants (167 or 169 hours in a DST
    week)."""
    return (
        datetime.combine(monday, time(), zone),
        datetime.combine(monday + 7 * ONE_DAY, time(), zone),
    )


def week_labels(monday: date, lang: str) -> tuple[str, str]:
    """("23", "29 novembre 2026"), ("30 novembre", "6 décembre 2026") or, across New Year,
    ("28 décembre 2026", "3 janvier 2027"): the two ends of "Semaine du … au …"."""
    sunday = monday + 6 * ONE_DAY
    end = long_date(sunday, lang)
    if monday.year != sunday.year:
        return long_date(monday, lang), end
    if monday.month != sunday.month:
        return day_month(monday, lang), end
    return ("1er" if lang == "fr" and monday.day == 1 else str(monday.day)), end


def _exception_on(hours: OpeningHours, day: date) -> OpeningException | None:
    found = None
    for exception in hours.exceptions:  # by start date: the latest-starting one wins
        if exception.start_date <= day <= exception.end_date:
            found = exception
    return found


def plan_day(
    hours: OpeningHours, day: date, holidays: Mapping[date, str]
) -> tuple[list[PlannedSpan], Reason, str]:
    """The hours planned on `day`, why they differ from the weekly ones, and the day's note."""
    spans, note = day_plan(hours, day, holidays)
    planned = [PlannedSpan(opens=s.time(), closes=e.time()) for s, e in spans]
    exception = _exception_on(hours, day)
    if exception is not None:
        return planned, "closure" if exception.kind == "closed" else "special", note
    return planned, "holiday" if day in holidays else "", note


def week_plan(
    hours: OpeningHours,
    occurrences: Iterable[Occurrence],
    monday: date,
    *,
    holidays: Mapping[date, str],
    zone: ZoneInfo,
    lang: str,
    now: datetime,
) -> WeekPlan:
    """One lieu's week from `monday`: its hours as planned and its activities, day by day.

    `occurrences` are the lieu's occurrences overlapping the week (`recurrence.agenda`).
    Agenda openings go with the hours; the other occurrences are listed under each local date
    they belong to (an all-day one under each of its days, a timed one under the day it starts).
    """
    days = [monday + n * ONE_DAY for n in range(7)]
    openings: dict[date, list[PlannedSpan]] = {day: [] for day in days}
    others = []
    for o in occurrences:
        if o.kind == "ouverture":
            if o.status != "cancelled":
                start = o.starts_at.astimezone(zone)
                if start.date() in openings:
                    openings[start.date()].append(
                        PlannedSpan(
                            opens=start.time(),
                            closes=o.ends_at.astimezone(zone).time(),
                            opening=o.title_in(lang),
                        )
                    )
        else:
            others.append(o)
    rows: dict[date, list[Listed]] = {day: [] for day in days}
    for item in listed(others, now=now, zone=zone, lang=lang, hours={hours.lieu_id: hours}):
        first, last = occurrence_dates(item.occurrence, zone)
        for day in days:
            if first <= day <= last:
                rows[day].append(item)
    planned = []
    for day in days:
        spans, reason, note = plan_day(hours, day, holidays)
        planned.append(
            PlannedDay(
                day=day,
                label=day_label(day, lang),
                spans=(*spans, *openings[day]),
                reason=reason,
                note=note,
                holiday=holidays.get(day, ""),
                activities=tuple(sorted(rows[day], key=lambda i: i.occurrence.starts_at)),
            )
        )
    start_label, end_label = week_labels(monday, lang)
    return WeekPlan(
        monday=monday,
        known=hours.known,
        days=tuple(planned),
        start_label=start_label,
        end_label=end_label,
    )
