"""`lieux check` (one line per problem, exit 0/1) and a restore that serves the same answers."""

import sqlite3
import stat
import subprocess

from litestar.testing import TestClient

from lieux import db as database
from lieux.db.migrations import MIGRATIONS
from tests.conftest import make_app
from tests.live_server import run_lieux

# What a restored database must answer byte for byte as the original did.
SAME = ["/", "/lieux", "/lieux/babel-zin", "/ical/network.ics", "/api/lieux", "/agenda"]


def lieux(*args: str) -> subprocess.CompletedProcess:
    return run_lieux(*args, timeout=120)


def test_check_passes_a_sound_database(seeded_path):
    result = lieux("check", "--db", str(seeded_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"database {seeded_path}: ok"


def test_check_reports_a_missing_file_without_creating_it(tmp_path):
    path = tmp_path / "none.sqlite3"
    result = lieux("check", "--db", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"database {path} does not exist: run `lieux init --db {path}` first"
    ]
    assert not path.exists()


def test_check_reports_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"\x00junk" * 2000)
    result = lieux("check", "--db", str(path))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a database" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_pending_migrations_and_broken_foreign_keys(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = database.connect(path)
    last = MIGRATIONS._migrations[-1].name
    MIGRATIONS.apply(db, stop_before=last)
    db.close()
    raw = sqlite3.connect(path)  # foreign keys off: as a careless hand edit would do
    raw.execute(
        "INSERT INTO opening_slots (lieu_id, weekday, opens, closes) VALUES (9999, 0, '10:00', "
        "'12:00')"
    )
    raw.commit()
    raw.close()
    result = lieux("check", "--db", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "foreign key: opening_slots row 1 points to a missing lieux row",
        f"migrations: 1 pending ({last}): run `lieux init` to apply them",
    ], lines


def test_check_reports_a_damaged_file(seeded_path, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(seeded_path.read_bytes())
    page = 4096
    # Scribble over the middle pages (tables and indexes), keep the header sound.
    for offset in range(page * 3, min(len(data), page * 12), 7):
        data[offset] = 0x5A
    damaged.write_bytes(bytes(data))
    result = lieux("check", "--db", str(damaged))
    assert result.returncode == 1
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr


def test_a_backup_restored_into_a_new_file_serves_the_same_pages_and_feeds(seeded_path, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    restored = tmp_path / "restored.sqlite3"
    assert lieux("backup", str(backup), "--db", str(seeded_path)).returncode == 0
    result = lieux("restore", str(backup), "--db", str(restored))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
    assert lieux("check", "--db", str(restored)).returncode == 0
    # Nothing but the two copies is left, readable by the service's user and group alone (they
    # hold members' e-mail addresses): no -wal or -shm file the backups' pruning would miss.
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "backup.sqlite3",
        "lieux.sqlite3",
        "restored.sqlite3",
    ]
    assert {stat.S_IMODE(path.stat().st_mode) for path in (backup, restored)} == {0o640}
    with (
        TestClient(app=make_app(seeded_path)) as original,
        TestClient(app=make_app(restored)) as copy,
    ):
        for url in SAME:
            first, second = original.get(url), copy.get(url)
            assert first.status_code == 200, url
            assert (second.status_code, second.content) == (200, first.content), url
            assert second.headers.get("etag") == first.headers.get("etag"), url


def test_restore_refuses_to_overwrite_and_checks_the_backup(seeded_path, tmp_path):
    result = lieux("restore", str(seeded_path), "--db", str(seeded_path))
    assert result.returncode == 2
    assert "already exists" in result.stderr
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a backup" * 100)
    target = tmp_path / "new.sqlite3"
    result = lieux("restore", str(junk), "--db", str(target))
    assert result.returncode == 1
    assert result.stderr.startswith(f"backup {junk} not restored:")
    assert not target.exists()
    result = lieux("restore", str(tmp_path / "missing.sqlite3"), "--db", str(target))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
