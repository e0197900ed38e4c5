"""Activities and their per-occurrence overrides."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.calendar.models import Activity, ActivityOverride, ActivityWrite


def _utc(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat()


def list_activities(
    db: Database,
    *,
    lieu_ids: Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Activity]:
    """Activities not deleted, with their overrides, by start; optionally of some lieux/kinds."""
    where = ["deleted_at IS NULL"]
    params: list[object] = []
    for column, values in (("lieu_id", lieu_ids), ("kind", kinds)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    rows = list(
        db.query(
            f"SELECT * FROM activities WHERE {' AND '.join(where)} ORDER BY starts_at, id", params
        )
    )
    overrides = _overrides(db, [row["id"] for row in rows])
    return [
        msgspec.convert({**row, "overrides": overrides.get(row["id"], [])}, Activity, strict=False)
        for row in rows
    ]


def get_activity(db: Database, activity_id: int) -> Activity | None:
    """One activity (deleted ones included), with its overrides."""
    for row in db.query("SELECT * FROM activities WHERE id = ?", [activity_id]):
        overrides = _overrides(db, [activity_id]).get(activity_id, [])
        return msgspec.convert({**row, "overrides": overrides}, Activity, strict=False)
    return None


def _overrides(db: Database, activity_ids: list[int]) -> dict[int, list[dict]]:
    if not activity_ids:
        return {}
    found: dict[int, list[dict]] = defaultdict(list)
    placeholders = ", ".join("?" * len(activity_ids))
    for row in db.query(
        f"SELECT * FROM activity_overrides WHERE activity_id IN ({placeholders}) "
        "ORDER BY recurrence_id",
        activity_ids,
    ):
        found[row["activity_id"]].append(row)
    return found


def insert_activity(
    db: Database,
    lieu_id: int,
    activity: ActivityWrite,
    *,
    uid: str,
    now: datetime | None = None,
    demo: bool = False,
) -> int:
    """Store a new activity; return its id."""
    stamp = _utc(now)
    values = {
        **msgspec.to_builtins(activity),
        "uid": uid,
        "lieu_id": lieu_id,
        "created_at": stamp,
        "updated_at": stamp,
        "demo": demo,
    }
    return db["activities"].insert(values).last_pk


def upsert_override(db: Database, activity_id: int, override: ActivityOverride) -> None:
    """Set (or replace) the override of one occurrence of a series."""
    values = {**msgspec.to_builtins(override), "activity_id": activity_id}
    with db.atomic():
        db.execute(
            "DELETE FROM activity_overrides WHERE activity_id = ? AND recurrence_id = ?",
            [activity_id, values["recurrence_id"]],
        )
        db["activity_overrides"].insert(values)


def get_activity_by_uid(db: Database, uid: str) -> Activity | None:
    """The activity with this iCalendar UID, or None."""
    for row in db.query("SELECT id FROM activities WHERE uid = ?", [uid]):
        return get_activity(db, row["id"])
    return None
