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

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours

from lieux.hours.engine import ONE_DAY, AgendaOpening, LocalSpan, day_plan, weekly_spans
from lieux.hours.holidays import IRIS_DAY, public_holidays, sunday_feasts
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.text import NOTE_MAX, clean

# "Complete for the coming year": one day more, so a window starting today covers a full year.
EXPORT_DAYS = 366
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# An interval opening-hours-py reports that lasts longer than this (or crosses two midnights) is
# cut at midnights into one span a day on import.
MAX_SLOT = timedelta(hours=24)
# Years of Belgian public holidays read to learn a string's holiday rule (see from_osm).
HOLIDAY_SAMPLE_YEARS = 12


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

    # Slots valid only between dates: dated rules for the days they change.
    if len(base.slots) != len(hours.slots):
        runs: dict[tuple[int, str], list[list[date]]] = defaultdict(list)
        day = start - ONE_DAY
        while day <= end:
            times = _osm_spans(weekly_spans(hours, day))
            if times != base_times.get(day.weekday(), "off"):
                overridden.add(day)
                key = (day.weekday(), times)
                if runs[key] and runs[key][-1][-1] == day - timedelta(days=7):
                    runs[key][-1].append(day)
                else:
                    runs[key].append([day])
            day += ONE_DAY
        dated = [
            (run[0], f"{_osm_dates(run[0], run[-1])} {OSM_DAYS[wd]} {times}")
            for (wd, times), found in runs.items()
            for run in found
        ]
        rules.extend(rule for _first, rule in sorted(dated))

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


def from_osm(
    text: str, *, today: date, holidays: Mapping[date, str]
) -> tuple[list[OpeningSlot], list[OpeningException], HolidayRule]:
    """Weekly slots, dated exceptions (over the coming year) and a holiday rule for a string.

    Reads what opening-hours-py says day by day over the coming year: the most common hours of
    each weekday become the weekly slots, holidays give the rule, the other days exceptions.
    """
    parsed = parse(text)
    end = today + timedelta(days=EXPORT_DAYS)
    by_day: dict[date, list[LocalSpan]] = defaultdict(list)
    notes: dict[date, str] = {}
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
    legal = {day for day in holidays if today <= day < end}
    feasts = {d for y in range(today.year, end.year + 1) for d in sunday_feasts(y)}
    iris = {d for d in legal if (d.month, d.day) == IRIS_DAY}
    known_difference = feasts | iris  # see lieux.hours.holidays
    ordinary = [
        today + timedelta(days=n)
        for n in range(EXPORT_DAYS)
        if today + timedelta(days=n) not in legal | known_difference
    ]

    def times(day: date) -> tuple[tuple[time, time], ...]:
        return tuple(sorted((s.time(), e.time()) for s, e in by_day.get(day, [])))

    slots = []
    for weekday in range(7):
        counts = Counter(times(day) for day in ordinary if day.weekday() == weekday)
        if counts:
            best = counts.most_common(1)[0][0]
            slots += [OpeningSlot(weekday=weekday, opens=o, closes=c) for o, c in best]
    weekly = OpeningHours(lieu_id=0, slots=tuple(slots))

    def usual(day: date) -> tuple[tuple[time, time], ...]:
        return tuple(sorted((s.time(), e.time()) for s, e in weekly_spans(weekly, day)))

    # The holiday rule is the one that best predicts what the string does on public holidays.
    # A lieu open two days a week meets few holidays on those days in a year: read several.
    sample = [
        (usual(day), _spans_starting(parsed, day))
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
