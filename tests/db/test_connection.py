"""Transactions wait for another writer instead of failing at once, and roll back cleanly."""

import threading
import time

import pytest

from lieux import db as database


@pytest.fixture
def table(db_path):
    """A scratch table in the test's own database file."""
    db = database.connect(db_path)
    db.execute("CREATE TABLE scratch (x TEXT NOT NULL)")
    db.close()
    return db_path


def _rows(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT x FROM scratch ORDER BY x")]


def test_a_write_that_reads_first_waits_for_another_writer(table):
    """With a deferred BEGIN, a read-then-write block fails at once with "database is locked"
    while another connection writes (SQLite cannot wait while upgrading a read transaction)."""
    holder, writer = database.connect(table), database.connect(table)
    holder.conn.execute("BEGIN IMMEDIATE")
    holder.conn.execute("INSERT INTO scratch VALUES ('first')")
    # Slept, not a threading.Timer: under faketime (docs/testing.md) a timed wait on a
    # lock lasts the clock's offset.
    released = threading.Thread(target=lambda: (time.sleep(0.3), holder.conn.execute("COMMIT")))
    released.start()
    try:
        with writer.atomic():
            count = writer.execute("SELECT count(*) FROM scratch").fetchone()[0]
            writer.execute("INSERT INTO scratch VALUES (?)", (f"after {count}",))
    finally:
        released.join()
        holder.close()
    assert _rows(writer) == ["after 1", "first"]
    writer.close()


def test_a_nested_block_rolls_back_alone(table):
    db = database.connect(table)
    with db.atomic():
        db.execute("INSERT INTO scratch VALUES ('kept')")
        with pytest.raises(RuntimeError), db.atomic():
            db.execute("INSERT INTO scratch VALUES ('undone')")
            raise RuntimeError
    assert _rows(db) == ["kept"]


def test_a_failed_block_leaves_nothing(table):
    db = database.connect(table)
    with pytest.raises(RuntimeError), db.atomic():
        db.execute("INSERT INTO scratch VALUES ('undone')")
        raise RuntimeError
    assert _rows(db) == []
    assert not db.conn.in_transaction
