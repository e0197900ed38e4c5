"""What the OSM export's property tests share: the export's setting and hypothesis strategies.

Schedules, exceptions, holiday rules and special openings are drawn over the coming year from
START (a fixed date: the tests give the same answer on any day); instants too, with extra weight
on the nights the clocks change (March and October 2027).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours
from hypothesis import strategies as st

from lieux.hours.engine import AgendaOpening, to_instant
from lieux.hours.holidays import public_holidays
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.hours.osm import to_osm

BXL = ZoneInfo("Europe/Brussels")
START = date(2026, 11, 23)
HOLIDAYS = public_holidays(range(2025, 2029), iris_day=True)


# opening-hours-py wants a ZoneInfo with a key, even for UTC.
UTC_ZONE = ZoneInfo("UTC")


def export(h: OpeningHours, agenda_openings=()) -> str | None:
    return to_osm(h, start=START, holidays=HOLIDAYS, zone=BXL, agenda_openings=agenda_openings)


def osm_open(text: str, at: datetime) -> bool:
    """What opening-hours-py (Belgian holidays, the service's zone) says of `text` at `at`."""
    parsed = opening_hours.OpeningHours(text, country="BE", timezone=BXL)
    return parsed.is_open(at.astimezone(UTC_ZONE))


QUARTERS = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))
DAYS = st.integers(-1, 365).map(lambda n: START + timedelta(days=n))


@st.composite
def slots(draw):
    opens, closes = draw(QUARTERS), draw(QUARTERS)
    valid = draw(st.one_of(st.none(), st.tuples(DAYS, st.integers(0, 120))))
    return OpeningSlot(
        weekday=draw(st.integers(0, 6)),
        opens=opens,
        closes=closes,
        valid_from=valid[0] if valid else None,
        valid_to=valid[0] + timedelta(days=valid[1]) if valid else None,
    )


@st.composite
def periods(draw):
    """A period: several weekly slots sharing their dates and name, which replace the usual
    week on those dates (periods may overlap: the engine then takes the slots of all)."""
    first = draw(DAYS)
    last = first + timedelta(days=draw(st.integers(0, 120)))
    name = draw(st.sampled_from(["", "Horaires d'été", 'dit "travaux"']))
    return [
        OpeningSlot(
            weekday=draw(st.integers(0, 6)),
            opens=draw(QUARTERS),
            closes=draw(QUARTERS),
            valid_from=first,
            valid_to=last,
            period=name,
        )
        for _ in range(draw(st.integers(1, 4)))
    ]


@st.composite
def exceptions(draw):
    first = draw(DAYS)
    kind = draw(st.sampled_from(["closed", "special"]))
    return OpeningException(
        start_date=first,
        end_date=first + timedelta(days=draw(st.integers(0, 20))),
        kind=kind,
        opens=draw(QUARTERS) if kind == "special" else None,
        closes=draw(QUARTERS) if kind == "special" else None,
        note=draw(st.sampled_from(["", "Congés", 'dit "fermé"'])),
    )


@st.composite
def rules(draw):
    rule = draw(st.sampled_from([None, "closed", "as_usual", "special"]))
    if rule is None:
        return None
    if rule == "special":
        return HolidayRule(rule=rule, opens=draw(QUARTERS), closes=draw(QUARTERS))
    return HolidayRule(rule=rule)


@st.composite
def agenda_openings(draw):
    start = datetime.combine(draw(DAYS), draw(QUARTERS))
    end = start + timedelta(minutes=15 * draw(st.integers(1, 200)))
    return AgendaOpening(
        lieu_id=1, starts_at=to_instant(start, BXL), ends_at=to_instant(end, BXL), title="x"
    )


# The DST nights of the window (from 22:00 or 21:00 local), where answers are most likely to differ.
DST_NIGHTS = [datetime(2027, 3, 27, 20, tzinfo=UTC), datetime(2027, 10, 30, 20, tzinfo=UTC)]
INSTANTS = st.one_of(
    st.integers(0, 365 * 24 * 4).map(
        lambda q: (
            datetime.combine(START, time(0), tzinfo=BXL).astimezone(UTC) + timedelta(minutes=15 * q)
        )
    ),
    st.tuples(st.sampled_from(DST_NIGHTS), st.integers(0, 12 * 4)).map(
        lambda t: t[0] + timedelta(minutes=15 * t[1])
    ),
)


def edge_instants(period_list) -> st.SearchStrategy[datetime]:
    """Instants around the periods' first and last days within the export's year (from the
    evening before to the morning after, every quarter hour): where a period's week takes over
    or hands back."""
    edges = sorted(
        day
        for day in {slot.valid_from for period in period_list for slot in period}
        | {slot.valid_to + timedelta(days=1) for period in period_list for slot in period}
        if START <= day <= START + timedelta(days=364)  # the export covers a year from START
    ) or [START]
    return st.tuples(st.sampled_from(edges), st.integers(-4 * 6, 4 * 30)).map(
        lambda t: to_instant(datetime.combine(t[0], time(0)), BXL) + timedelta(minutes=15 * t[1])
    )
