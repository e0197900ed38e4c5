"""The live status of the lieux ("Fermé aujourd'hui"): one row per lieu at most."""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.hours.models import LiveStatus

_COLUMNS = "lieu_id, state, starts_at, expires_at, closes_at, note, set_by, set_at"


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _from_row(row: dict) -> LiveStatus:
    return msgspec.convert(row, LiveStatus, strict=False)


def all_live_statuses(db: Database) -> dict[int, LiveStatus]:
    """Every stored live status by lieu id (expired ones too: they have no effect)."""
    rows = db.query(f"SELECT {_COLUMNS} FROM live_status")
    return {row["lieu_id"]: _from_row(row) for row in rows}


def get_live_status(db: Database, lieu_id: int) -> LiveStatus | None:
    """The lieu's stored live status, or None."""
    for row in db.query(f"SELECT {_COLUMNS} FROM live_status WHERE lieu_id = ?", [lieu_id]):
        return _from_row(row)
    return None


def set_live_status(db: Database, status: LiveStatus) -> None:
    """Store `status` as the lieu's live status, replacing the one before."""
    values = msgspec.to_builtins(status)
    for key in ("starts_at", "expires_at", "closes_at", "set_at"):
        values[key] = _utc(getattr(status, key))
    db["live_status"].upsert(values, pk="lieu_id")


def clear_live_status(db: Database, lieu_id: int) -> None:
    """Remove the lieu's live status (nothing happens if it has none)."""
    db.execute("DELETE FROM live_status WHERE lieu_id = ?", [lieu_id])
