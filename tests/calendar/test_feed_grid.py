"""The feed's arithmetic on a series' rule gives the walk's answers (dateutil) on every rule it
takes, DST nights and UNTIL included: which changed dates are dates of the rule (`on_rule`, as
`rules.occurrences_among`), its first date from an instant, whether it ended (`ended`, as
`rules.ended_before`); and leaves every other rule to the walk."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from lieux.calendar import expansion
from lieux.calendar.feed_window import ended, first_on_grid, grid, on_rule
from lieux.calendar.models import Activity, ActivityOverride
from lieux.calendar.rules import HORIZON, ended_before, occurrences_among

ZONE = ZoneInfo("Europe/Brussels")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
# Starts around both DST changes of 2027 (28 March, 31 October), a wall time that does not
# exist (02:30 on 28 March) and one that happens twice (02:30 on 31 October), a leap day, and
# a start with microseconds (dateutil drops them).
STARTS = [
    datetime(2027, 3, 24, 10, 0),
    datetime(2027, 3, 28, 2, 30),
    datetime(2027, 3, 27, 23, 30),
    datetime(2027, 10, 31, 2, 30),
    datetime(2027, 10, 27, 19, 15, 30),
    datetime(2028, 2, 29, 0, 0),
    datetime(2026, 12, 31, 14, 0),
    datetime(2027, 6, 1, 9, 0, 0, 250_000),
]


def series(rrule: str, starts: datetime) -> Activity:
    return Activity(
        id=1,
        uid="grid@test",
        lieu_id=1,
        title="Atelier",
        kind="atelier",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        rrule=rrule,
        created_at=STAMP,
        updated_at=STAMP,
    )


def random_rule(rng: random.Random) -> str:
    parts = [f"FREQ={rng.choice(['DAILY', 'WEEKLY'])}"]
    if rng.random() < 0.5:
        parts.append(f"INTERVAL={rng.choice([1, 2, 3, 5, 52])}")
    if parts[0] == "FREQ=WEEKLY" and rng.random() < 0.6:
        parts.append("BYDAY=" + ",".join(rng.sample(DAYS, rng.randint(1, 4))))
    if rng.random() < 0.5:
        until = rng.choice(STARTS) + timedelta(days=rng.randint(-3, 60), hours=rng.randint(-3, 3))
        instant = until.replace(tzinfo=ZONE).astimezone(UTC)
        parts.append(f"UNTIL={instant:%Y%m%dT%H%M%SZ}")
    if rng.random() < 0.4:
        parts.append(f"WKST={rng.choice(DAYS)}")
    rng.shuffle(parts)
    return ";".join(parts)


def candidates(rng: random.Random, activity: Activity) -> list[datetime]:
    """Dates of the rule and dates near them that are not: a day, an hour, a week, a second or
    a microsecond off, before DTSTART, at the UNTIL's instant."""
    dtstart = activity.starts_at.replace(tzinfo=ZONE)
    real = expansion.between(activity.rrule, dtstart, dtstart, dtstart + timedelta(days=120))
    found = [value.replace(tzinfo=None) for value in real[:40]]
    nudges = [timedelta(days=1), timedelta(hours=1), timedelta(weeks=1), timedelta(seconds=1)]
    near = [
        rng.choice(found or [activity.starts_at]) + sign * rng.choice(nudges)
        for sign in (1, -1)
        for _ in range(10)
    ]
    odd = [activity.starts_at - timedelta(weeks=2), activity.starts_at.replace(microsecond=7)]
    return found + near + odd


@pytest.mark.parametrize("seed", range(8))
def test_on_rule_gives_the_walks_answer(seed):
    rng = random.Random(seed)
    checked = 0
    for _ in range(60):
        activity = series(random_rule(rng), rng.choice(STARTS))
        assert grid(activity.rrule) is not None, activity.rrule
        dates = candidates(rng, activity)
        expected = occurrences_among(activity, dates, ZONE)
        assert on_rule(activity, dates, ZONE) == expected, (activity.rrule, activity.starts_at)
        checked += len(expected)
    assert checked > 500  # the cases hold dates of the rule, not only dates off it


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=MONTHLY",
        "FREQ=WEEKLY;COUNT=10",
        "FREQ=DAILY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=1MO",
        "freq=weekly",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=53",
        "FREQ=WEEKLY;UNTIL=20271231",
        "FREQ=WEEKLY;UNTIL=22010101T000000Z",
        "FREQ=WEEKLY;BYMONTH=2",
        "FREQ=WEEKLY;FREQ=DAILY",
        "INTERVAL=2",
        "RRULE:FREQ=WEEKLY",
        "FREQ=WEEKLY;BYDAY=" + ",".join(["MO"] * 40),  # more values than the walk takes
    ],
)
def test_other_rules_are_walked(rrule):
    activity = series(rrule, STARTS[0])
    dates = [STARTS[0] + timedelta(weeks=n) for n in range(6)]
    assert grid(rrule) is None
    assert on_rule(activity, dates, ZONE) == occurrences_among(activity, dates, ZONE)


def test_a_grid_rule_names_its_dates():
    activity = series("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,FR", datetime(2027, 3, 24, 10, 0))
    dates = [datetime(2027, 3, d, 10, 0) for d in (24, 26, 31)] + [datetime(2027, 4, 7, 10, 0)]
    assert on_rule(activity, dates, ZONE) == {dates[0], dates[1], dates[3]}


@pytest.mark.parametrize("seed", range(6))
def test_first_date_and_ended_give_the_walks_answer(seed):
    """`first_on_grid` finds the walk's first date from any instant (before DTSTART, on a date,
    between two, past UNTIL), and `ended` answers as `rules.ended_before`."""
    rng = random.Random(100 + seed)
    answers = set()
    for _ in range(60):
        activity = series(random_rule(rng), rng.choice(STARTS))
        rule, dtstart = grid(activity.rrule), activity.starts_at
        for _ in range(8):
            after = dtstart + timedelta(days=rng.randint(-20, 200), minutes=rng.choice([0, 30, -1]))
            walked = expansion.first_from(
                activity.rrule, dtstart.replace(tzinfo=ZONE), after.replace(tzinfo=ZONE), HORIZON
            )
            found = first_on_grid(rule, dtstart, ZONE, after)
            assert found == (walked.replace(tzinfo=None) if walked else None), activity.rrule
            cutoff = datetime.combine(after.date(), time(), ZONE)
            assert ended(activity, cutoff, ZONE) == ended_before(activity, cutoff, ZONE)
            answers |= {
                ("none found", found is None),
                ("ended", ended_before(activity, cutoff, ZONE)),
            }
    assert len(answers) == 4  # each answer both ways


def test_a_moved_date_in_the_window_keeps_an_ended_series():
    activity = series("FREQ=WEEKLY;UNTIL=20270401T000000Z", datetime(2027, 3, 3, 10, 0))
    cutoff = datetime(2027, 6, 1, tzinfo=ZONE)
    moved = ActivityOverride(
        recurrence_id=datetime(2027, 3, 10, 10, 0),
        starts_at=datetime(2027, 6, 2, 10, 0),
        updated_at=STAMP,
    )
    assert ended(activity, cutoff, ZONE)
    assert not ended(replace(activity, overrides=(moved,)), cutoff, ZONE)
    assert not ended_before(replace(activity, overrides=(moved,)), cutoff, ZONE)
