"""The engine: weekly slots, overnight, DST, holidays, exceptions, special openings, unknown."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux.hours.engine import AgendaOpening, open_intervals, state, to_instant
from lieux.hours.holidays import public_holidays
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot

BXL = ZoneInfo("Europe/Brussels")
HOLIDAYS = public_holidays(range(2026, 2029), iris_day=True)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BXL)


def slot(weekday, opens, closes, **extra) -> OpeningSlot:
    return OpeningSlot(
        weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes), **extra
    )


def hours(*slots, exceptions=(), rule=None) -> OpeningHours:
    return OpeningHours(
        lieu_id=1, slots=tuple(slots), exceptions=tuple(exceptions), holiday_rule=rule
    )


def ask(h: OpeningHours, at: datetime, agenda_openings=()):
    return state(h, at, holidays=HOLIDAYS, zone=BXL, agenda_openings=agenda_openings)


WEEKDAYS = hours(*(slot(d, "10:00", "16:00") for d in range(5)), rule=HolidayRule(rule="closed"))


@pytest.mark.parametrize(
    ("at", "expected", "until", "next_open"),
    [
        (local(2026, 11, 23, 9, 59), "closed", None, local(2026, 11, 23, 10)),
        (local(2026, 11, 23, 10), "open", local(2026, 11, 23, 16), None),
        (local(2026, 11, 23, 15, 59), "open", local(2026, 11, 23, 16), None),
        (local(2026, 11, 23, 16), "closed", None, local(2026, 11, 24, 10)),
        # Friday evening: next opening on Monday
        (local(2026, 11, 27, 18), "closed", None, local(2026, 11, 30, 10)),
    ],
)
def test_weekly_slots(at, expected, until, next_open):
    answer = ask(WEEKDAYS, at)
    assert answer.state == expected
    assert answer.until == until
    assert answer.next_open == next_open


def test_several_slots_a_day_and_the_lunch_break():
    h = hours(slot(0, "09:00", "12:30"), slot(0, "13:30", "16:30"))
    assert ask(h, local(2026, 11, 23, 12)).until == local(2026, 11, 23, 12, 30)
    lunch = ask(h, local(2026, 11, 23, 13))
    assert (lunch.state, lunch.next_open) == ("closed", local(2026, 11, 23, 13, 30))


def test_touching_slots_merge_into_one_opening():
    h = hours(slot(0, "09:00", "12:00"), slot(0, "12:00", "18:00"))
    assert ask(h, local(2026, 11, 23, 10)).until == local(2026, 11, 23, 18)


OVERNIGHT = hours(slot(4, "20:00", "02:00"), slot(5, "15:00", "02:00"))


def test_overnight_slot_runs_into_the_next_day():
    assert ask(OVERNIGHT, local(2026, 11, 27, 23)).until == local(2026, 11, 28, 2)
    after_midnight = ask(OVERNIGHT, local(2026, 11, 28, 1, 30))
    assert (after_midnight.state, after_midnight.until) == ("open", local(2026, 11, 28, 2))
    closed = ask(OVERNIGHT, local(2026, 11, 28, 2))
    assert (closed.state, closed.next_open) == ("closed", local(2026, 11, 28, 15))
    assert ask(OVERNIGHT, local(2026, 11, 29, 1)).until == local(2026, 11, 29, 2)


def test_overnight_slot_still_ends_when_the_next_day_is_closed():
    h = hours(
        slot(4, "20:00", "02:00"),
        exceptions=[
            OpeningException(
                start_date=date(2026, 11, 28), end_date=date(2026, 12, 5), kind="closed"
            )
        ],
    )
    assert ask(h, local(2026, 11, 28, 1)).until == local(2026, 11, 28, 2)
    assert ask(h, local(2026, 11, 28, 3)).next_open == local(2026, 12, 11, 20)


# --- DST: last Sunday of March (02:00 -> 03:00) and of October (03:00 -> 02:00) ---------------


def test_spring_forward_a_time_that_does_not_exist_opens_when_the_clocks_jump():
    jump = datetime(2027, 3, 28, 1, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
    assert to_instant(datetime(2027, 3, 28, 2, 30), BXL) == jump
    h = hours(slot(6, "02:30", "04:00"))
    before = ask(h, local(2027, 3, 28, 1, 59))
    assert (before.state, before.next_open) == ("closed", jump)
    during = ask(h, jump)
    assert (during.state, during.until) == ("open", local(2027, 3, 28, 4))
    # One hour shorter than on other Sundays.
    assert during.until - jump == timedelta(hours=1)


def test_spring_forward_overnight_slot_is_an_hour_shorter():
    h = hours(slot(5, "22:00", "06:00"))
    opened = ask(h, local(2027, 3, 27, 22))
    assert opened.until == local(2027, 3, 28, 6)
    assert opened.until - local(2027, 3, 27, 22) == timedelta(hours=7)


def test_fall_back_a_slot_ending_in_the_repeated_hour_runs_in_each_reading_of_it():
    """Both OSM evaluators read hours by the wall clock: 01:00-02:30 on the night the clocks go
    back is open until the first 02:30, closed, then open again from 02:00 to 02:30 CET."""
    h = hours(slot(6, "01:00", "02:30"))
    first_230 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second_200 = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 CET
    second_230 = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    answer = ask(h, local(2026, 10, 25, 1))
    assert (answer.state, answer.until) == ("open", first_230)
    assert (ask(h, first_230).state, ask(h, first_230).next_open) == ("closed", second_200)
    assert (ask(h, second_200).state, ask(h, second_200).until) == ("open", second_230)
    assert ask(h, second_230).state == "closed"


def test_fall_back_overnight_slot_closes_at_the_first_two_oclock():
    h = hours(slot(5, "20:00", "02:00"))
    opened = ask(h, local(2026, 10, 24, 21))
    assert opened.until == datetime(2026, 10, 25, 0, tzinfo=UTC)  # 02:00 CEST, the first one
    assert ask(h, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)).state == "closed"
    assert ask(h, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)).state == "closed"  # 02:30 CET


def test_fall_back_a_slot_across_the_repeated_hour_is_an_hour_longer():
    h = hours(slot(5, "22:00", "06:00"))
    opened = ask(h, local(2026, 10, 24, 22))
    assert opened.until == datetime(2026, 10, 25, 5, tzinfo=UTC)  # 06:00 CET
    assert opened.until - local(2026, 10, 24, 22) == timedelta(hours=9)


def test_a_wall_time_that_happens_twice_means_the_first_reading():
    assert to_instant(datetime(2026, 10, 25, 2, 30), BXL) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


# --- public holidays ------------------------------------------------------------------------


def test_public_holiday_closes_a_lieu_whose_rule_says_so():
    christmas = ask(WEEKDAYS, local(2026, 12, 25, 11))  # a Friday
    assert christmas.state == "closed"
    assert christmas.note == "Noël"
    assert christmas.next_open == local(2026, 12, 28, 10)


def test_public_holiday_as_usual_and_special_hours():
    as_usual = hours(slot(4, "10:00", "16:00"), rule=HolidayRule(rule="as_usual"))
    assert ask(as_usual, local(2026, 12, 25, 11)).state == "open"
    special = hours(
        slot(5, "11:00", "17:00"),
        rule=HolidayRule(rule="special", opens=time(11), closes=time(17)),
    )
    answer = ask(special, local(2026, 12, 25, 12))  # Friday: open only because it is a holiday
    assert (answer.state, answer.until, answer.note) == ("open", local(2026, 12, 25, 17), "Noël")


def test_no_holiday_rule_means_as_usual():
    h = hours(slot(4, "10:00", "16:00"))
    assert ask(h, local(2026, 12, 25, 11)).state == "open"


def test_easter_sunday_and_whit_sunday_are_ordinary_sundays():
    h = hours(slot(6, "11:00", "17:00"), rule=HolidayRule(rule="closed"))
    assert ask(h, local(2027, 3, 28, 12)).state == "open"  # Easter Sunday
    assert ask(h, local(2027, 5, 16, 12)).state == "open"  # Whit Sunday
    # ... but Easter Monday and Whit Monday are holidays.
    monday = hours(slot(0, "11:00", "17:00"), rule=HolidayRule(rule="closed"))
    assert ask(monday, local(2027, 3, 29, 12)).state == "closed"
    assert ask(monday, local(2027, 5, 17, 12)).state == "closed"


def test_the_ten_legal_holidays_plus_iris_day():
    assert len(public_holidays([2027], iris_day=False)) == 10
    with_iris = public_holidays([2027], iris_day=True)
    assert len(with_iris) == 11
    assert with_iris[date(2027, 5, 8)] == "Fête de l'Iris"
    assert public_holidays([2027], iris_day=True, lang="nl")[date(2027, 12, 25)] == "Kerstmis"


def test_iris_day_is_a_setting():
    saturday = hours(slot(5, "10:00", "16:00"), rule=HolidayRule(rule="closed"))
    at = local(2027, 5, 8, 12)  # a Saturday
    with_iris = state(saturday, at, holidays=HOLIDAYS, zone=BXL)
    without = state(saturday, at, holidays=public_holidays([2027], iris_day=False), zone=BXL)
    assert (with_iris.state, with_iris.note) == ("closed", "Fête de l'Iris")
    assert without.state == "open"


# --- exceptions ------------------------------------------------------------------------------


def test_closed_period_with_its_note_and_the_reopening():
    h = hours(
        *(slot(d, "09:30", "16:30") for d in range(5)),
        exceptions=[
            OpeningException(
                start_date=date(2026, 12, 24),
                end_date=date(2027, 1, 1),
                kind="closed",
                note="Congés d'hiver",
            )
        ],
    )
    answer = ask(h, local(2026, 12, 29, 11))
    assert (answer.state, answer.note) == ("closed", "Congés d'hiver")
    assert answer.next_open == local(2027, 1, 4, 9, 30)


def test_special_hours_on_a_date_replace_the_weekly_ones():
    h = hours(
        slot(3, "10:00", "16:00"),
        exceptions=[
            OpeningException(
                start_date=date(2026, 12, 31),
                end_date=date(2026, 12, 31),
                kind="special",
                opens=time(10),
                closes=time(13),
                note="Réveillon",
            )
        ],
    )
    answer = ask(h, local(2026, 12, 31, 11))
    assert (answer.until, answer.note) == (local(2026, 12, 31, 13), "Réveillon")
    assert ask(h, local(2026, 12, 31, 14)).state == "closed"


def test_slot_validity_dates():
    h = hours(slot(0, "10:00", "16:00", valid_from=date(2026, 12, 1), valid_to=date(2026, 12, 31)))
    assert ask(h, local(2026, 11, 30, 11)).state == "closed"
    assert ask(h, local(2026, 12, 7, 11)).state == "open"
    assert ask(h, local(2027, 1, 4, 11)).next_open is None


# --- special openings and unknown ----------------------------------------------------------


def test_special_opening_opens_a_closed_lieu_while_it_runs():
    opening = AgendaOpening(
        lieu_id=1,
        starts_at=local(2026, 11, 28, 10).astimezone(UTC),
        ends_at=local(2026, 11, 28, 13).astimezone(UTC),
        title="Ouverture exceptionnelle",
    )
    answer = ask(WEEKDAYS, local(2026, 11, 28, 11), [opening])
    assert (answer.state, answer.until, answer.note) == (
        "open",
        local(2026, 11, 28, 13),
        "Ouverture exceptionnelle",
    )
    assert ask(WEEKDAYS, local(2026, 11, 27, 17), [opening]).next_open == local(2026, 11, 28, 10)


def test_no_hours_entered_is_unknown_never_closed():
    empty = OpeningHours(lieu_id=1)
    for at in (local(2026, 11, 23, 3), local(2026, 11, 23, 12), local(2026, 12, 25, 12)):
        answer = ask(empty, at)
        assert answer.state == "unknown"
        assert answer.until is None


def test_open_intervals_over_a_week():
    found = open_intervals(
        WEEKDAYS,
        local(2026, 11, 23, 12).astimezone(UTC),
        local(2026, 11, 30).astimezone(UTC),
        holidays=HOLIDAYS,
        zone=BXL,
    )
    assert len(found) == 5
    assert found[0] == (local(2026, 11, 23, 10), local(2026, 11, 23, 16))
