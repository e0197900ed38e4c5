"""What `lieux check` and `/readyz` ask of a database file: is it sound and up to date?

Each problem is one line a person can act on; no problem is an empty list. Besides the file
itself, `lieux check` names every stored activity that breaks the recurrence model
(lieux.calendar.rules) and is not yet taken out of service by migration m200.
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from lieux.db.activities import breaking_the_model
from lieux.db.connection import DatabaseError, open_existing
from lieux.db.migrations import MIGRATIONS

# integrity_check stops after this many problems: enough to say the file is damaged.
MAX_INTEGRITY_ERRORS = 20


def problems(db: Database, *, rules: bool = True) -> list[str]:
    """Integrity, foreign keys and pending migrations of an open database; with `rules`, the
    activities that break the recurrence model."""
    found = []
    for (message,) in db.execute(f"PRAGMA integrity_check({MAX_INTEGRITY_ERRORS})").fetchall():
        if message != "ok":
            found.append(f"integrity: {message}")
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        found.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    pending = MIGRATIONS.pending(db)
    if pending:
        names = ", ".join(migration.name for migration in pending)
        found.append(
            f"migrations: {len(pending)} pending ({names}): run `lieux init` to apply them"
        )
    if rules and not any(line.startswith("integrity") for line in found):
        found += rule_problems(db)
    return found


def rule_problems(db: Database) -> list[str]:
    """One line per stored activity breaking the recurrence model and not yet flagged."""
    lieux = dict(db.execute("SELECT id, slug FROM lieux").fetchall())
    return [
        f"activity {activity.id} ({lieux.get(activity.lieu_id, '?')}: {activity.title!r}): {why}"
        for activity, why in breaking_the_model(db)
    ]


def check_file(path: str | Path, *, rules: bool = True) -> list[str]:
    """The problems of the database file at `path`, opened without creating or changing it."""
    try:
        db = open_existing(path)
    except DatabaseError as error:
        return [str(error)]
    try:
        return problems(db, rules=rules)
    except sqlite3.DatabaseError as error:
        return [f"database {path}: {error}"]
    finally:
        db.close()


def ready(db: Database) -> str | None:
    """Why this database cannot serve (one line), or None: a query, then pending migrations.

    Cheaper than `problems`: no integrity scan, which reads the whole file.
    """
    try:
        db.execute("SELECT value FROM revision WHERE id = 1").fetchone()
        pending = MIGRATIONS.pending(db)
    except sqlite3.Error as error:
        return f"database: {error}"
    if pending:
        return f"migrations: {len(pending)} pending"
    return None


def last_calendar_refresh(db: Database) -> str | None:
    """When a linked calendar address was last fetched (ISO-8601 UTC), or None if never."""
    row = db.execute(
        "SELECT max(last_fetched_at) FROM ical_sources WHERE url IS NOT NULL"
    ).fetchone()
    return row[0] if row else None
