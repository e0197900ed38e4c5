"""When the listening lines answer: their hours read by the same engine as the lieux' (issue 22).

A line's hours are an OpenStreetMap `opening_hours` string (`24/7`, `Mo-Fr 09:00-17:00`), or
none: unknown. "Ces lignes répondent maintenant" lists the lines the engine says are open at the
instant asked; a line with unknown hours is listed apart, never said to answer; "jour et nuit"
is said only of lines open round the clock (no closing within the engine's horizon, 400 days).
Pure, with the instant as a parameter; reading a string costs ~10 ms, so each is read once a day.
"""

from collections.abc import Iterable
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import msgspec

from lieux.hours.engine import state
from lieux.hours.holidays import public_holidays
from lieux.hours.models import OpeningHours, OpenState
from lieux.hours.osm import OsmError
from lieux.hours.osm_import import from_osm
from lieux.models import Helpline

# Lines a network lists (the guide has six) times a few days asked about: plenty.
CACHED_STRINGS = 256


class LineNow(msgspec.Struct, frozen=True, kw_only=True):
    """A line and what its hours say at one instant (state "unknown": no hours known)."""

    line: Helpline
    answer: OpenState

    @property
    def round_the_clock(self) -> bool:
        """Open now, with no closing known within the engine's horizon: "jour et nuit"."""
        return self.answer.state == "open" and self.answer.until is None


class HelplinesNow(msgspec.Struct, frozen=True, kw_only=True):
    """The lines at one instant, each group in the order given."""

    answering: list[Helpline]  # their hours say they answer now
    later: list[Helpline]  # their hours say they do not answer now
    unknown: list[Helpline]  # no hours known: listed apart, never said to answer
    round_the_clock: list[Helpline]  # answering, and never closing: "jour et nuit"
    changes: list[datetime]  # when some line starts or stops answering

    @property
    def apart(self) -> bool:
        """Whether some line is listed apart from those answering now."""
        return bool(self.later or self.unknown)


@lru_cache(maxsize=8)
def _holidays(year: int, iris_day: bool) -> dict[date, str]:
    return public_holidays(range(year - 1, year + 3), iris_day=iris_day)


@lru_cache(maxsize=CACHED_STRINGS)
def line_hours(text: str | None, today: date, iris_day: bool) -> OpeningHours | None:
    """The hours an OSM string gives from `today` for a year, as the engine reads them; None
    when there is no string, or one that cannot be read (the admin form refuses those)."""
    if not text:
        return None
    try:
        slots, exceptions, rule = from_osm(
            text, today=today, holidays=_holidays(today.year, iris_day)
        )
    except OsmError:
        return None
    hours = OpeningHours(
        lieu_id=0, slots=tuple(slots), exceptions=tuple(exceptions), holiday_rule=rule
    )
    return hours if hours.known else None


def always_open(hours: OpeningHours) -> bool:
    """Whole days every day, holidays as usual, no exception: what `24/7` imports as. The
    engine says "open, no closing known" of such hours at any instant, after walking its
    400-day horizon (~5 ms a line): every page's footer asks, so this is said at once."""
    whole_days = {s.weekday for s in hours.slots if s.opens == s.closes == time(0) and not s.dated}
    rule = hours.holiday_rule
    return (
        whole_days == set(range(7))
        and not hours.exceptions
        and (rule is None or rule.rule == "as_usual")
    )


def line_now(line: Helpline, at: datetime, *, zone: ZoneInfo, iris_day: bool) -> LineNow:
    """What `line`'s hours say at `at`."""
    today = at.astimezone(zone).date()
    hours = line_hours(line.opening_hours, today, iris_day)
    if hours is None:
        return LineNow(line=line, answer=OpenState(state="unknown"))
    if always_open(hours):
        return LineNow(line=line, answer=OpenState(state="open"))
    holidays = _holidays(today.year, iris_day)
    return LineNow(line=line, answer=state(hours, at, holidays=holidays, zone=zone))


def helplines_at(
    lines: Iterable[Helpline], at: datetime, *, zone: ZoneInfo, iris_day: bool
) -> HelplinesNow:
    """The lines that answer at `at`, those that do not (with when they do), and those whose
    hours nobody gave."""
    found = [line_now(line, at, zone=zone, iris_day=iris_day) for line in lines]
    return HelplinesNow(
        answering=[x.line for x in found if x.answer.state == "open"],
        later=[x.line for x in found if x.answer.state == "closed"],
        unknown=[x.line for x in found if x.answer.state == "unknown"],
        round_the_clock=[x.line for x in found if x.round_the_clock],
        changes=[x.answer.next_change for x in found if x.answer.next_change is not None],
    )
