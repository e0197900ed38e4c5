"""Importing an OpenStreetMap `opening_hours` string (opening-hours-py): what it gives day by day
over the coming year, read back into weekly slots, periods, dated exceptions and a holiday rule.

The string's own rules are not read, only its answers, so any string the evaluator accepts
imports, and an exported one comes back with the same answers (tests/hours/test_osm.py).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

import opening_hours

from lieux.hours.engine import ONE_DAY, LocalSpan, day_plan, weekly_spans
from lieux.hours.holidays import IRIS_DAY, public_holidays, sunday_feasts
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.hours.osm import EXPORT_DAYS, OsmError, parse
from lieux.text import NOTE_MAX, clean

# An interval opening-hours-py reports that lasts longer than this (or crosses two midnights) is
# cut at midnights into one span a day on import.
MAX_SLOT = timedelta(hours=24)
# Years of Belgian public holidays read to learn a string's holiday rule (see from_osm).
HOLIDAY_SAMPLE_YEARS = 12
# Days of other weekly hours that make a period ("Horaires d'été"); fewer are dated exceptions.
# A week at least: one of each weekday, so the period's week is known whole.
MIN_PERIOD_DAYS = 7
# A period's name comes from the comments of its open times; the hours form takes this many
# characters.
PERIOD_NAME_MAX = 80

Times = tuple[tuple[time, time], ...]


def _day_pieces(begin: datetime, finish: datetime) -> list[LocalSpan]:
    """An open interval as the stored hours hold it: whole if it lasts a day at most and crosses
    one midnight at most (`Fr 20:00-02:00`), else cut at midnights, one span a day (`24/7`)."""
    midnights = (finish - timedelta(microseconds=1)).date() - begin.date()
    if finish - begin <= MAX_SLOT and midnights.days <= 1:
        return [(begin, finish)]
    pieces = []
    while begin < finish:
        piece = min(finish, datetime.combine(begin.date() + ONE_DAY, time(0)))
        pieces.append((begin, piece))
        begin = piece
    return pieces


def _spans_starting(parsed, day: date) -> tuple[tuple[time, time], ...]:
    """The opening spans that start on `day`, as (opens, closes) wall times."""
    first, last = (
        datetime.combine(day - ONE_DAY, time(0)),
        datetime.combine(day + 2 * ONE_DAY, time(0)),
    )
    return tuple(
        sorted(
            (begin.time(), finish.time())
            for start, end, state, _comment in parsed.intervals(first, last)
            if state == opening_hours.State.OPEN
            for begin, finish in _day_pieces(start, end or last)
            if begin.date() == day
        )
    )


def find_periods(
    days: Sequence[date],
    times: Callable[[date], Times],
    usual: Callable[[date], Times],
    wild: set[date],
) -> list[tuple[date, date, dict[int, Times]]]:
    """Runs of at least MIN_PERIOD_DAYS days (in `days`, in order) that follow other weekly
    hours than `usual`, or shorter ones with several spans a day, each with its week: (first
    day, last day, times by weekday).

    A run starts on a day that differs from the usual week and grows while each weekday keeps
    the times it had first in the run; it ends on its last day that differs (a period's days
    equal to the usual week need no period). `wild` days (holidays, closures with a note) are
    decided by other rules: they neither end a run nor teach it a weekday.
    """
    found = []
    index = 0
    while index < len(days):
        first = days[index]
        if first in wild or times(first) == usual(first):
            index += 1
            continue
        week: dict[int, Times] = {}
        last = first
        for day in days[index:]:
            if day in wild:
                continue
            if week.setdefault(day.weekday(), times(day)) != times(day):
                break
            if times(day) != usual(day):
                last = day
        length = (last - first).days + 1
        # Never open: a closure. Several spans a day: no exception can hold them, a period can.
        if any(week.values()) and (
            length >= MIN_PERIOD_DAYS or any(len(spans) > 1 for spans in week.values())
        ):
            found.append((first, last, week))
            index += length
        else:
            index += 1
    return found


def from_osm(
    text: str, *, today: date, holidays: Mapping[date, str]
) -> tuple[list[OpeningSlot], list[OpeningException], HolidayRule]:
    """Weekly slots (the usual week, then the periods'), dated exceptions (over the coming
    year) and a holiday rule for a string.

    Reads what opening-hours-py says day by day over the coming year: the most common hours of
    each weekday become the usual week, runs of a week or more with other weekly hours become
    periods (named by the comment of their open times), holidays give the rule, the other days
    exceptions.
    """
    parsed = parse(text)
    end = today + timedelta(days=EXPORT_DAYS)
    by_day: dict[date, list[LocalSpan]] = defaultdict(list)
    notes: dict[date, str] = {}
    open_notes: dict[date, str] = {}
    first = datetime.combine(today - ONE_DAY, time(0))
    for begin, finish, state, comment in parsed.intervals(first, datetime.combine(end, time(0))):
        if state == opening_hours.State.UNKNOWN:
            raise OsmError(f"{text!r}: 'unknown' hours cannot be stored, leave them out instead")
        if state != opening_hours.State.OPEN:
            if comment:
                # An OSM comment is imported text: the note the hours form would accept.
                note = clean(comment, NOTE_MAX)
                day = begin.date()
                while day <= (finish or begin).date():
                    notes.setdefault(day, note)
                    day += ONE_DAY
            continue
        for piece in _day_pieces(begin, finish or datetime.combine(end, time(0))):
            by_day[piece[0].date()].append(piece)
            if comment:
                open_notes.setdefault(piece[0].date(), clean(comment, PERIOD_NAME_MAX))
    legal = {day for day in holidays if today <= day < end}
    feasts = {d for y in range(today.year, end.year + 1) for d in sunday_feasts(y)}
    iris = {d for d in legal if (d.month, d.day) == IRIS_DAY}
    known_difference = feasts | iris  # see lieux.hours.holidays
    year = [today + timedelta(days=n) for n in range(EXPORT_DAYS)]
    ordinary = [day for day in year if day not in legal | known_difference]

    def times(day: date) -> Times:
        return tuple(sorted((s.time(), e.time()) for s, e in by_day.get(day, [])))

    slots = []
    for weekday in range(7):
        counts = Counter(times(day) for day in ordinary if day.weekday() == weekday)
        if counts:
            best = counts.most_common(1)[0][0]
            slots += [OpeningSlot(weekday=weekday, opens=o, closes=c) for o, c in best]
    base = OpeningHours(lieu_id=0, slots=tuple(slots))

    def spans_of(hours: OpeningHours, day: date) -> Times:
        return tuple(sorted((s.time(), e.time()) for s, e in weekly_spans(hours, day)))

    def usual_on(weekday: int) -> Times:
        return spans_of(base, today + timedelta(days=(weekday - today.weekday()) % 7))

    closed_with_note = {day for day in year if not times(day) and day in notes}
    for start, last, week in find_periods(
        year, times, lambda day: spans_of(base, day), legal | known_difference | closed_with_note
    ):
        names = Counter(open_notes[day] for day in open_notes if start <= day <= last)
        name = names.most_common(1)[0][0] if names else ""
        slots += [
            OpeningSlot(
                weekday=weekday, opens=o, closes=c, valid_from=start, valid_to=last, period=name
            )
            for weekday in range(7)
            for o, c in week.get(weekday, usual_on(weekday))
        ]
    weekly = OpeningHours(lieu_id=0, slots=tuple(slots))

    # The holiday rule is the one that best predicts what the string does on public holidays.
    # A lieu open two days a week meets few holidays on those days in a year: read several.
    sample = [
        (spans_of(weekly, day), _spans_starting(parsed, day))
        for day in public_holidays(
            range(today.year, today.year + HOLIDAY_SAMPLE_YEARS), iris_day=False
        )
        if day >= today
    ]
    candidates: list[HolidayRule] = [HolidayRule(rule="as_usual"), HolidayRule(rule="closed")]
    candidates += [
        HolidayRule(rule="special", opens=found[0][0], closes=found[0][1])
        for found in sorted({found for _usual, found in sample if len(found) == 1})
    ]

    def predicted(rule: HolidayRule, usual_spans) -> tuple[tuple[time, time], ...]:
        if rule.rule == "special":
            return ((rule.opens, rule.closes),)
        return usual_spans if rule.rule == "as_usual" else ()

    # max() keeps the first of equals: "as usual", then "closed", when the string says nothing.
    rule = max(
        candidates,
        key=lambda rule: sum(
            predicted(rule, usual_spans) == found for usual_spans, found in sample
        ),
    )

    model = OpeningHours(lieu_id=0, slots=tuple(slots), holiday_rule=rule)
    exceptions: list[OpeningException] = []
    for n in range(EXPORT_DAYS):
        day = today + timedelta(days=n)
        expected = tuple(sorted((s.time(), e.time()) for s, e in day_plan(model, day, holidays)[0]))
        found = times(day)
        note = notes.get(day, "")
        previous = exceptions[-1] if exceptions else None
        continues = (
            previous is not None
            and previous.kind == "closed"
            and previous.end_date == day - ONE_DAY
            and previous.note == note
        )
        # A day closed with a note ("Congés") belongs to a closed period even when the lieu
        # would be closed that day anyway.
        if (found == expected or day in known_difference) and not (found == () and note):
            continue
        if len(found) > 1:
            raise OsmError(f"{text!r}: several special openings on {day} cannot be stored")
        if not found and continues:
            exceptions[-1] = OpeningException(
                start_date=previous.start_date, end_date=day, kind="closed", note=note
            )
        elif not found:
            exceptions.append(
                OpeningException(start_date=day, end_date=day, kind="closed", note=note)
            )
        else:
            exceptions.append(
                OpeningException(
                    start_date=day,
                    end_date=day,
                    kind="special",
                    opens=found[0][0],
                    closes=found[0][1],
                    note=note,
                )
            )
    return slots, exceptions, rule
