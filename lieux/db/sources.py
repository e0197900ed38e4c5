"""Calendars imported into a lieu's agenda (a linked URL or an uploaded file), and the import."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar.ical_import import ImportedEvent, ImportProblem, parse_calendar
from lieux.calendar.rules import is_occurrence
from lieux.db import activities as activities_db

_OVERRIDE_FIELDS = ("status", "starts_at", "ends_at", "title", "description")


class IcalSource(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lieu_id: int
    url: str | None = None
    label: str = ""
    last_fetched_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime


class ImportResult(msgspec.Struct, frozen=True, kw_only=True):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: tuple[str, ...] = ()  # one line each: why an event was left out

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed"
        )
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


def _utc(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat()


def source_for(
    db: Database, lieu_id: int, *, url: str | None, label: str, now: datetime | None = None
) -> IcalSource:
    """The source of this lieu with this URL (or, for a file, this label); created if new."""
    column, value = ("url", url) if url else ("label", label)
    extra = "" if url else " AND url IS NULL"
    rows = list(
        db.query(
            f"SELECT * FROM ical_sources WHERE lieu_id = ? AND {column} = ?{extra}",
            [lieu_id, value],
        )
    )
    if not rows:
        db["ical_sources"].insert(
            {"lieu_id": lieu_id, "url": url, "label": label, "created_at": _utc(now)}
        )
        rows = list(db.query("SELECT * FROM ical_sources WHERE id = last_insert_rowid()"))
    return msgspec.convert(rows[0], IcalSource, strict=False)


def linked_sources(db: Database) -> list[IcalSource]:
    """Every source with a URL, for the periodic refresh."""
    rows = db.query("SELECT * FROM ical_sources WHERE url IS NOT NULL ORDER BY id")
    return [msgspec.convert(row, IcalSource, strict=False) for row in rows]


def record_fetch(
    db: Database, source_id: int, *, error: str | None, now: datetime | None = None
) -> None:
    """Remember when a source was last read, and why it failed if it did."""
    db["ical_sources"].update(source_id, {"last_fetched_at": _utc(now), "last_error": error})


def apply_import(
    db: Database,
    source: IcalSource,
    events: list[ImportedEvent],
    *,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> ImportResult:
    """Make the lieu's activities from `source` match `events`, in one transaction.

    Idempotent by UID: a known UID is updated through the same write functions as any edit
    (so SEQUENCE and LAST-MODIFIED move only on real changes); a UID gone from the source is
    deleted from the agenda, and comes back if it reappears.
    """
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    skipped: list[str] = []
    seen: set[str] = set()
    with db.atomic():
        for event in events:
            row = next(
                db.query("SELECT id, source_id FROM activities WHERE uid = ?", [event.uid]), None
            )
            if row is not None and row["source_id"] != source.id:
                skipped.append(f"{event.uid}: this UID already belongs to another activity")
                continue
            seen.add(event.uid)
            skipped += event.notes
            if row is None:
                activity_id = activities_db.insert_activity(
                    db, source.lieu_id, event.activity, uid=event.uid, now=now
                )
                db["activities"].update(activity_id, {"source_id": source.id})
                counts["added"] += 1
                before = None
            else:
                activity_id = row["id"]
                before = activities_db.get_activity(db, activity_id)
                if activities_db.is_deleted(db, activity_id):
                    activities_db.undelete_activity(db, activity_id, now=now)
                activities_db.update_activity(db, activity_id, event.activity, zone=zone, now=now)
            skipped += _sync_overrides(db, activity_id, event, zone=zone, now=now)
            if before is not None:
                after = activities_db.get_activity(db, activity_id)
                counts["updated" if after.version != before.version else "unchanged"] += 1
        for row in db.query(
            "SELECT id, uid FROM activities WHERE source_id = ? AND deleted_at IS NULL",
            [source.id],
        ):
            if row["uid"] not in seen:
                activities_db.delete_activity(db, row["id"], now=now)
                counts["removed"] += 1
    return ImportResult(**counts, skipped=tuple(skipped))


def _sync_overrides(db, activity_id: int, event: ImportedEvent, *, zone, now) -> list[str]:
    activity = activities_db.get_activity(db, activity_id)
    current = {o.recurrence_id: o for o in activity.overrides}
    wanted = {o.recurrence_id: o for o in event.overrides}
    skipped = []
    for rid, override in wanted.items():
        if not is_occurrence(activity, rid, zone):
            skipped.append(f"{event.uid}: {rid.isoformat()} is not an occurrence of its rule")
            continue
        existing = current.get(rid)
        if existing is not None and all(
            getattr(existing, field) == getattr(override, field) for field in _OVERRIDE_FIELDS
        ):
            continue
        activities_db.set_override(
            db,
            activity_id,
            rid,
            **{field: getattr(override, field) for field in _OVERRIDE_FIELDS},
            zone=zone,
            now=now,
        )
    for rid in current.keys() - wanted.keys():
        activities_db.remove_override(db, activity_id, rid, now=now)
    return skipped


def import_calendar(
    db: Database, source: IcalSource, data: bytes, *, zone: ZoneInfo, now: datetime | None = None
) -> ImportResult:
    """Parse `data` (all or nothing) and apply it; the source remembers the outcome."""
    try:
        events = parse_calendar(data, zone)
    except ImportProblem as problem:
        record_fetch(db, source.id, error=str(problem), now=now)
        raise
    result = apply_import(db, source, events, zone=zone, now=now)
    record_fetch(db, source.id, error=None, now=now)
    return result


def list_sources(db: Database, lieu_id: int) -> list[IcalSource]:
    """The calendars imported into one lieu, newest first."""
    rows = db.query("SELECT * FROM ical_sources WHERE lieu_id = ? ORDER BY id DESC", [lieu_id])
    return [msgspec.convert(row, IcalSource, strict=False) for row in rows]
