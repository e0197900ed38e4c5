"""OpenStreetMap `opening_hours` strings: export a lieu's hours, import a string (opening-hours-py).

The export is complete for the coming year: given to opening-hours-py (country BE, the service's
zone) the string alone gives the engine's answers. Three things need care:
- opening-hours-py counts Easter Sunday and Whit Sunday as public holidays (Belgian law does
  not) and knows no Iris Day: when the holiday rule is not "as usual", those days get a dated
  rule of their own;
- a later `;` rule that matches a day also cuts the overnight part of the previous evening
  (`Fr 20:00-02:00; Sa off` closes at midnight), while the engine lets a slot run to its end:
  weekdays are joined with `,` (additional rules) and the cut parts are added back at the end;
- special openings add to whatever else applies: `,` rules at the very end.

It is also complete for OpenStreetMap's reference evaluator, opening_hours.js (checked by
tests/hours/test_osm_js.py), which counts the ten legal holidays (no Easter Sunday, Whit Sunday
or Iris Day): the dated rules above give the engine's answers there too. In opening_hours.js a
comment alone means "unknown" (`11:00-17:00 "Ouverture"` is "maybe open"): a rule with times
and a note states `open` before it, `11:00-17:00 open "Ouverture"`; closed ones say `off "Congés"`.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours

from lieux.hours.engine import ONE_DAY, AgendaOpening, LocalSpan, day_plan, weekly_spans
from lieux.hours.holidays import IRIS_DAY, sunday_feasts
from lieux.hours.models import OpeningHours

# "Complete for the coming year": one day more, so a window starting today covers a full year.
EXPORT_DAYS = 366
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class OsmError(ValueError):
    """A string we cannot read or cannot represent; the message says why in one line."""


def _osm_date(day: date) -> str:
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


def _osm_dates(first: date, last: date) -> str:
    if first == last:
        return _osm_date(first)
    return f"{_osm_date(first)}-{_osm_date(last)}"


def _osm_span(opens: time, closes: time) -> str:
    if closes == opens:  # a whole day round, in OSM's extended-time notation
        return f"{opens:%H:%M}-{opens.hour + 24:02d}:{opens.minute:02d}"
    if closes == time(0):
        return f"{opens:%H:%M}-24:00"
    return f"{opens:%H:%M}-{closes:%H:%M}"


def _osm_spans(spans: Sequence[LocalSpan]) -> str:
    if not spans:
        return "off"
    return ",".join(_osm_span(s.time(), e.time()) for s, e in sorted(spans))


def _with_note(times: str, note: str) -> str:
    """`times` ("off" or spans) and the note as a comment: spans state `open` before it."""
    if not note:
        return times
    state = "" if times == "off" else " open"  # a comment alone reads as "unknown" in OSM tools
    # OSM comments cannot contain a double quote.
    return f'{times}{state} "{note.replace(chr(34), chr(39))}"'


def _weekday_groups(times_by_day: Mapping[int, str]) -> list[str]:
    """'Mo-Fr 10:00-16:00', 'Sa 11:00-17:00': consecutive weekdays with the same times."""
    groups: list[str] = []
    day = 0
    while day < 7:
        times = times_by_day.get(day)
        if times is None:
            day += 1
            continue
        last = day
        while last + 1 < 7 and times_by_day.get(last + 1) == times:
            last += 1
        days = OSM_DAYS[day] if last == day else f"{OSM_DAYS[day]}-{OSM_DAYS[last]}"
        groups.append(f"{days} {times}")
        day = last + 1
    return groups


def to_osm(
    hours: OpeningHours,
    *,
    start: date,
    holidays: Mapping[date, str],
    zone: ZoneInfo,
    agenda_openings: Sequence[AgendaOpening] = (),
) -> str | None:
    """The OSM string giving the engine's answers from `start` for a year; None if unknown."""
    end = start + timedelta(days=EXPORT_DAYS)
    extra = _agenda_opening_rules(agenda_openings, start, zone)
    if not hours.known:
        return ", ".join(["24/7 unknown", *extra]) if extra else None

    rules: list[str] = []
    overridden: set[date] = set()
    base = OpeningHours(
        lieu_id=hours.lieu_id,
        slots=tuple(s for s in hours.slots if s.valid_from is None and s.valid_to is None),
    )
    reference = start - timedelta(days=start.weekday())  # any week: the base has no dates
    base_times = {}
    for weekday in range(7):
        spans = weekly_spans(base, reference + timedelta(days=weekday))
        if spans:
            base_times[weekday] = _osm_spans(spans)
    rules.append(", ".join(_weekday_groups(base_times)) or "off")

    # Periods (slots valid between dates): one dated rule per weekday group, for each run of
    # days that the same periods cover; every day of a run is its own rule's, as is its evening.
    if len(base.slots) != len(hours.slots):
        for first, last in _period_runs(hours, start - ONE_DAY, end):
            rules.extend(_period_rules(hours, first, last))
            day = first
            while day <= last:
                overridden.add(day)
                day += ONE_DAY

    rule = hours.holiday_rule
    if rule is not None and rule.rule != "as_usual":
        ph_spans = "off" if rule.rule == "closed" else _osm_span(rule.opens, rule.closes)
        rules.append(f"PH {ph_spans}")
        for year in range(start.year - 1, end.year + 1):
            # opening-hours-py's holidays are the `holidays` package's: add Iris Day, and give
            # Easter Sunday and Whit Sunday back their weekly hours.
            for feast in sunday_feasts(year):
                if start - ONE_DAY <= feast <= end:
                    usual = _osm_spans(weekly_spans(hours, feast))
                    if usual != ph_spans:
                        rules.append(f"{_osm_date(feast)} {usual}")
                    overridden.add(feast)
            iris = date(year, *IRIS_DAY)
            usual = _osm_spans(weekly_spans(hours, iris))
            if iris in holidays and start - ONE_DAY <= iris <= end and usual != ph_spans:
                rules.append(f"{_osm_date(iris)} {ph_spans}")
        overridden.update(day for day in holidays if start - ONE_DAY <= day <= end)

    for exception in hours.exceptions:
        if exception.end_date < start - ONE_DAY:
            continue
        if exception.kind == "closed":
            times = "off"
        else:
            times = _osm_span(exception.opens, exception.closes)
        dates = _osm_dates(exception.start_date, exception.end_date)
        rules.append(f"{dates} {_with_note(times, exception.note)}")
        day = max(exception.start_date, start - ONE_DAY)
        while day <= min(exception.end_date, end):
            overridden.add(day)
            day += ONE_DAY

    # Give back the overnight parts that the dated rules cut (see the module docstring).
    # opening-hours-py takes the evening part running into a day from the rule that governs
    # that day, applied to the day before; opening_hours.js from every rule that matched the day
    # before, unless a later rule matches the day itself. Both bring back evenings the engine
    # closed (a weekly evening a dated rule removed, special hours on a day a closure covers):
    # such days are pinned to their own date, and the real evenings added back after.
    base_overnight = {
        weekday
        for weekday in range(7)
        if any(e.date() > s.date() for s, e in weekly_spans(base, reference + timedelta(weekday)))
    }

    def runs_overnight(day: date) -> bool:
        """Whether some rule that matches `day` runs past its midnight."""
        return (
            day.weekday() in base_overnight
            or any(e.date() > s.date() for s, e in weekly_spans(hours, day))
            or any(
                x.kind == "special" and x.start_date <= day <= x.end_date and x.closes <= x.opens
                for x in hours.exceptions
            )
            or (day in holidays and rule is not None and rule.rule == "special"
                and rule.closes <= rule.opens)
        )  # fmt: skip

    def decided_by(day: date) -> tuple[frozenset[int], bool]:
        """The exceptions covering `day`, and whether it is a holiday."""
        return frozenset(
            i for i, x in enumerate(hours.exceptions) if x.start_date <= day <= x.end_date
        ), day in holidays

    for day in sorted({day + ONE_DAY for day in overridden}):
        before = day - ONE_DAY
        if (
            day <= end
            and runs_overnight(before)
            and (day not in overridden or decided_by(before) != decided_by(day))
        ):
            rules.append(f"{_osm_date(day)} {_osm_spans(day_plan(hours, day, holidays)[0])}")
            overridden.add(day)
    spill = []
    for day in sorted(overridden | {day + ONE_DAY for day in overridden}):
        midnight = datetime.combine(day, time(0))
        for _opens, closes in day_plan(hours, day - ONE_DAY, holidays)[0]:
            if closes > midnight:
                spill.append(f"{_osm_date(day)} 00:00-{closes:%H:%M}")
    text = "; ".join(rules)
    return ", ".join([text, *spill, *extra])


def _period_runs(hours: OpeningHours, first: date, last: date) -> list[tuple[date, date]]:
    """The runs of consecutive days in [first, last] covered by the same (non-empty) set of
    periods."""
    runs: list[tuple[date, date]] = []
    previous: frozenset = frozenset()
    day = first
    while day <= last:
        covering = frozenset(
            (s.valid_from, s.valid_to, s.period) for s in hours.slots if s.dated and s.covers(day)
        )
        if covering and covering == previous:
            runs[-1] = (runs[-1][0], day)
        elif covering:
            runs.append((day, day))
        previous = covering
        day += ONE_DAY
    return runs


def _days_selector(weekdays: Sequence[int]) -> str:
    """'Mo-We,Fr' for Monday, Tuesday, Wednesday and Friday."""
    parts, index = [], 0
    days = sorted(weekdays)
    while index < len(days):
        last = index
        while last + 1 < len(days) and days[last + 1] == days[last] + 1:
            last += 1
        first_day, last_day = OSM_DAYS[days[index]], OSM_DAYS[days[last]]
        parts.append(first_day if last == index else f"{first_day}-{last_day}")
        index = last + 1
    return ",".join(parts)


def _period_rules(hours: OpeningHours, first: date, last: date) -> list[str]:
    """`2027 Jul 01-2027 Aug 31 Mo-Fr 10:00-14:00 open "Horaires d'été"; 2027 Jul 01-2027 Aug 31
    Sa,Su off`: the week of the periods covering [first, last], every weekday said (a period
    closes the weekdays it has no slot for). The name is the comment of the open times only:
    a comment on `off` would read as a closure with a note."""
    by_times: dict[str, list[int]] = defaultdict(list)
    day = first
    while day <= min(last, first + timedelta(days=6)):
        by_times[_osm_spans(weekly_spans(hours, day))].append(day.weekday())
        day += ONE_DAY
    names = {s.period for s in hours.slots if s.dated and s.covers(first)}
    note = names.pop() if len(names) == 1 else ""
    dates = _osm_dates(first, last)
    return [
        f"{dates} {_days_selector(days)} {times if times == 'off' else _with_note(times, note)}"
        for times, days in sorted(by_times.items(), key=lambda item: min(item[1]))
    ]


def _agenda_opening_rules(
    openings: Sequence[AgendaOpening], start: date, zone: ZoneInfo
) -> list[str]:
    """One rule per local day an opening covers (cut at midnights, so no overnight notation)."""
    rules = []
    for opening in openings:
        begin = opening.starts_at.astimezone(zone).replace(tzinfo=None)
        finish = opening.ends_at.astimezone(zone).replace(tzinfo=None)
        if finish.date() < start:
            continue
        while begin < finish:
            midnight = datetime.combine(begin.date() + ONE_DAY, time(0))
            piece_end = min(finish, midnight)
            closes = "24:00" if piece_end == midnight else f"{piece_end:%H:%M}"
            times = f"{begin:%H:%M}-{closes}"
            rules.append(f"{_osm_date(begin.date())} {_with_note(times, opening.title)}")
            begin = piece_end
    return rules


def parse(text: str) -> opening_hours.OpeningHours:
    """The string parsed by opening-hours-py with Belgian holidays; OsmError if it is not valid."""
    try:
        return opening_hours.OpeningHours(text, country="BE")
    except (SyntaxError, opening_hours.ParserError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise OsmError(f"not a valid opening_hours string: {text!r} ({first_line})") from None
