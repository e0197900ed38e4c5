"""One date of a series changed on its own (cancelled, moved, retitled): the overrides' SQL.

The caller has checked that the date is an occurrence of the series (lieux.calendar.edits).
"""

from datetime import datetime

import msgspec
from sqlite_utils import Database

from lieux.calendar.models import Activity, ActivityOverride
from lieux.db.activities import (
    _drop_override,
    _next_stamp,
    _require,
    _touch,
    get_activity,
    upsert_override,
)

# What an override may set (a field left out keeps its value, or the series'); the first three
# say when, or whether, people come.
OVERRIDE_FIELDS = ("status", "starts_at", "ends_at", "title", "description")
_SIGNIFICANT = OVERRIDE_FIELDS[:3]


def set_override(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    now: datetime,
    expected_version: int | None = None,
    **fields: object,
) -> Activity:
    """Set fields of the override of one occurrence (the caller knows it is one): `status`
    ("cancelled", "confirmed"), `starts_at` and `ends_at` (local), `title`, `description`
    (None: as the series). An import sets them all at once, a form one or two."""
    if unknown := set(fields) - set(OVERRIDE_FIELDS):
        raise TypeError(f"an override has no field {sorted(unknown)[0]!r}")
    with db.atomic():
        activity = _require(db, activity_id, expected_version)
        existing = next((o for o in activity.overrides if o.recurrence_id == recurrence_id), None)
        stamp = _next_stamp(
            max(activity.updated_at, existing.updated_at if existing else activity.updated_at),
            now,
        )
        base = msgspec.to_builtins(existing) if existing else {}
        merged = {
            "status": "confirmed",
            "starts_at": None,
            "ends_at": None,
            "title": None,
            "description": None,
            **base,
            **fields,
        }
        significant = existing is None or any(base.get(key) != merged[key] for key in _SIGNIFICANT)
        # The override's SEQUENCE never falls below the series' own: clients compare them.
        sequence = max(existing.sequence if existing else 0, activity.sequence) + int(significant)
        upsert_override(
            db,
            activity_id,
            msgspec.convert(
                {
                    **merged,
                    "recurrence_id": recurrence_id,
                    "sequence": sequence,
                    "updated_at": stamp,
                },
                ActivityOverride,
            ),
        )
        _touch(db, activity, stamp, bump_sequence=False)
        return get_activity(db, activity_id)


def set_overrides(
    db: Database, activity_id: int, wanted: dict[datetime, dict], *, now: datetime
) -> bool:
    """Make the series' overrides exactly `wanted` ({original start: its OVERRIDE_FIELDS}), as
    one edit of the series: one version step and one LAST-MODIFIED however many dates change.
    What an import knows; one edit per date held the write lock for seconds on a calendar of
    thousands of changed dates. Whether anything changed."""
    with db.atomic():
        activity = _require(db, activity_id, None)
        current = {o.recurrence_id: o for o in activity.overrides}
        changed = {
            rid: fields
            for rid, fields in wanted.items()
            if rid not in current
            or any(getattr(current[rid], key) != fields[key] for key in OVERRIDE_FIELDS)
        }
        dropped = current.keys() - wanted.keys()
        if not changed and not dropped:
            return False
        latest = max([activity.updated_at, *(o.updated_at for o in current.values())])
        stamp = _next_stamp(latest, now)
        rows = []
        for rid, fields in changed.items():
            existing = current.get(rid)
            significant = existing is None or any(
                getattr(existing, key) != fields[key] for key in _SIGNIFICANT
            )
            # The override's SEQUENCE never falls below the series' own: clients compare them.
            sequence = max(existing.sequence if existing else 0, activity.sequence)
            override = ActivityOverride(
                recurrence_id=rid,
                **{key: fields[key] for key in OVERRIDE_FIELDS},
                sequence=sequence + int(significant),
                updated_at=stamp,
            )
            rows.append({**msgspec.to_builtins(override), "activity_id": activity_id})
        for rid in [*changed, *dropped]:
            _drop_override(db, activity_id, rid.isoformat())
        if rows:  # one statement for them all: they may be thousands, inside the write lock
            columns = list(rows[0])
            db.conn.executemany(
                f"INSERT INTO activity_overrides ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [[row[column] for column in columns] for row in rows],
            )
        _touch(db, activity, stamp, bump_sequence=False)
        return True


def remove_override(
    db: Database, activity_id: int, recurrence_id: datetime, *, now: datetime
) -> None:
    """Drop one occurrence's override: it becomes an ordinary occurrence of the series again."""
    with db.atomic():
        activity = _require(db, activity_id, None)
        _drop_override(db, activity_id, recurrence_id.isoformat())
        _touch(db, activity, _next_stamp(activity.updated_at, now), bump_sequence=False)
