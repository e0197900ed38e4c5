"""A feed reads only what its window can hold (`list_activities(since=)`), and writes the same
bytes as from everything: one-offs and changed dates that ended before the window are left in
the database, those that end in it (by a day's margin, a long date, a moved one) are not."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from lieux import db as database
from lieux.calendar import feed_window, feeds
from lieux.calendar.models import ActivityOverride, ActivityWrite
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours
from lieux.db.lieux import list_lieux
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
PAST_DAYS = 30
START = feed_window.cutoff(DEMO_NOW, PAST_DAYS, ZONE).replace(tzinfo=None)  # local midnight


def add(db, lieu_id: int, title: str, starts: datetime, hours: float, rrule=None, **more) -> int:
    write = ActivityWrite(
        kind="atelier",
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        rrule=rrule,
        **more,
    )
    return activities_db.insert_activity(db, lieu_id, write, uid=f"{title}@test", now=DEMO_NOW)


def change(db, activity_id: int, rid: datetime, **fields) -> None:
    override = ActivityOverride(recurrence_id=rid, updated_at=DEMO_NOW, **fields)
    activities_db.upsert_override(db, activity_id, override)


def fill(db, lieu_id: int) -> None:
    day = timedelta(days=1)
    ten = time(10)
    add(db, lieu_id, "ended-long-ago", START - 40 * day, 2)
    add(db, lieu_id, "ended-hours-before", START - timedelta(hours=12), 2)
    add(db, lieu_id, "ends-at-the-start", START - timedelta(hours=2), 2)
    later = add(db, lieu_id, "later", START + 40 * day, 2)
    # a one-off keeps its changed dates (a series whose rule was taken out of service)
    change(db, later, START - 60 * day, status="cancelled")
    weekly = datetime.combine(START.date() - 200 * day, ten)
    series = add(db, lieu_id, "weekly", weekly, 1, "FREQ=WEEKLY")
    change(db, series, weekly + timedelta(weeks=5), status="cancelled")  # long gone
    # moved from long ago into the window, and from long ago to long ago
    change(db, series, weekly + timedelta(weeks=6), starts_at=START + 3 * day + timedelta(hours=10))
    change(db, series, weekly + timedelta(weeks=7), starts_at=weekly + timedelta(weeks=8, days=1))
    change(db, series, weekly + timedelta(weeks=9), ends_at=START + timedelta(hours=1))  # longer
    change(db, series, weekly + timedelta(weeks=40), title="Dans la fenêtre")
    # a late date of the day before the window, ending in it
    late = datetime.combine(START.date() - 100 * day, time(23, 30))
    night = add(db, lieu_id, "night", late, 2, "FREQ=DAILY")
    change(db, night, datetime.combine(START.date() - day, time(23, 30)), title="Nuit à cheval")
    change(db, night, datetime.combine(START.date() - 2 * day, time(23, 30)), title="Nuit passée")
    # a three-day date that began before the window and ends in it
    three = weekly + 2 * day  # its 28th week begins two days before the window
    long = add(db, lieu_id, "three-days", three, 72, "FREQ=WEEKLY")
    change(db, long, three + timedelta(weeks=28), title="Trois jours à cheval")
    change(db, long, three + timedelta(weeks=20), title="Trois jours passés")


def feed(db, lieux, activities) -> bytes:
    feeds.clear_caches()
    return feeds.build_feed(
        activities,
        lieux,
        name="t",
        lang="fr",
        base_url="http://testserver",
        zone=ZONE,
        now=DEMO_NOW,
        past_days=PAST_DAYS,
        closures=all_hours(db),
    )


def test_a_feed_reads_its_window_and_writes_the_same_bytes(seeded_path):
    db = database.connect(seeded_path)
    lieu = list_lieux(db)[0]
    fill(db, lieu.id)
    every = activities_db.list_activities(db, lieu_ids=[lieu.id])
    read = activities_db.list_activities(db, lieu_ids=[lieu.id], since=START)

    def ours(activities) -> dict[str, int]:
        """Our activities' titles, with how many changed dates each holds."""
        return {a.title: len(a.overrides) for a in activities if a.uid.endswith("@test")}

    assert ours(every) == {
        "ended-long-ago": 0,
        "ended-hours-before": 0,
        "ends-at-the-start": 0,
        "later": 1,
        "weekly": 5,
        "night": 2,
        "three-days": 2,
    }
    # read: what ends in the window, and by the day's margin a date and a one-off that do not
    assert ours(read) == {
        "ended-hours-before": 0,
        "ends-at-the-start": 0,
        "later": 1,
        "weekly": 3,
        "night": 2,
        "three-days": 1,
    }
    lieux = {lieu.id: lieu}
    written = feed(db, lieux, read)
    assert written == feed(db, lieux, every)
    for what in ("Nuit à cheval", "Trois jours à cheval", "Dans la fenêtre", "ends-at-the-start"):
        assert what.encode() in written
    for what in ("Nuit passée", "Trois jours passés", "ended-hours-before"):
        assert what.encode() not in written
    assert written.count(b"UID:weekly@test") == 4  # the series, moved in, longer, retitled
    db.close()
