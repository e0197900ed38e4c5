"""Calendars imported into a lieu's agenda: a linked URL or an uploaded file (lieux.calendar.sync
does the import itself)."""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database


class IcalSource(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lieu_id: int
    url: str | None = None
    label: str = ""
    last_fetched_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()


def source_for(
    db: Database, lieu_id: int, *, url: str | None, label: str, now: datetime
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


def record_fetch(db: Database, source_id: int, *, error: str | None, now: datetime) -> None:
    """Remember when a source was last read, and why it failed if it did."""
    db["ical_sources"].update(source_id, {"last_fetched_at": _utc(now), "last_error": error})


def list_sources(db: Database, lieu_id: int) -> list[IcalSource]:
    """The calendars imported into one lieu, newest first."""
    rows = db.query("SELECT * FROM ical_sources WHERE lieu_id = ? ORDER BY id DESC", [lieu_id])
    return [msgspec.convert(row, IcalSource, strict=False) for row in rows]


def activity_for_uid(db: Database, uid: str) -> tuple[int, int | None] | None:
    """(activity id, source id) of the activity with this iCal UID, if any."""
    row = next(db.query("SELECT id, source_id FROM activities WHERE uid = ?", [uid]), None)
    return None if row is None else (row["id"], row["source_id"])


def attach_to_source(db: Database, activity_id: int, source_id: int) -> None:
    """Mark an activity as coming from a source (the next import of it may change or remove it)."""
    # Plain SQL: sqlite-utils' update() reads the table's schema and the row first, a thousand
    # times over for one big import, all inside its write transaction.
    db.execute("UPDATE activities SET source_id = ? WHERE id = ?", [source_id, activity_id])


def live_activities_of(db: Database, source_id: int) -> list[tuple[int, str]]:
    """(id, UID) of the source's activities that are not deleted."""
    rows = db.query(
        "SELECT id, uid FROM activities WHERE source_id = ? AND deleted_at IS NULL", [source_id]
    )
    return [(row["id"], row["uid"]) for row in rows]
