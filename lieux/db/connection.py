"""Opening SQLite connections with the pragmas every connection needs."""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

# Writers wait this long for a lock instead of failing at once (WAL lets readers go on).
BUSY_TIMEOUT_MS = 5_000


class DatabaseError(Exception):
    """The database file cannot be used; the message says why in one line."""


def connect(path: str | Path) -> Database:
    """Open (creating if needed) a database with WAL, foreign keys and a busy timeout.

    The connection may be used from another thread than the one that opened it (Litestar runs
    sync handlers in a worker thread) but must never be shared by two threads at once: open one
    per request.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot create {path}: directory {path.parent} does not exist")
    try:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"cannot open {path}: {error}") from None
    return Database(conn)


def open_existing(path: str | Path) -> Database:
    """Like `connect`, but refuse to create a new file (for serve, seed, backup)."""
    if not Path(path).is_file():
        raise DatabaseError(f"database {path} does not exist: run `lieux init --db {path}` first")
    return connect(path)
