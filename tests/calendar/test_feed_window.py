"""What a feed keeps of an activity from the window's first day (lieux/calendar/feed_window.py),
and the cache that keeps it and the activity's bytes from one build to the next."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from lieux.calendar import feed_window, feeds
from lieux.calendar.models import Activity, ActivityOverride
from lieux.calendar.rules import ended_before, occurrences_among
from lieux.models import Lieu

ZONE = ZoneInfo("Europe/Brussels")
STAMP = datetime(2026, 10, 1, 9, tzinfo=UTC)
TUESDAY = datetime(2026, 9, 1, 14, 0)  # a Tuesday
LIEU = Lieu(id=1, slug="coin", name="Coin", commune="Bruxelles")


def series(rrule="FREQ=WEEKLY;BYDAY=TU", starts=TUESDAY, *overrides, **fields) -> Activity:
    return Activity(
        id=fields.pop("id", 1),
        uid="s@test",
        lieu_id=1,
        kind="atelier",
        title=fields.pop("title", "Atelier"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        rrule=rrule,
        created_at=STAMP,
        updated_at=fields.pop("updated_at", STAMP),
        overrides=tuple(overrides),
        **fields,
    )


def cancelled(day: datetime) -> ActivityOverride:
    return ActivityOverride(recurrence_id=day, status="cancelled", updated_at=STAMP)


def moved(day: datetime, to: datetime) -> ActivityOverride:
    return ActivityOverride(
        recurrence_id=day, starts_at=to, ends_at=to + timedelta(hours=1), updated_at=STAMP
    )


WEEK = timedelta(weeks=1)
ACTIVITIES = [
    series(None, TUESDAY),  # a one-off long past
    series(None, datetime(2026, 12, 1, 10)),  # a one-off to come
    series("FREQ=WEEKLY;BYDAY=TU", TUESDAY),
    series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261006T120000Z", TUESDAY),  # over before the windows
    series(
        "FREQ=WEEKLY;BYDAY=TU",
        TUESDAY,
        cancelled(TUESDAY + WEEK),  # before the windows
        cancelled(TUESDAY + 10 * WEEK),
        cancelled(TUESDAY + 10 * WEEK + timedelta(days=1)),  # not a Tuesday: left behind
        moved(TUESDAY + 12 * WEEK, TUESDAY + 12 * WEEK + timedelta(days=2)),
    ),
    series(
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261006T120000Z",
        TUESDAY,
        moved(TUESDAY + 2 * WEEK, datetime(2027, 1, 5, 10)),  # an old date moved far ahead
    ),
    series(
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261006T120000Z",
        TUESDAY,
        cancelled(TUESDAY + 3 * WEEK),  # a series over, its last changes over too
    ),
    series(
        "FREQ=YEARLY;INTERVAL=7",
        datetime(2020, 3, 3, 10),
        cancelled(datetime(2027, 3, 3, 10)),
        cancelled(datetime(2034, 3, 3, 10)),  # seen from June 2027, past the horizon: over
    ),
    series("FREQ=DAILY;INTERVAL=0", TUESDAY, cancelled(TUESDAY + WEEK)),  # outside the model
]
STARTS = [
    datetime(2026, 9, 1, tzinfo=ZONE),
    datetime(2026, 10, 20, tzinfo=ZONE),
    datetime(2026, 11, 10, tzinfo=ZONE),
    datetime(2027, 6, 1, tzinfo=ZONE),
]


def before(activity: Activity, start: datetime) -> Activity | None:
    """What the feeds wrote before the window had its own module (rules' checks, one each)."""
    if ended_before(activity, start, ZONE):
        return None
    if not activity.overrides:
        return activity
    duration = activity.ends_at - activity.starts_at
    dates = occurrences_among(activity, [o.recurrence_id for o in activity.overrides], ZONE)

    def keep(override: ActivityOverride) -> bool:
        if override.recurrence_id not in dates:
            return False
        ends = override.ends_at or (override.starts_at or override.recurrence_id) + duration
        return max(ends, override.recurrence_id + duration).replace(tzinfo=ZONE) >= start

    kept = tuple(o for o in activity.overrides if keep(o))
    return activity if kept == activity.overrides else replace(activity, overrides=kept)


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("n", range(len(ACTIVITIES)))
def test_the_window_keeps_what_the_rules_keep(n, start):
    assert feed_window.in_window(ACTIVITIES[n], start, ZONE) == before(ACTIVITIES[n], start)


def test_the_window_keeps_only_the_dates_of_the_rule_from_its_start():
    view = feed_window.in_window(ACTIVITIES[4], STARTS[2], ZONE)
    assert [o.recurrence_id for o in view.overrides] == [
        TUESDAY + 10 * WEEK,
        TUESDAY + 12 * WEEK,
    ]
    assert feed_window.in_window(ACTIVITIES[6], STARTS[2], ZONE) is None
    assert feed_window.in_window(ACTIVITIES[5], STARTS[3], ZONE) is None


@pytest.mark.parametrize(
    ("now", "first"),
    [
        (datetime(2026, 11, 23, 12, tzinfo=UTC), datetime(2026, 10, 24)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), datetime(2026, 10, 25)),  # 00:30 there
        (datetime(2027, 4, 20, 1, tzinfo=UTC), datetime(2027, 3, 21)),
    ],
)
def test_the_window_starts_at_local_midnight(now, first):
    assert feed_window.cutoff(now, 30, ZONE) == first.replace(tzinfo=ZONE)


def feed(activities, now) -> bytes:
    return feeds.build_feed(
        activities,
        {1: LIEU},
        name="Coin",
        lang="fr",
        base_url="https://lieux.example",
        zone=ZONE,
        now=now,
        past_days=30,
    )


def test_a_feed_has_the_same_bytes_all_day_and_built_afresh():
    morning = feed(ACTIVITIES, datetime(2026, 11, 23, 6, tzinfo=UTC))
    feeds.clear_caches()
    assert feed(ACTIVITIES, datetime(2026, 11, 23, 22, 59, tzinfo=UTC)) == morning
    # the window's start passes a cancelled date's end on 11 December, 30 days after it
    date = b"RECURRENCE-ID;TZID=Europe/Brussels:20261110T140000"
    assert date in feed(ACTIVITIES, datetime(2026, 12, 10, 22, 59, tzinfo=UTC)) and date in morning
    assert date not in feed(ACTIVITIES, datetime(2026, 12, 10, 23, 0, tzinfo=UTC))


def test_an_edit_shows_in_the_next_build():
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    first = feed(ACTIVITIES, now)
    edited = list(ACTIVITIES)
    edited[2] = replace(edited[2], title="Atelier d'hiver", updated_at=STAMP + WEEK)
    second = feed(edited, now)
    assert b"SUMMARY:Atelier d'hiver" in second and b"SUMMARY:Atelier d'hiver" not in first
    assert second.replace(b"Atelier d'hiver", b"Atelier").replace(b"20261008T", b"20261001T") == (
        first
    )


def test_the_cache_drops_the_least_recently_used():
    cache = feed_window.DigestCache(2)
    made = []

    def make(value):
        return lambda: made.append(value) or value

    for key in (b"a", b"b", b"a", b"c", b"a", b"b"):
        cache.get(key, make(key))
    assert made == [b"a", b"b", b"c", b"b"] and len(cache) == 2
    assert feed_window.digest(ACTIVITIES[4]) == feed_window.digest(replace(ACTIVITIES[4]))
    assert feed_window.digest(ACTIVITIES[4]) != feed_window.digest(ACTIVITIES[3])
