"""The address `lieux serve` last served this database at: the command line's links use it."""

from datetime import UTC, datetime

from sqlite_utils import Database


def record_served_url(db: Database, base_url: str, *, now: datetime) -> None:
    """Remember that this database is served at `base_url` (from `now`)."""
    with db.atomic():
        db.execute(
            "UPDATE served SET base_url = ?, served_at = ? WHERE id = 1",
            [base_url, now.astimezone(UTC).isoformat()],
        )


def served_url(db: Database) -> str | None:
    """The address this database was last served at, or None if it never was."""
    row = db.conn.execute("SELECT base_url FROM served WHERE id = 1").fetchone()
    return row[0] if row else None
