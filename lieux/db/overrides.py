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

# What an override may set; a field left out keeps its value (or the series').
OVERRIDE_FIELDS = ("status", "starts_at", "ends_at", "title", "description")


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


def remove_override(
    db: Database, activity_id: int, recurrence_id: datetime, *, now: datetime
) -> None:
    """Drop one occurrence's override: it becomes an ordinary occurrence of the series again."""
    with db.atomic():
        activity = _require(db, activity_id, None)
        _drop_override(db, activity_id, recurrence_id.isoformat())
        _touch(db, activity, _next_stamp(activity.updated_at, now), bump_sequence=False)
