"""One calendar refresh at a time across workers: the lease row (lieux/db/leases.py) and its use
by the hourly refresh (lieux/calendar/refresh.py, lieux/background.py). Pinned instants, no
sleeps."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import background
from lieux import db as database
from lieux.calendar import refresh
from lieux.db.leases import release_lease, take_lease
from tests.conftest import DEMO_NOW

TTL = timedelta(minutes=90)
ZONE = ZoneInfo("Europe/Brussels")


def test_two_holders_one_lease(db):
    assert take_lease(db, "job", "a", now=DEMO_NOW, ttl=TTL)
    assert not take_lease(db, "job", "b", now=DEMO_NOW, ttl=TTL)
    assert not take_lease(db, "job", "b", now=DEMO_NOW + TTL - timedelta(seconds=1), ttl=TTL)
    # Another name is another lease.
    assert take_lease(db, "other", "b", now=DEMO_NOW, ttl=TTL)


def test_a_crashed_holders_lease_expires(db):
    assert take_lease(db, "job", "a", now=DEMO_NOW, ttl=TTL)
    # "a" never comes back: at its expiry the lease is free for "b", and then "a" is refused.
    assert take_lease(db, "job", "b", now=DEMO_NOW + TTL, ttl=TTL)
    assert not take_lease(db, "job", "a", now=DEMO_NOW + TTL + timedelta(minutes=1), ttl=TTL)


def test_the_holder_renews_its_lease(db):
    assert take_lease(db, "job", "a", now=DEMO_NOW, ttl=TTL)
    renewed_at = DEMO_NOW + timedelta(hours=1)
    assert take_lease(db, "job", "a", now=renewed_at, ttl=TTL)
    # Without the renewal "b" would win here; with it, it waits until an hour more.
    assert not take_lease(db, "job", "b", now=DEMO_NOW + TTL, ttl=TTL)
    assert take_lease(db, "job", "b", now=renewed_at + TTL, ttl=TTL)


def test_release_frees_the_lease_for_its_holder_only(db):
    assert take_lease(db, "job", "a", now=DEMO_NOW, ttl=TTL)
    assert not release_lease(db, "job", "b")
    assert not take_lease(db, "job", "b", now=DEMO_NOW, ttl=TTL)  # still a's
    assert release_lease(db, "job", "a")
    assert take_lease(db, "job", "b", now=DEMO_NOW, ttl=TTL)


def test_instants_compare_whatever_their_zone_and_precision(db):
    local = DEMO_NOW.astimezone(ZONE).replace(microsecond=0)
    assert take_lease(db, "job", "a", now=local, ttl=timedelta(seconds=1))
    # 0.5 s later, written in UTC with microseconds: still held.
    assert not take_lease(db, "job", "b", now=DEMO_NOW + timedelta(microseconds=500_000), ttl=TTL)
    with pytest.raises(ValueError, match="timezone-aware"):
        take_lease(db, "job", "a", now=DEMO_NOW.replace(tzinfo=None), ttl=TTL)


def _linked_source(db) -> None:
    # A loopback address: fetching it fails at once (refused address), and the failure is
    # written on the source, which says whether a refresh ran.
    lieu_id = db.execute("SELECT id FROM lieux ORDER BY id LIMIT 1").fetchone()[0]
    db.execute(
        "INSERT INTO ical_sources (lieu_id, url, created_at) VALUES (?, ?, ?)",
        [lieu_id, "http://127.0.0.1:9/agenda.ics", DEMO_NOW.isoformat()],
    )
    db.conn.commit()


def _last_fetched(db_path) -> str | None:
    db = database.connect(db_path)
    try:
        return db.execute("SELECT last_fetched_at FROM ical_sources").fetchone()[0]
    finally:
        db.close()


def test_the_refresh_is_skipped_while_another_process_holds_the_lease(seeded_path):
    db = database.connect(seeded_path)
    _linked_source(db)
    db.close()
    path = str(seeded_path)
    first = refresh.refresh_if_holder(path, ZONE, DEMO_NOW, "worker-1")
    assert first is not None and first[0].startswith("http://127.0.0.1:9/agenda.ics: ")
    fetched = _last_fetched(seeded_path)
    assert fetched is not None
    # An hour later the other worker's round finds the lease held: nothing fetched.
    later = DEMO_NOW + timedelta(hours=1)
    assert refresh.refresh_if_holder(path, ZONE, later, "worker-2") is None
    assert _last_fetched(seeded_path) == fetched
    # The holder's round renews it and refreshes.
    assert refresh.refresh_if_holder(path, ZONE, later, "worker-1") is not None
    assert _last_fetched(seeded_path) != fetched
    # worker-1 dies: after its lease runs out, worker-2 takes over.
    takeover = later + refresh.LEASE_TTL
    assert refresh.refresh_if_holder(path, ZONE, takeover, "worker-2") is not None
    assert refresh.refresh_if_holder(path, ZONE, takeover, "worker-1") is None


def test_a_clean_stop_gives_the_lease_up(seeded_path):
    path = str(seeded_path)
    assert refresh.refresh_if_holder(path, ZONE, DEMO_NOW, "worker-1") == []
    assert refresh.refresh_if_holder(path, ZONE, DEMO_NOW, "worker-2") is None
    background.give_up(path, refresh.LEASE, "worker-1")
    assert refresh.refresh_if_holder(path, ZONE, DEMO_NOW, "worker-2") == []


def test_each_process_names_itself_apart():
    assert background.new_holder() != background.new_holder()
