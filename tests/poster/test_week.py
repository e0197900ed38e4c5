"""The week's plan (lieux/poster/week.py): hours as planned with holidays, closures, special
hours and agenda openings; activities day by day; DST weeks; which week a date asks for."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux.calendar.models import Activity, ActivityOverride
from lieux.calendar.recurrence import agenda
from lieux.hours.holidays import public_holidays
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.poster.week import (
    WeekError,
    WeekTooFar,
    default_week,
    parse_week,
    week_labels,
    week_plan,
    week_window,
)
from tests.conftest import DEMO_NOW, DEMO_TODAY

ZONE = ZoneInfo("Europe/Brussels")
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
LIEU = 7


def activity(n, title, starts, ends, *, kind="atelier", rrule=None, **extra) -> Activity:
    return Activity(
        id=n,
        uid=f"a{n}@test",
        lieu_id=LIEU,
        kind=kind,
        title=title,
        starts_at=starts,
        ends_at=ends,
        rrule=rrule,
        created_at=STAMP,
        updated_at=STAMP,
        **extra,
    )


def slots(days, opens, closes):
    return tuple(
        OpeningSlot(weekday=d, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes))
        for d in days
    )


def plan(hours, activities, monday, lang="fr", iris_day=True):
    start, end = week_window(monday, ZONE)
    holidays = public_holidays({monday.year, end.year}, iris_day=iris_day, lang=lang)
    return week_plan(
        hours,
        agenda(activities, start, end, ZONE),
        monday,
        holidays=holidays,
        zone=ZONE,
        lang=lang,
        now=DEMO_NOW,
    )


def by_date(week):
    return {d.day: d for d in week.days}


def hours_text(day):
    return [s.label for s in day.spans]


def titles(day):
    return [(i.time_label, i.occurrence.title, i.occurrence.status) for i in day.activities]


# The nightlife lieu of the demo: Saturday evenings run to 02:00, the night the clocks change.
NIGHT = OpeningHours(
    lieu_id=LIEU,
    slots=slots((5,), "15:00", "02:00") + slots((6,), "15:00", "20:00"),
    holiday_rule=HolidayRule(rule="as_usual"),
)


@pytest.mark.parametrize(
    ("monday", "sunday", "hours_long"),
    [(date(2027, 3, 22), date(2027, 3, 28), 167), (date(2027, 10, 25), date(2027, 10, 31), 169)],
)
def test_dst_weeks_keep_seven_days_wall_times_and_their_edges(monday, sunday, hours_long):
    start, end = week_window(monday, ZONE)
    assert (end - start.astimezone(UTC).astimezone(ZONE)) == timedelta(days=7)  # wall clock
    assert (end.astimezone(UTC) - start.astimezone(UTC)) == timedelta(hours=hours_long)
    weekly = activity(
        1,
        "Atelier du dimanche",
        datetime(2027, 1, 3, 14, 0),
        datetime(2027, 1, 3, 16, 0),
        rrule="FREQ=WEEKLY;BYDAY=SU",
    )
    after = sunday + timedelta(days=1)
    at = datetime.combine
    late = activity(2, "Fin de soirée", at(sunday, time(23, 30)), at(after, time(0, 30)))
    next_week = activity(3, "Lundi suivant", at(after, time(0, 15)), at(after, time(1)))
    eve = monday - timedelta(days=1)
    before = activity(4, "Dimanche d'avant", at(eve, time(23)), at(eve, time(23, 45)))
    week = plan(NIGHT, [weekly, late, next_week, before], monday)
    assert [d.day for d in week.days] == [monday + timedelta(days=n) for n in range(7)]
    days = by_date(week)
    assert titles(days[sunday]) == [
        ("14:00–16:00", "Atelier du dimanche", "confirmed"),
        ("23:30–00:30", "Fin de soirée", "confirmed"),
    ]
    assert all(not d.activities for d in week.days if d.day != sunday)
    # As planned: the Saturday night reads 15:00–02:00 on both DST nights, Sunday 15:00–20:00.
    assert hours_text(days[sunday - timedelta(days=1)]) == ["15:00–02:00"]
    assert hours_text(days[sunday]) == ["15:00–20:00"]
    assert days[monday].closed and days[monday].reason == ""


def test_a_week_with_a_closure_and_a_public_holiday():
    """Christmas week 2026: 24/12–01/01 closed ("Congés d'hiver"), Friday 25 is Christmas."""
    hours = OpeningHours(
        lieu_id=LIEU,
        slots=slots(range(5), "10:00", "16:00"),
        exceptions=(
            OpeningException(
                start_date=date(2026, 12, 24),
                end_date=date(2027, 1, 1),
                kind="closed",
                note="Congés d'hiver",
            ),
        ),
        holiday_rule=HolidayRule(rule="closed"),
    )
    tricot = activity(
        1,
        "Atelier tricot",
        datetime(2026, 11, 5, 14, 0),
        datetime(2026, 11, 5, 16, 0),
        rrule="FREQ=WEEKLY;BYDAY=TH",
    )
    papote = activity(
        2,
        "Café-papote",
        datetime(2026, 11, 3, 10, 0),
        datetime(2026, 11, 3, 12, 0),
        kind="cafe-papote",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        overrides=(
            ActivityOverride(
                recurrence_id=datetime(2026, 12, 22, 10, 0), status="cancelled", updated_at=STAMP
            ),
        ),
    )
    week = plan(hours, [tricot, papote], parse_week("2026-12-23", DEMO_TODAY))
    assert week.monday == date(2026, 12, 21)
    days = by_date(week)
    monday, tuesday, thursday, friday = (days[date(2026, 12, d)] for d in (21, 22, 24, 25))
    assert hours_text(monday) == ["10:00–16:00"] and monday.reason == ""
    # Cancelled dates stay on the poster, marked.
    assert titles(tuesday) == [("10:00–12:00", "Café-papote", "cancelled")]
    assert thursday.closed and thursday.reason == "closure" and thursday.note == "Congés d'hiver"
    # The weekly workshop still repeats into the closure: flagged "to be confirmed".
    [workshop] = thursday.activities
    assert workshop.closure is not None and workshop.closure.note == "Congés d'hiver"
    # Christmas: the closure decides the day, the holiday is still named.
    assert friday.closed and friday.reason == "closure" and friday.holiday == "Noël"
    assert week.start_label == "21" and week.end_label == "27 décembre 2026"


@pytest.mark.parametrize(
    ("rule", "expected", "reason"),
    [
        (HolidayRule(rule="closed"), [], "holiday"),
        (HolidayRule(rule="special", opens=time(11), closes=time(15)), ["11:00–15:00"], "holiday"),
        (HolidayRule(rule="as_usual"), ["10:00–16:00"], "holiday"),
    ],
)
def test_the_public_holiday_rule_decides_the_holiday(rule, expected, reason):
    """Week of 9 November 2026: Wednesday 11 is Armistice."""
    hours = OpeningHours(lieu_id=LIEU, slots=slots(range(5), "10:00", "16:00"), holiday_rule=rule)
    days = by_date(plan(hours, [], date(2026, 11, 9)))
    armistice = days[date(2026, 11, 11)]
    assert hours_text(armistice) == expected and armistice.reason == reason
    assert armistice.holiday == armistice.note == "Jour de l'Armistice"
    assert hours_text(days[date(2026, 11, 10)]) == ["10:00–16:00"]


def test_special_hours_agenda_openings_and_holiday_names_in_the_reader_language():
    """Week of 3 May 2027: Iris Day (Saturday 8 May) and special hours on Tuesday."""
    hours = OpeningHours(
        lieu_id=LIEU,
        slots=slots(range(5), "10:00", "16:00"),
        exceptions=(
            OpeningException(
                start_date=date(2027, 5, 4),
                end_date=date(2027, 5, 4),
                kind="special",
                opens=time(13),
                closes=time(16),
                note="Formation de l'équipe",
            ),
        ),
        holiday_rule=HolidayRule(rule="closed"),
    )
    opening = activity(
        1,
        "Ouverture exceptionnelle",
        datetime(2027, 5, 8, 10, 0),
        datetime(2027, 5, 8, 13, 0),
        kind="ouverture",
        title_nl="Uitzonderlijke opening",
    )
    cancelled_opening = activity(
        2,
        "Ouverture annulée",
        datetime(2027, 5, 9, 10, 0),
        datetime(2027, 5, 9, 13, 0),
        kind="ouverture",
        status="cancelled",
    )
    week = plan(hours, [opening, cancelled_opening], date(2027, 5, 3), lang="nl")
    days = by_date(week)
    tuesday, saturday, sunday = (
        days[date(2027, 5, 4)],
        days[date(2027, 5, 8)],
        days[date(2027, 5, 9)],
    )
    assert hours_text(tuesday) == ["13:00–16:00"] and tuesday.reason == "special"
    assert tuesday.note == "Formation de l'équipe"
    assert saturday.holiday == "Irisfeest" and saturday.reason == "holiday"
    [span] = saturday.spans
    assert span.label == "10:00–13:00" and span.opening == "Uitzonderlijke opening"
    assert saturday.activities == ()  # openings are hours, not activities
    assert sunday.closed  # a cancelled opening opens nothing
    assert saturday.label == "zaterdag 8 mei"
    assert (week.start_label, week.end_label) == ("3", "9 mei 2027")
    assert "Irisfeest" not in {d.holiday for d in plan(hours, [], date(2027, 5, 3), lang="nl",
                                                        iris_day=False).days}  # fmt: skip


def test_unknown_hours_invent_nothing():
    week = plan(OpeningHours(lieu_id=LIEU), [], DEMO_TODAY)
    assert not week.known
    assert all(d.closed for d in week.days)


def test_an_all_day_activity_is_under_each_of_its_days_and_an_overnight_one_under_its_start():
    fair = activity(1, "Brocante", datetime(2026, 11, 28), datetime(2026, 11, 30), all_day=True)
    concert = activity(2, "Concert", datetime(2026, 11, 27, 21), datetime(2026, 11, 28, 1))
    days = by_date(plan(NIGHT, [fair, concert], DEMO_TODAY))
    assert titles(days[date(2026, 11, 27)]) == [("21:00–01:00", "Concert", "confirmed")]
    assert titles(days[date(2026, 11, 28)]) == [("", "Brocante", "confirmed")]
    assert titles(days[date(2026, 11, 29)]) == [("", "Brocante", "confirmed")]


@pytest.mark.parametrize(
    ("monday", "lang", "labels"),
    [
        (date(2026, 11, 23), "fr", ("23", "29 novembre 2026")),
        (date(2026, 11, 23), "en", ("23", "29 November 2026")),
        (date(2026, 11, 30), "fr", ("30 novembre", "6 décembre 2026")),
        (date(2026, 11, 30), "nl", ("30 november", "6 december 2026")),
        (date(2026, 12, 28), "fr", ("28 décembre 2026", "3 janvier 2027")),
        (date(2027, 2, 22), "fr", ("22", "28 février 2027")),
        (date(2027, 2, 1), "fr", ("1er", "7 février 2027")),
        (date(2027, 1, 25), "fr", ("25", "31 janvier 2027")),
    ],
)
def test_week_labels(monday, lang, labels):
    assert week_labels(monday, lang) == labels


def test_week_labels_name_the_first_of_the_month():
    assert week_labels(date(2027, 10, 25), "fr") == ("25", "31 octobre 2027")
    assert week_labels(date(2027, 11, 29), "fr") == ("29 novembre", "5 décembre 2027")
    assert week_labels(date(2027, 3, 1), "en") == ("1", "7 March 2027")


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("", date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23)),
        ("2026-11-29", date(2026, 11, 23)),
        ("2027-01-01", date(2026, 12, 28)),
        ("2028-02-29", date(2028, 2, 28)),
    ],
)
def test_any_date_asks_for_its_week(text, monday):
    assert parse_week(text, DEMO_TODAY) == monday


@pytest.mark.parametrize(
    "text", ["abc", "2026-13-01", "2026-02-30", "20261123", "2026-11-23x", " "]
)
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(WeekError) as raised:
        parse_week(text, DEMO_TODAY)
    assert not isinstance(raised.value, WeekTooFar)


@pytest.mark.parametrize("text", ["2099-01-01", "0001-01-01", "9999-12-31"])
def test_weeks_far_away_are_refused(text):
    with pytest.raises(WeekTooFar):
        parse_week(text, DEMO_TODAY)


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        ("2026-11-30", "2026-11-30"),  # Monday: this week
        ("2026-12-05", "2026-11-30"),  # Saturday: still this week
        ("2026-12-06", "2026-12-07"),  # Sunday: the coming one
        ("2026-12-27", "2026-12-28"),  # Sunday before New Year
    ],
)
def test_the_default_week_is_the_coming_one_on_a_sunday(today, monday):
    assert default_week(date.fromisoformat(today)) == date.fromisoformat(monday)
    assert parse_week("", date.fromisoformat(today)) == date.fromisoformat(monday)
