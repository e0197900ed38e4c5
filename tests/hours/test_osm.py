"""OSM opening_hours strings: the export alone gives the engine's answers (opening-hours-py)."""

from datetime import UTC, date, datetime, time

import msgspec
import opening_hours
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieux.hours.engine import AgendaOpening, state, to_instant
from lieux.hours.holidays import public_holidays
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.hours.osm import OsmError
from lieux.hours.osm_import import from_osm
from tests.hours.osm_strategies import (
    BXL,
    HOLIDAYS,
    INSTANTS,
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


def usual(slot: OpeningSlot) -> OpeningSlot:
    return msgspec.structs.replace(slot, valid_from=None, valid_to=None)


def engine_open(h: OpeningHours, at: datetime, agenda_openings=()) -> bool:
    answer = state(h, at, holidays=HOLIDAYS, zone=BXL, agenda_openings=agenda_openings)
    return answer.state == "open"


def test_export_of_a_simple_week():
    h = OpeningHours(
        lieu_id=1,
        slots=(
            *(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(5)),
            OpeningSlot(weekday=5, opens=time(11), closes=time(17)),
        ),
    )
    assert export(h) == "Mo-Fr 10:00-16:00, Sa 11:00-17:00"


def test_export_with_holidays_and_a_closed_period():
    h = OpeningHours(
        lieu_id=1,
        slots=tuple(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(5)),
        exceptions=(
            OpeningException(
                start_date=date(2026, 12, 24),
                end_date=date(2027, 1, 2),
                kind="closed",
                note="Congés d'hiver",
            ),
        ),
        holiday_rule=HolidayRule(rule="closed"),
    )
    text = export(h)
    assert text.startswith("Mo-Fr 10:00-16:00; PH off; ")
    assert "May 08" not in text  # Iris Day 2027 is a Saturday: closed anyway
    assert "2027 Mar 28" not in text  # Easter Sunday: closed as a Sunday and as a PH alike
    assert text.endswith('2026 Dec 24-2027 Jan 02 off "Congés d\'hiver"')


def test_export_adds_iris_day_which_opening_hours_py_does_not_know():
    h = OpeningHours(
        lieu_id=1,
        slots=(OpeningSlot(weekday=5, opens=time(10), closes=time(16)),),
        holiday_rule=HolidayRule(rule="closed"),
    )
    assert export(h) == "Sa 10:00-16:00; PH off; 2027 May 08 off"


def test_unknown_exports_nothing_unless_a_special_opening_is_planned():
    empty = OpeningHours(lieu_id=1)
    assert export(empty) is None
    opening = AgendaOpening(
        lieu_id=1,
        starts_at=to_instant(datetime(2026, 11, 28, 10), BXL),
        ends_at=to_instant(datetime(2026, 11, 28, 13), BXL),
        title="Ouverture",
    )
    text = export(empty, [opening])
    assert text == '24/7 unknown, 2026 Nov 28 10:00-13:00 open "Ouverture"'
    parsed = opening_hours.OpeningHours(text, country="BE")
    assert parsed.is_unknown(datetime(2026, 11, 28, 9))
    assert parsed.is_open(datetime(2026, 11, 28, 11))


def test_opening_hours_py_counts_easter_sunday_as_a_holiday():
    """The one known difference, which the export corrects with a dated rule."""
    easter = datetime(2027, 3, 28, 12)
    assert opening_hours.OpeningHours("Su 10:00-16:00; PH off", country="BE").is_closed(easter)
    h = OpeningHours(
        lieu_id=1,
        slots=(OpeningSlot(weekday=6, opens=time(10), closes=time(16)),),
        holiday_rule=HolidayRule(rule="closed"),
    )
    assert engine_open(h, easter.replace(tzinfo=BXL))
    assert osm_open(export(h), easter.replace(tzinfo=BXL))


# --- property: engine and opening-hours-py agree over the coming year -------------------------


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(slots(), min_size=1, max_size=6),
    st.lists(periods(), max_size=2),
    st.lists(exceptions(), max_size=3),
    rules(),
    st.lists(agenda_openings(), max_size=2),
    st.lists(INSTANTS, min_size=1, max_size=8),
)
def test_engine_and_opening_hours_py_agree(
    slot_list, period_list, exception_list, rule, opening_list, instants
):
    h = OpeningHours(
        lieu_id=1,
        slots=(*slot_list, *(slot for period in period_list for slot in period)),
        exceptions=tuple(sorted(exception_list, key=lambda e: e.start_date)),
        holiday_rule=rule,
    )
    text = export(h, opening_list)
    for at in instants:
        assert engine_open(h, at, opening_list) == osm_open(text, at), (text, at.isoformat())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(slots(), max_size=4), st.lists(periods(), min_size=1, max_size=2), st.data())
def test_engine_and_opening_hours_py_agree_where_periods_begin_and_end(
    slot_list, period_list, data
):
    """Overnight slots on the eve of a period, or on its last day, are where a dated rule may
    cut or carry an evening: instants there, each quarter hour of the evening and the night."""
    h = OpeningHours(
        lieu_id=1, slots=(*slot_list, *(slot for period in period_list for slot in period))
    )
    text = export(h)
    for at in data.draw(st.lists(edge_instants(period_list), min_size=1, max_size=8)):
        assert engine_open(h, at) == osm_open(text, at), (text, at.isoformat())


def test_a_period_replaces_the_usual_week_in_the_export():
    usual = tuple(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(6))
    summer = tuple(
        OpeningSlot(
            weekday=d,
            opens=time(10),
            closes=time(14),
            valid_from=date(2027, 7, 1),
            valid_to=date(2027, 8, 31),
            period="Horaires d'été",
        )
        for d in range(5)
    )
    h = OpeningHours(lieu_id=1, slots=usual + summer)
    text = export(h)
    assert text == (
        "Mo-Sa 10:00-16:00; "
        '2027 Jul 01-2027 Aug 31 Mo-Fr 10:00-14:00 open "Horaires d\'été"; '
        "2027 Jul 01-2027 Aug 31 Sa-Su off"
    )
    saturday_in_summer = datetime(2027, 7, 3, 11, tzinfo=BXL)
    monday_in_summer = datetime(2027, 7, 5, 15, tzinfo=BXL)
    first_of_september = datetime(2027, 9, 1, 15, tzinfo=BXL)
    for at, expected in (
        (saturday_in_summer, False),  # the period has no Saturday: closed, not the usual week
        (monday_in_summer, False),
        (first_of_september, True),
    ):
        assert engine_open(h, at) is expected
        assert osm_open(text, at) is expected


# --- import ------------------------------------------------------------------------------


def test_import_weekly_hours_and_holiday_rule():
    slots_, exceptions_, rule = from_osm(
        "Mo-Fr 10:00-16:00; PH off", today=START, holidays=HOLIDAYS
    )
    assert sorted((s.weekday, s.opens, s.closes) for s in slots_) == [
        (d, time(10), time(16)) for d in range(5)
    ]
    assert rule.rule == "closed"
    assert exceptions_ == []


def test_import_overnight_special_holidays_and_a_closed_period():
    slots_, exceptions_, rule = from_osm(
        # `,` and not `;` after Friday: in OSM a `;` rule for Saturday would end Friday at 00:00
        'Fr 20:00-02:00, Sa,Su,PH 11:00-17:00; 2026 Dec 24-2027 Jan 02 off "Congés"',
        today=START,
        holidays=HOLIDAYS,
    )
    assert (4, time(20), time(2)) in [(s.weekday, s.opens, s.closes) for s in slots_]
    assert (rule.rule, rule.opens, rule.closes) == ("special", time(11), time(17))
    closed = [e for e in exceptions_ if e.kind == "closed"]
    assert [(e.start_date, e.end_date, e.note) for e in closed] == [
        (date(2026, 12, 24), date(2027, 1, 2), "Congés")
    ]


def test_import_reads_times_with_an_explicit_open_and_a_comment():
    """As the export writes them (a comment alone is "unknown" in opening_hours.js)."""
    for text in (
        'Mo-Fr 10:00-16:00; PH off; 2026 Dec 24 10:00-12:00 open "Réveillon"',
        'Mo-Fr 10:00-16:00; PH off; 2026 Dec 24 10:00-12:00 "Réveillon"',
    ):
        _slots, exceptions_, rule = from_osm(text, today=START, holidays=HOLIDAYS)
        assert rule.rule == "closed"
        assert [(e.start_date, e.end_date, e.kind, e.opens, e.closes) for e in exceptions_] == [
            (date(2026, 12, 24), date(2026, 12, 24), "special", time(10), time(12))
        ]


@pytest.mark.parametrize("text", ["Mo-Fr 10:00-", "bonjour", "Mo-Fr 10:00-16:00 unknown"])
def test_import_refuses_what_it_cannot_store(text):
    with pytest.raises(OsmError):
        from_osm(text, today=START, holidays=HOLIDAYS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Open two days a week: in the coming year few holidays fall on those days, yet the
        # rule the string states must be kept (a "closed" rule read as "as usual" sends people
        # to a closed door on Ascension 2028).
        ("Tu 14:00-17:00, Th 14:00-17:00; PH off", HolidayRule(rule="closed")),
        ("Sa 10:00-12:00; PH off", HolidayRule(rule="closed")),
        # Open on weekends and every public holiday, like L'Entr'Act: the holiday hours are a
        # rule of their own, not "as usual" plus a list of dated exceptions.
        (
            "Sa,Su 11:00-17:00; PH 11:00-17:00",
            HolidayRule(rule="special", opens=time(11), closes=time(17)),
        ),
        ("Mo-Fr 10:00-16:00", HolidayRule(rule="as_usual")),
        # Round the clock: opening-hours-py gives one interval for the whole year, cut into
        # days for holidays too (they were read as closed, each holiday then a special opening).
        ("Mo-Su 00:00-24:00", HolidayRule(rule="as_usual")),
        ("24/7", HolidayRule(rule="as_usual")),
        ("24/7; PH off", HolidayRule(rule="closed")),
    ],
)
def test_import_reads_the_holiday_rule_the_string_states(text, expected):
    today = date(2026, 11, 23)
    holidays = public_holidays(range(2026, 2029), iris_day=True)
    _slots, exceptions, rule = from_osm(text, today=today, holidays=holidays)
    assert rule == expected
    assert exceptions == []


def test_a_closure_ending_on_a_dated_overnight_slot_keeps_the_next_morning_closed():
    # Found by the property test: a slot valid only between dates runs past midnight, and a
    # closure covers its last evening; the export must not let that evening spill into the day
    # after the closure (the engine closes the whole evening with its day).
    h = OpeningHours(
        lieu_id=1,
        slots=(
            OpeningSlot(
                weekday=0,
                opens=time(0, 15),
                closes=time(0, 15),
                valid_from=date(2027, 7, 26),
                valid_to=date(2027, 11, 22),
            ),
        ),
        exceptions=(
            OpeningException(
                start_date=date(2027, 11, 2), end_date=date(2027, 11, 22), kind="closed"
            ),
        ),
    )
    text = export(h)
    for at in (datetime(2027, 11, 22, 23, 0, tzinfo=UTC), datetime(2027, 11, 1, 23, 0, tzinfo=UTC)):
        assert engine_open(h, at) == osm_open(text, at), (text, at.isoformat())
    assert not engine_open(h, datetime(2027, 11, 22, 23, 0, tzinfo=UTC))


def test_summer_hours_come_back_as_a_period():
    usual = tuple(OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(6))
    summer = tuple(
        OpeningSlot(
            weekday=d, opens=time(10), closes=time(14), valid_from=date(2027, 7, 1),
            valid_to=date(2027, 8, 31), period="Horaires d'été",
        )
        for d in range(5)
    )  # fmt: skip
    slots_, exceptions_, rule = from_osm(
        export(OpeningHours(lieu_id=1, slots=usual + summer)), today=START, holidays=HOLIDAYS
    )
    back = OpeningHours(lieu_id=1, slots=tuple(slots_))
    assert back.usual_slots == usual
    [period] = back.periods
    assert (period.name, period.start, period.end) == (
        "Horaires d'été",
        date(2027, 7, 1),
        date(2027, 8, 31),
    )
    assert sorted((s.weekday, s.opens, s.closes) for s in period.slots) == [
        (d, time(10), time(14)) for d in range(5)
    ]
    assert (exceptions_, rule) == ([], HolidayRule(rule="as_usual"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(slots().map(usual), min_size=1, max_size=4),
    st.lists(periods(), max_size=2),
    st.lists(exceptions(), max_size=2),
    rules(),
    st.lists(INSTANTS, min_size=1, max_size=8),
)
def test_what_the_export_writes_the_import_reads_back(
    slot_list, period_list, exception_list, rule, instants
):
    """Export, then import: the same answers, periods and all (or a clear OsmError for what
    the editor cannot store, several special openings on one day). With a usual week: a
    string open on dated days only imports as no weekly hours at all, i.e. unknown."""
    h = OpeningHours(
        lieu_id=1,
        slots=(*slot_list, *(slot for period in period_list for slot in period)),
        exceptions=tuple(sorted(exception_list, key=lambda e: e.start_date)),
        holiday_rule=rule,
    )
    text = export(h)
    try:
        slots_, exceptions_, rule_ = from_osm(text, today=START, holidays=HOLIDAYS)
    except OsmError as error:
        assert "several special openings" in str(error)
        return
    back = OpeningHours(
        lieu_id=1, slots=tuple(slots_), exceptions=tuple(exceptions_), holiday_rule=rule_
    )
    for at in instants:
        if at.astimezone(BXL).date() >= START:  # the import reads from START on
            assert engine_open(back, at) == engine_open(h, at), (text, at.isoformat())
