"""Copies of a database file (`lieux backup`, `lieux restore`): SQLite's online backup into a
new, private file, never over an existing one."""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from lieux.db.connection import DatabaseError, open_existing

# Copies of the database hold members' names and e-mail addresses: readable by the service's
# user and group only, whatever the umask of whoever runs the command.
PRIVATE_FILE_MODE = 0o640


def refuse_new_file(dest: Path, what: str) -> None:
    """Say at once why `dest` cannot be a new file (before a long integrity check)."""
    if not dest.parent.is_dir():
        raise DatabaseError(f"directory {dest.parent} does not exist")
    if dest.exists():
        raise DatabaseError(f"{dest} already exists: {what}")


def copy_into_new_file(source: Path, dest: Path, what: str) -> None:
    """SQLite's online backup of `source` into `dest`, a file created here, private, never
    overwritten, and removed if the copy fails half-way. `source` is opened as the app opens
    it, so that closing it removes its -wal and -shm files (a read-only connection would leave
    them beside a backup)."""
    refuse_new_file(dest, what)
    db = open_existing(source)
    try:
        try:
            os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        except FileExistsError:  # made since _refuse_new_file looked
            refuse_new_file(dest, what)
            raise
        try:
            with closing(sqlite3.connect(dest)) as target:
                db.conn.backup(target)
        except sqlite3.Error as error:
            dest.unlink(missing_ok=True)
            raise DatabaseError(f"cannot copy {source} into {dest}: {error}") from None
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
    finally:
        db.close()
