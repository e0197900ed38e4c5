"""The write functions every editor uses: SEQUENCE, LAST-MODIFIED, version, overrides."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from lieux.calendar import edits
from lieux.calendar.models import ActivityWrite
from lieux.db import activities as activities_db
from lieux.db.lieux import upsert_lieu
from lieux.models import LieuWrite

ZONE = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
WEEKLY = ActivityWrite(
    kind="cafe-papote",
    title="Café-papote",
    starts_at=datetime(2026, 11, 3, 14, 0),
    ends_at=datetime(2026, 11, 3, 16, 0),
    rrule="FREQ=WEEKLY;BYDAY=TU",
)


@pytest.fixture
def series(db):
    lieu_id = upsert_lieu(db, LieuWrite(slug="coin", name="Coin"), now=T0)
    activity_id = activities_db.insert_activity(db, lieu_id, WEEKLY, uid="s@test", now=T0)
    return activity_id


def test_retitling_moves_last_modified_not_sequence(db, series):
    changed = msgspec.structs.replace(WEEKLY, title="Café-papote du mardi")
    after = edits.update_activity(db, series, changed, zone=ZONE, now=T0)
    assert after.sequence == 0 and after.version == 2
    # same second as the creation: still strictly later, at one-second precision
    assert after.updated_at == T0 + timedelta(seconds=1)


def test_time_rule_or_status_change_bumps_sequence(db, series):
    for n, change in enumerate(
        [
            {"starts_at": datetime(2026, 11, 3, 15), "ends_at": datetime(2026, 11, 3, 17)},
            {"rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270101"},
            {"status": "cancelled"},
        ],
        start=1,
    ):
        current = activities_db.get_activity(db, series)
        write = msgspec.convert(
            {**msgspec.to_builtins(current), **msgspec.to_builtins(change)},
            ActivityWrite,
            strict=False,
        )
        after = edits.update_activity(db, series, write, zone=ZONE, now=T0)
        assert after.sequence == n
    assert after.rrule == "FREQ=WEEKLY;UNTIL=20270101T225959Z;BYDAY=TU"


def test_unchanged_write_changes_nothing(db, series):
    before = activities_db.get_activity(db, series)
    after = edits.update_activity(db, series, WEEKLY, zone=ZONE, now=T0 + timedelta(days=1))
    assert after == before


def test_stale_version_is_refused(db, series):
    edits.update_activity(
        db,
        series,
        msgspec.structs.replace(WEEKLY, title="A"),
        zone=ZONE,
        expected_version=1,
        now=T0,
    )
    with pytest.raises(activities_db.StaleActivity):
        edits.update_activity(
            db,
            series,
            msgspec.structs.replace(WEEKLY, title="B"),
            zone=ZONE,
            expected_version=1,
            now=T0,
        )
    assert activities_db.get_activity(db, series).title == "A"


def test_cancel_move_restore_occurrences(db, series):
    rid = datetime(2026, 11, 17, 14, 0)
    cancelled = edits.cancel_occurrence(db, series, rid, zone=ZONE, now=T0)
    (override,) = cancelled.overrides
    assert override.status == "cancelled" and override.sequence == 1
    assert cancelled.updated_at > T0 and cancelled.version == 2
    restored = edits.restore_occurrence(db, series, rid, zone=ZONE, now=T0)
    (override,) = restored.overrides
    assert override.status == "confirmed" and override.sequence == 2
    assert restored.updated_at > cancelled.updated_at
    moved = edits.move_occurrence(
        db, series, rid, datetime(2026, 11, 18, 10), datetime(2026, 11, 18, 12), zone=ZONE, now=T0
    )
    assert moved.overrides[0].starts_at == datetime(2026, 11, 18, 10)
    assert moved.overrides[0].sequence == 3
    with pytest.raises(ValueError, match="not an occurrence"):
        edits.cancel_occurrence(db, series, datetime(2026, 11, 18, 14), zone=ZONE, now=T0)


def test_moving_the_series_carries_its_overrides(db, series):
    rid = datetime(2026, 11, 17, 14, 0)
    edits.cancel_occurrence(db, series, rid, zone=ZONE, now=T0)
    later = msgspec.structs.replace(
        WEEKLY, starts_at=datetime(2026, 11, 3, 15), ends_at=datetime(2026, 11, 3, 17)
    )
    after = edits.update_activity(db, series, later, zone=ZONE, now=T0)
    (override,) = after.overrides
    assert override.recurrence_id == datetime(2026, 11, 17, 15, 0)
    assert override.status == "cancelled"
    # to another weekday: the old override names no occurrence any more and goes
    thursday = msgspec.structs.replace(later, rrule="FREQ=WEEKLY;BYDAY=TH")
    assert edits.update_activity(db, series, thursday, zone=ZONE, now=T0).overrides == ()


def test_delete_hides_the_activity(db, series):
    activities_db.delete_activity(db, series, now=T0)
    assert activities_db.list_activities(db) == []
    assert activities_db.is_deleted(db, series)
    with pytest.raises(LookupError):
        edits.cancel_occurrence(db, series, datetime(2026, 11, 17, 14), zone=ZONE, now=T0)
