"""Activities and their per-occurrence overrides."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar import rules
from lieux.calendar.models import Activity, ActivityOverride, ActivityWrite
from lieux.settings import Settings


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


def _where(
    lieu_ids: Iterable[int] | None, kinds: Iterable[str] | None
) -> tuple[list[str], list[object]]:
    """Conditions on activities (and their parameters): of these lieux, of these kinds."""
    where: list[str] = []
    params: list[object] = []
    for column, values in (("lieu_id", lieu_ids), ("kind", kinds)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({_marks(values)})")
            params.extend(values)
    return where, params


def list_activities(
    db: Database,
    *,
    lieu_ids: Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
) -> list[Activity]:
    """Activities not deleted, with their overrides, by start; optionally of some lieux/kinds,
    and without most of what ended before `since` (local wall time; see `_ENDED`)."""
    where, params = _where(lieu_ids, kinds)
    # An archived lieu's activities are kept, but no public list shows them.
    live = "lieu_id IN (SELECT id FROM lieux WHERE archived_at IS NULL)"
    where = ["deleted_at IS NULL", live, *where]
    margin = None if since is None else (since - timedelta(days=1)).date().isoformat()
    if margin is not None:
        where.append("(rrule IS NOT NULL OR ends_at >= ?)")
        params.append(margin)
    selected = " AND ".join(where)
    # Sorted here, not by SQLite: its sorter copies each row's long texts (a third of the read
    # of 600 series with 3,500-character descriptions). Python's text order is SQLite's BINARY.
    rows = _rows(db, f"SELECT * FROM activities WHERE {selected}", params)
    rows.sort(key=lambda row: (row["starts_at"], row["id"]))
    overrides: dict[int, list[dict]] = defaultdict(list)
    # the columns of an ActivityOverride, and whose it is
    sql = (
        f"SELECT o.activity_id, {_OVERRIDE_COLUMNS} FROM activity_overrides o "
        f"WHERE o.activity_id IN (SELECT id FROM activities WHERE {selected})"
    )
    if margin is not None:
        sql += f" AND {_ENDED}"
        params += [margin, margin]
    cursor = db.execute(sql + " ORDER BY o.activity_id, o.recurrence_id", params)
    for activity_id, *values in cursor:
        overrides[activity_id].append(
            dict(zip(ActivityOverride.__struct_fields__, values, strict=True))
        )
    for row in rows:
        row["overrides"] = overrides.get(row["id"], ())
    return msgspec.convert(rows, list[Activity], strict=False)


_OVERRIDE_COLUMNS = ", ".join(f"o.{field}" for field in ActivityOverride.__struct_fields__)


# The changed dates `list_activities(since=)` keeps: a little more than those that end at or
# after `since` (lieux.calendar.feed_window drops the rest exactly): those whose original or
# moved date ends on or after the day before `since`, and those of a one-off (a rule taken out
# of service keeps them). The day of margin makes text comparison and julianday's floating point
# safe; a date julianday cannot read is kept. The series is looked up only for the dates the
# text leaves in doubt (a join for all of them was a third of the read at the caps).
_ENDED = """(max(o.recurrence_id, coalesce(o.starts_at, ''), coalesce(o.ends_at, '')) >= ?
    OR coalesce((
        SELECT a.rrule IS NULL
            OR julianday(max(o.recurrence_id, coalesce(o.starts_at, o.recurrence_id)))
                + julianday(a.ends_at) - julianday(a.starts_at) >= julianday(?)
        FROM activities a WHERE a.id = o.activity_id), 1))"""


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def get_activity(db: Database, activity_id: int) -> Activity | None:
    """One activity (deleted ones included), with its overrides."""
    for row in db.query("SELECT * FROM activities WHERE id = ?", [activity_id]):
        overrides = _overrides(db, [activity_id]).get(activity_id, [])
        return msgspec.convert({**row, "overrides": overrides}, Activity, strict=False)
    return None


def is_deleted(db: Database, activity_id: int) -> bool:
    """Whether the activity was deleted (it stays stored for the audit log)."""
    row = db.execute("SELECT deleted_at FROM activities WHERE id = ?", [activity_id]).fetchone()
    return row is not None and row[0] is not None


def _overrides(db: Database, activity_ids: list[int]) -> dict[int, list[dict]]:
    if not activity_ids:
        return {}
    found: dict[int, list[dict]] = defaultdict(list)
    for row in db.query(
        f"SELECT * FROM activity_overrides WHERE activity_id IN ({_marks(activity_ids)}) "
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
    now: datetime,
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


def _drop_override(db: Database, activity_id: int, recurrence_id: str) -> None:
    db.execute(
        "DELETE FROM activity_overrides WHERE activity_id = ? AND recurrence_id = ?",
        [activity_id, recurrence_id],
    )


def upsert_override(db: Database, activity_id: int, override: ActivityOverride) -> None:
    """Set (or replace) the override of one occurrence of a series."""
    values = {**msgspec.to_builtins(override), "activity_id": activity_id}
    with db.atomic():
        _drop_override(db, activity_id, values["recurrence_id"])
        db["activity_overrides"].insert(values)


def get_activity_by_uid(db: Database, uid: str) -> Activity | None:
    """The activity with this iCalendar UID, or None."""
    for row in db.query("SELECT id FROM activities WHERE uid = ?", [uid]):
        return get_activity(db, row["id"])
    return None


# --- edits: every change goes through these, so SEQUENCE and LAST-MODIFIED stay right ----------

# Changing any of these changes when (or whether) people should come: calendar clients only
# replace an event they already have when its SEQUENCE grows (RFC 5546).
SIGNIFICANT = ("starts_at", "ends_at", "all_day", "rrule", "status")


class StaleActivity(Exception):
    """Someone else saved the activity since it was read (its `version` moved on)."""


def _next_stamp(previous: datetime, now: datetime) -> datetime:
    """A UTC instant, whole seconds, strictly after `previous`: LAST-MODIFIED has one-second
    precision and must grow on every edit, even two in the same second."""
    stamp = now.astimezone(UTC).replace(microsecond=0)
    floor = previous.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
    return max(stamp, floor)


def _require(db: Database, activity_id: int, expected_version: int | None) -> Activity:
    activity = get_activity(db, activity_id)
    if activity is None or is_deleted(db, activity_id):
        raise LookupError(f"no activity {activity_id}")
    if expected_version is not None and activity.version != expected_version:
        raise StaleActivity(
            f"activity {activity_id} is at version {activity.version}, not {expected_version}"
        )
    return activity


def _touch(db: Database, activity: Activity, stamp: datetime, *, bump_sequence: bool) -> None:
    """Move the series' version and LAST-MODIFIED on (its overrides are part of it)."""
    db.execute(
        "UPDATE activities SET updated_at = ?, version = version + 1, "
        "sequence = sequence + ? WHERE id = ?",
        [stamp.isoformat(), int(bump_sequence), activity.id],
    )


def update_activity(
    db: Database,
    activity_id: int,
    changes: ActivityWrite,
    *,
    now: datetime,
    expected_version: int | None = None,
    moved: dict[datetime, datetime] | None = None,
) -> Activity:
    """Replace an activity's fields (its RRULE already normalised); bump SEQUENCE if its time,
    rule or status changed.

    When the series moves or its rule changes, the overrides in `moved` (old -> new original
    start) go along; the others are dropped (lieux.calendar.edits decides which).
    """
    with db.atomic():
        before = _require(db, activity_id, expected_version)
        values = msgspec.to_builtins(changes)
        old = msgspec.to_builtins(before)
        significant = any(old[key] != values[key] for key in SIGNIFICANT)
        if not significant and all(old[key] == value for key, value in values.items()):
            return before
        stamp = _next_stamp(before.updated_at, now)
        db["activities"].update(
            activity_id,
            {
                **values,
                "updated_at": stamp.isoformat(),
                "version": before.version + 1,
                "sequence": before.sequence + int(significant),
            },
        )
        after = get_activity(db, activity_id)
        shift = after.starts_at - before.starts_at
        if before.overrides and (shift or before.rrule != after.rrule):
            for override in before.overrides:
                rid = (moved or {}).get(override.recurrence_id)
                _drop_override(db, activity_id, override.recurrence_id.isoformat())
                if rid is not None:
                    db["activity_overrides"].insert(
                        {
                            **msgspec.to_builtins(override),
                            "recurrence_id": rid.isoformat(),
                            "activity_id": activity_id,
                            "sequence": override.sequence + 1,
                            "updated_at": stamp.isoformat(),
                        }
                    )
        return get_activity(db, activity_id)


def delete_activity(
    db: Database,
    activity_id: int,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """Remove an activity from the agenda and feeds (the row stays, for the audit log)."""
    with db.atomic():
        activity = _require(db, activity_id, expected_version)
        stamp = _next_stamp(activity.updated_at, now)
        db.execute(
            "UPDATE activities SET deleted_at = ?, updated_at = ?, version = version + 1 "
            "WHERE id = ?",
            [stamp.isoformat(), stamp.isoformat(), activity_id],
        )


# --- co-management (issue 6): the trash and restoring from it ----------------------------------


def list_deleted(db: Database, lieu_id: int) -> list[Activity]:
    """A lieu's deleted activities, most recently deleted first (they can be restored)."""
    rows = db.query(
        "SELECT id FROM activities WHERE lieu_id = ? AND deleted_at IS NOT NULL "
        "ORDER BY deleted_at DESC",
        [lieu_id],
    )
    return [get_activity(db, row["id"]) for row in rows]


def undelete_activity(db: Database, activity_id: int, *, now: datetime) -> None:
    """Put a deleted activity back as it was; raise LookupError if it is not deleted."""
    with db.atomic():
        activity = get_activity(db, activity_id)
        if activity is None or not is_deleted(db, activity_id):
            raise LookupError(f"activity {activity_id} is not deleted")
        stamp = _next_stamp(activity.updated_at, now)
        # SEQUENCE grows: a calendar that dropped the event must take it back.
        db.execute(
            "UPDATE activities SET deleted_at = NULL, updated_at = ?, version = version + 1, "
            "sequence = sequence + 1 WHERE id = ?",
            [stamp.isoformat(), activity_id],
        )


def last_change(
    db: Database, lieu_ids: Iterable[int], kinds: Iterable[str] | None
) -> datetime | None:
    """The latest edit of these lieux, of their activities (deleted ones too: a deletion is a
    change a feed's Last-Modified must show) or of their hours (a closure marks activities)."""
    lieu_ids = list(lieu_ids)
    if not lieu_ids:
        return None
    where, params = _where(lieu_ids, kinds)
    sql = f"SELECT max(updated_at) FROM activities WHERE {' AND '.join(where)}"
    found = [
        db.execute(sql, params).fetchone()[0],
        db.execute(
            f"SELECT max(updated_at) FROM lieux WHERE id IN ({_marks(lieu_ids)})", lieu_ids
        ).fetchone()[0],
        db.execute(
            "SELECT max(at) FROM audit_log WHERE entity = 'hours' "
            f"AND lieu_id IN ({_marks(lieu_ids)})",
            lieu_ids,
        ).fetchone()[0],
    ]
    stamps = [datetime.fromisoformat(value) for value in found if value]
    return max(stamps) if stamps else None


# --- the recurrence model (issue 20): caps and rules taken out of service ----------------------


def count_current(
    db: Database, lieu_id: int, *, since: datetime, other_than_source: int | None = None
) -> int:
    """How many of a lieu's activities are current: not deleted, and a series or a one-off that
    ends at or after `since` (local wall time); those of one calendar source left out if given."""
    sql = (
        "SELECT count(*) FROM activities WHERE lieu_id = ? AND deleted_at IS NULL "
        "AND (rrule IS NOT NULL OR ends_at >= ?)"
    )
    params: list[object] = [lieu_id, since.isoformat()]
    if other_than_source is not None:
        sql += " AND (source_id IS NULL OR source_id != ?)"
        params.append(other_than_source)
    return db.execute(sql, params).fetchone()[0]


def count_current_overrides(
    db: Database, lieu_id: int, *, since: datetime, other_than_source: int | None = None
) -> int:
    """How many changed or cancelled dates the lieu's current activities (as `count_current`)
    hold together; those of one calendar source left out if given."""
    sql = (
        "SELECT count(*) FROM activity_overrides o JOIN activities a ON a.id = o.activity_id "
        "WHERE a.lieu_id = ? AND a.deleted_at IS NULL AND (a.rrule IS NOT NULL OR a.ends_at >= ?)"
    )
    params: list[object] = [lieu_id, since.isoformat()]
    if other_than_source is not None:
        sql += " AND (a.source_id IS NULL OR a.source_id != ?)"
        params.append(other_than_source)
    return db.execute(sql, params).fetchone()[0]


def clear_rule_problem(db: Database, activity_id: int) -> None:
    """Forget that the migration took the activity's rule out of service (it was rewritten);
    the rule it took out stays in `refused_rrule`."""
    db.execute(
        "UPDATE activities SET rule_problem = NULL WHERE id = ? AND rule_problem IS NOT NULL",
        [activity_id],
    )


def rule_problems(db: Database, lieu_id: int) -> dict[int, str]:
    """Why the migration took a rule out of service, by activity id, for one lieu's list."""
    rows = db.execute(
        "SELECT id, rule_problem FROM activities WHERE lieu_id = ? AND deleted_at IS NULL "
        "AND rule_problem IS NOT NULL",
        [lieu_id],
    ).fetchall()
    return dict(rows)


def _stored_zone() -> ZoneInfo:
    """The zone the migration and `lieux check` read stored wall times in: the default one (a
    rule's UNTIL is a UTC instant; another zone moves it by hours, never into or out of the
    model's years)."""
    return ZoneInfo(Settings().tz)


def breaking_the_model(db: Database, *, flagged: bool = False) -> list[tuple[Activity, str]]:
    """Stored activities (deleted ones too) that break the recurrence model, with why; those
    already flagged by the migration left out unless `flagged`."""
    has_flag = "rule_problem" in db["activities"].columns_dict
    where = "" if flagged or not has_flag else " WHERE rule_problem IS NULL"
    found = []
    zone = _stored_zone()
    for row in db.query(f"SELECT id FROM activities{where} ORDER BY id"):
        activity = get_activity(db, row["id"])
        if (why := rules.problem(activity, zone)) is not None:
            found.append((activity, why))
    return found


def neutralise_rules(db: Database, *, clock: Callable[[], datetime]) -> int:
    """Flag every activity that breaks the model and take a series' rule out of service (kept
    in `refused_rrule`): it is never expanded again. How many were flagged. `clock` is read
    only if there is one (a migration has no request's "now")."""
    found = breaking_the_model(db)
    now = clock() if found else None
    with db.atomic():
        for activity, why in found:
            stamp = _next_stamp(activity.updated_at, now)
            # A series becoming a one-off changes what calendars show: SEQUENCE grows.
            db.execute(
                "UPDATE activities SET rule_problem = ?, refused_rrule = rrule, rrule = NULL, "
                "sequence = sequence + (rrule IS NOT NULL), version = version + 1, "
                "updated_at = ? WHERE id = ?",
                [why, stamp.isoformat(), activity.id],
            )
    return len(found)


# What a proposal declined by the upgrade says to its proposer (they read French first).
BROKEN_PROPOSAL = "Refusée à la mise à jour : la répétition sort des limites du service ({why})."


def decline_broken_proposals(db: Database, *, clock: Callable[[], datetime]) -> int:
    """Decline every pending proposal whose activity breaks the model, saying why; how many.
    `clock` is read only if there is one."""
    zone = _stored_zone()
    declined = []
    for row in db.query("SELECT id, activity FROM proposals WHERE status = 'pending'"):
        write = msgspec.json.decode(row["activity"], type=ActivityWrite)
        if (why := rules.problem(write, zone)) is not None:
            declined.append((BROKEN_PROPOSAL.format(why=why), row["id"]))
    if not declined:
        return 0
    decided_at = _utc(clock())
    with db.atomic():
        db.conn.executemany(
            "UPDATE proposals SET status = 'declined', message = ?, decided_at = ? WHERE id = ?",
            [(message, decided_at, proposal_id) for message, proposal_id in declined],
        )
    return len(declined)
