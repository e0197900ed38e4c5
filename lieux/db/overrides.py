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


def _set_override(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    now: datetime,
    expected_version: int | None,
    **fields: object,
) -> Activity:
    """Set fields of the override of one occurrence (the caller knows it is one)."""
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
        significant = existing is None or any(
            base.get(key) != merged[key] for key in ("status", "starts_at", "ends_at")
        )
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


def cancel_occurrence(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> Activity:
    """Cancel one occurrence of a series (given by its original local start)."""
    return _set_override(
        db,
        activity_id,
        recurrence_id,
        now=now,
        expected_version=expected_version,
        status="cancelled",
    )


def restore_occurrence(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> Activity:
    """Undo the cancellation of one occurrence (kept as an override so SEQUENCE can grow)."""
    return _set_override(
        db,
        activity_id,
        recurrence_id,
        now=now,
        expected_version=expected_version,
        status="confirmed",
    )


def move_occurrence(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> Activity:
    """Give one occurrence of a series another local start and end."""
    if ends_at < starts_at:
        raise ValueError("an occurrence cannot end before it starts")
    return _set_override(
        db,
        activity_id,
        recurrence_id,
        now=now,
        expected_version=expected_version,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def edit_occurrence(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    title: str | None,
    description: str | None,
    now: datetime,
    expected_version: int | None = None,
) -> Activity:
    """Retitle or redescribe one occurrence (None: as the series)."""
    return _set_override(
        db,
        activity_id,
        recurrence_id,
        now=now,
        expected_version=expected_version,
        title=title,
        description=description,
    )


def set_override(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    status: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    title: str | None,
    description: str | None,
    now: datetime,
) -> Activity:
    """Set every field of one occurrence's override at once (an undo puts one date back)."""
    return _set_override(
        db,
        activity_id,
        recurrence_id,
        now=now,
        expected_version=None,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        description=description,
    )


# What an override holds besides its date and bookkeeping; a change of the first three changes
# when (or whether) people come, so it moves the override's SEQUENCE.
OVERRIDE_FIELDS = ("status", "starts_at", "ends_at", "title", "description")
_SIGNIFICANT = OVERRIDE_FIELDS[:3]


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
