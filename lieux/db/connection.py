"""Opening SQLite connections with the pragmas every connection needs."""

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

# Writers wait this long for a lock instead of failing at once (WAL lets readers go on).
BUSY_TIMEOUT_MS = 5_000


class _Database(Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin.

    `Database.atomic()` opens with a plain (deferred) BEGIN: a block that reads before it
    writes then fails at once with "database is locked" when another connection writes, since
    SQLite cannot wait for a lock while upgrading a read transaction (busy_timeout never
    applies). BEGIN IMMEDIATE waits up to BUSY_TIMEOUT_MS for the lock, then holds it.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator["_Database"]:
        if self.conn.in_transaction:  # nested: sqlite-utils' savepoints
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


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
    return _Database(conn)


def open_existing(path: str | Path) -> Database:
    """Like `connect`, but refuse to create a new file (for serve, seed, backup)."""
    if not Path(path).is_file():
        raise DatabaseError(f"database {path} does not exist: run `lieux init --db {path}` first")
    return connect(path)
