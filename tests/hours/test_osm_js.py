"""The OSM export read by OpenStreetMap's reference evaluator, opening_hours.js (with node).

Three evaluators, three lists of Belgian public holidays: the engine counts the ten legal ones
(plus Iris Day when LIEUX_IRIS_DAY=1, as here), opening-hours-py adds Easter Sunday and Whit
Sunday, opening_hours.js has exactly the ten legal ones. The export's dated rules for those three
days (see lieux.hours.osm) make both evaluators give the engine's answers; the property test
samples those days on purpose.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieux.hours.engine import AgendaOpening, state, to_instant
from lieux.hours.holidays import IRIS_DAY, public_holidays, sunday_feasts
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from tests.hours.osm_js import OpeningHoursJs
from tests.hours.osm_strategies import (
    BXL,
    HOLIDAYS,
    INSTANTS,
    QUARTERS,
    START,
    agenda_openings,
    edge_instants,
    exceptions,
    export,
    osm_open,
    periods,
    rules,
    slots,
)


@pytest.fixture(scope="module")
def ohjs():
    with OpeningHoursJs() as evaluator:
        yield evaluator


def engine_state(h: OpeningHours, at: datetime, agenda_openings=()) -> str:
    return state(h, at, holidays=HOLIDAYS, zone=BXL, agenda_openings=agenda_openings).state


def test_a_comment_alone_reads_as_unknown(ohjs):
    """Why the export writes `open` before a comment: without it OSM tools say "maybe open"."""
    at = datetime(2026, 12, 25, 12, tzinfo=BXL)
    assert ohjs.evaluate(
        [
            ('2026 Dec 25 11:00-17:00 "Ouverture jour férié"', at),
            ('2026 Dec 25 11:00-17:00 open "Ouverture jour férié"', at),
        ]
    ) == [("unknown", "Ouverture jour férié"), ("open", "Ouverture jour férié")]


def test_special_openings_and_special_hours_with_a_note_are_open(ohjs):
    h = OpeningHours(
        lieu_id=1,
        slots=tuple(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(5)),
        exceptions=(
            OpeningException(
                start_date=date(2026, 12, 24),
                end_date=date(2026, 12, 24),
                kind="special",
                opens=time(10),
                closes=time(12),
                note="Réveillon",
            ),
            OpeningException(
                start_date=date(2026, 12, 28),
                end_date=date(2027, 1, 1),
                kind="closed",
                note="Congés",
            ),
        ),
        holiday_rule=HolidayRule(rule="closed"),
    )
    christmas = AgendaOpening(
        lieu_id=1,
        starts_at=to_instant(datetime(2026, 12, 25, 11), BXL),
        ends_at=to_instant(datetime(2026, 12, 25, 17), BXL),
        title="Ouverture jour férié",
    )
    text = export(h, [christmas])
    assert '2026 Dec 24 10:00-12:00 open "Réveillon"' in text
    assert '2026 Dec 28-2027 Jan 01 off "Congés"' in text
    assert text.endswith('2026 Dec 25 11:00-17:00 open "Ouverture jour férié"')
    asked = [datetime(2026, 12, d, 11, 30, tzinfo=BXL) for d in (24, 25, 28)]
    assert ohjs.evaluate([(text, at) for at in asked]) == [
        ("open", "Réveillon"),
        ("open", "Ouverture jour férié"),
        ("closed", "Congés"),
    ]
    assert [engine_state(h, at, [christmas]) for at in asked] == ["open", "open", "closed"]


def test_on_the_night_the_clocks_go_back_all_three_close_at_the_first_two_oclock(ohjs):
    """`Sa 15:00-02:00` on 30-31 October 2027: the first 02:00 is 00:00 UTC (02:00 CEST)."""
    h = OpeningHours(lieu_id=1, slots=(OpeningSlot(weekday=5, opens=time(15), closes=time(2)),))
    text = export(h)
    assert text == "Sa 15:00-02:00"
    asked = [datetime(2027, 10, 30, 23, 59, tzinfo=UTC), *REPEATED]
    expected = ["open", "closed", "closed", "closed", "closed"]
    assert [engine_state(h, at) for at in asked] == expected
    assert [answer for answer, _ in ohjs.evaluate([(text, at) for at in asked])] == expected
    assert [osm_open(text, at) for at in asked] == [answer == "open" for answer in expected]
    assert state(h, asked[0], holidays=HOLIDAYS, zone=BXL).until == REPEATED[0]


# Both readings of 02:00-03:00 on 31 October 2027, every half hour.
REPEATED = [datetime(2027, 10, 31, 0, tzinfo=UTC) + timedelta(minutes=30 * n) for n in range(4)]


def test_opening_hours_js_knows_the_ten_legal_holidays(ohjs):
    """No Easter Sunday, Whit Sunday or Iris Day: Belgium's law without the Brussels region."""
    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]
    found = ohjs.evaluate([("PH open", datetime.combine(d, time(12), BXL)) for d in days])
    ph = {day for day, (answer, _comment) in zip(days, found, strict=True) if answer == "open"}
    assert ph == set(public_holidays([2027], iris_day=False))
    assert not ph & {*sunday_feasts(2027), date(2027, *IRIS_DAY)}


# --- property: engine and opening_hours.js agree over the coming year -------------------------

# The days where the three holiday lists differ, and the holidays themselves, sampled on purpose.
HOLIDAY_DAYS = sorted(
    {day for day in HOLIDAYS if START <= day <= START + timedelta(days=365)}
    | set(sunday_feasts(2027))
)
ON_HOLIDAYS = st.tuples(st.sampled_from(HOLIDAY_DAYS), QUARTERS).map(
    lambda t: datetime.combine(*t, BXL).astimezone(UTC)
)
JS_INSTANTS = st.one_of(INSTANTS, ON_HOLIDAYS)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(slots(), max_size=6),  # no slot: hours unknown, except during special openings
    st.lists(periods(), max_size=2),
    st.lists(exceptions(), max_size=3),
    rules(),
    st.lists(agenda_openings(), max_size=2),
    st.lists(JS_INSTANTS, min_size=1, max_size=8),
)
def test_engine_and_opening_hours_js_agree(
    ohjs, slot_list, period_list, exception_list, rule, opening_list, instants
):
    h = OpeningHours(
        lieu_id=1,
        slots=(*slot_list, *(slot for period in period_list for slot in period)),
        exceptions=tuple(sorted(exception_list, key=lambda e: e.start_date)),
        holiday_rule=rule,
    )
    text = export(h, opening_list)
    expected = [engine_state(h, at, opening_list) for at in instants]
    if text is None:
        assert set(expected) == {"unknown"}
        return
    found = ohjs.evaluate([(text, at) for at in instants])
    for at, engine, (js, comment) in zip(instants, expected, found, strict=True):
        if JS_SPILL_BUG[0] <= at < JS_SPILL_BUG[1]:
            continue  # opening_hours.js is wrong there (see below); opening-hours-py is not
        assert engine == js, (text, at.isoformat(), comment)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(slots(), max_size=4), st.lists(periods(), min_size=1, max_size=2), st.data())
def test_engine_and_opening_hours_js_agree_where_periods_begin_and_end(
    ohjs, slot_list, period_list, data
):
    """As tests/hours/test_osm.py's: instants on the evenings and nights around the periods'
    first and last days, read by opening_hours.js."""
    h = OpeningHours(
        lieu_id=1, slots=(*slot_list, *(slot for period in period_list for slot in period))
    )
    text = export(h)
    instants = data.draw(st.lists(edge_instants(period_list), min_size=1, max_size=8))
    expected = [engine_state(h, at) for at in instants]
    found = ohjs.evaluate([(text, at) for at in instants])
    for at, engine, (js, comment) in zip(instants, expected, found, strict=True):
        if JS_SPILL_BUG[0] <= at < JS_SPILL_BUG[1]:
            continue
        assert engine == js, (text, at.isoformat(), comment)


def test_summer_hours_read_by_opening_hours_js(ohjs):
    usual = tuple(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(6))
    summer = tuple(
        OpeningSlot(
            weekday=d, opens=time(10), closes=time(14), valid_from=date(2027, 7, 1),
            valid_to=date(2027, 8, 31), period="Horaires d'été",
        )
        for d in range(5)
    )  # fmt: skip
    h = OpeningHours(lieu_id=1, slots=usual + summer)
    text = export(h)
    asked = [
        datetime(2027, 6, 30, 15, tzinfo=BXL),  # the usual week's last day
        datetime(2027, 7, 1, 13, tzinfo=BXL),  # summer hours
        datetime(2027, 7, 1, 15, tzinfo=BXL),
        datetime(2027, 7, 3, 11, tzinfo=BXL),  # a Saturday in summer: closed
        datetime(2027, 9, 4, 11, tzinfo=BXL),  # back to the usual week
    ]
    expected = ["open", "open", "closed", "closed", "open"]
    assert [engine_state(h, at) for at in asked] == expected
    found = ohjs.evaluate([(text, at) for at in asked])
    assert [answer for answer, _comment in found] == expected
    assert found[1] == ("open", "Horaires d'été")


# After the 23-hour Sunday of 28 March 2027, opening_hours.js applies Saturday's part past
# midnight (`Sa 23:00-24:30`) to the first hour of Monday too. The property test leaves that
# hour to opening-hours-py, which agrees with the engine.
JS_SPILL_BUG = (datetime(2027, 3, 28, 22, tzinfo=UTC), datetime(2027, 3, 28, 23, tzinfo=UTC))


def test_opening_hours_js_lets_saturday_night_spill_into_monday_after_the_clocks_go_forward(ohjs):
    """Pins opening_hours.js 3.15.0's defect: when it is fixed this fails, and the property test
    can compare that hour again."""
    h = OpeningHours(lieu_id=1, slots=(OpeningSlot(weekday=5, opens=time(23), closes=time(0, 30)),))
    text = export(h)
    monday = JS_SPILL_BUG[0] + timedelta(minutes=10)  # Monday 29 March 00:10 CEST
    assert engine_state(h, monday) == "closed"
    assert not osm_open(text, monday)
    assert ohjs.evaluate([(text, monday)]) == [("open", None)]


@pytest.mark.parametrize(
    ("special_to", "closed_from"),
    [
        (date(2027, 10, 30), date(2027, 10, 11)),  # the 31st has its weekly hours (none)
        (date(2027, 10, 31), date(2027, 10, 12)),  # the 31st has the special hours too
    ],
)
def test_special_hours_past_midnight_on_a_closed_day_do_not_spill_into_the_next(
    ohjs, special_to, closed_from
):
    """Found by this property test: special hours running past midnight (00:15 to 00:15 the
    next day) from 10 or 11 October, a closure up to the 30th. The engine closes the evening of
    the 30th with its day; the export pins the 31st so that no OSM reader carries it over."""
    h = OpeningHours(
        lieu_id=1,
        slots=(OpeningSlot(weekday=0, opens=time(0), closes=time(0)),),
        exceptions=(
            OpeningException(
                start_date=closed_from - timedelta(days=1), end_date=special_to, kind="special",
                opens=time(0, 15), closes=time(0, 15),
            ),
            OpeningException(start_date=closed_from, end_date=date(2027, 10, 30), kind="closed"),
        ),
    )  # fmt: skip
    text = export(h)
    sunday = datetime(2027, 10, 31, 0, 5, tzinfo=BXL)
    # The evening before the closure is not closed: it runs into its first morning.
    spilled = datetime.combine(closed_from, time(0, 5), tzinfo=BXL)
    assert [engine_state(h, sunday), engine_state(h, spilled)] == ["closed", "open"]
    assert [osm_open(text, sunday), osm_open(text, spilled)] == [False, True]
    assert [state for state, _ in ohjs.evaluate([(text, sunday), (text, spilled)])] == [
        "closed",
        "open",
    ]
