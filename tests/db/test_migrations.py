import sqlite3

import msgspec
import pytest
from sqlite_utils import Migrations

from lieux import db as database
from lieux.db.lieux import data_revision, list_helplines, upsert_helpline, upsert_lieu
from lieux.db.served import record_served_url, served_url
from lieux.models import LieuWrite
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW

FIRST = database.MIGRATIONS._migrations[0].name


def tables(db) -> set[str]:
    return set(db.table_names())


def test_fresh_database_has_every_table_and_pragmas(db):
    assert {
        "lieux",
        "helplines",
        "opening_slots",
        "opening_exceptions",
        "holiday_rules",
        "activities",
        "activity_overrides",
        "members",
        "roles",
        "invites",
        "proposals",
        "supports",
        "audit_log",
    } <= tables(db)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_rerunning_migrations_is_a_no_op(db):
    applied = [m.name for m in database.MIGRATIONS.applied(db)]
    database.migrate(db)
    assert [m.name for m in database.MIGRATIONS.applied(db)] == applied
    assert database.MIGRATIONS.pending(db) == []


def test_older_database_is_upgraded_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = database.connect(path)
    second = database.MIGRATIONS._migrations[1].name
    database.MIGRATIONS.apply(old, stop_before=second)  # a database from the first release
    assert "opening_slots" not in tables(old)
    old["lieux"].insert({"slug": "ancien", "name": "Ancien lieu", "updated_at": "2026-01-01"})
    old.close()

    upgraded = database.connect(path)
    database.migrate(upgraded)
    assert "opening_slots" in tables(upgraded)
    assert [r["name"] for r in upgraded.query("SELECT name FROM lieux")] == ["Ancien lieu"]
    assert database.MIGRATIONS.pending(upgraded) == []


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db["opening_slots"].insert(
            {"lieu_id": 999, "weekday": 0, "opens": "10:00:00", "closes": "12:00:00"}
        )


def test_schema_rejects_impossible_values(db):
    lieu_id = upsert_lieu(db, LieuWrite(slug="x", name="X"), now=DEMO_NOW)
    with pytest.raises(sqlite3.IntegrityError):
        db["opening_slots"].insert(
            {"lieu_id": lieu_id, "weekday": 7, "opens": "10:00:00", "closes": "12:00:00"}
        )
    with pytest.raises(sqlite3.IntegrityError):
        upsert_lieu(db, LieuWrite(slug="Pas un slug!", name="Y"), now=DEMO_NOW)


def test_every_public_write_bumps_the_revision(db):
    before = data_revision(db)
    lieu_id = upsert_lieu(db, LieuWrite(slug="x", name="X"), now=DEMO_NOW)
    after_insert = data_revision(db)
    assert after_insert > before
    db["opening_slots"].insert(
        {"lieu_id": lieu_id, "weekday": 0, "opens": "10:00:00", "closes": "12:00:00"}
    )
    assert data_revision(db) > after_insert


def test_unchanged_upsert_writes_nothing(db):
    upsert_lieu(db, LieuWrite(slug="x", name="X"), now=DEMO_NOW)
    before = data_revision(db)
    upsert_lieu(db, LieuWrite(slug="x", name="X"), now=DEMO_NOW)
    assert data_revision(db) == before


def test_database_before_helpline_translations_keeps_its_helplines(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = database.connect(path)
    database.MIGRATIONS.apply(old, stop_before="m150_helpline_translations")
    old["helplines"].insert(
        {"name": "Tele-Onthaal", "number": "106", "hours": "24/7", "language": "nl", "what": "X"}
    )
    old.close()

    upgraded = database.connect(path)
    database.migrate(upgraded)
    (line,) = list_helplines(upgraded)
    assert (line.number, line.what_nl, line.what_in("nl"), line.hours_in("en")) == (
        "106",
        None,
        "X",  # no translation yet: the text it has
        "24/7",
    )
    seed_guide(upgraded, now=DEMO_NOW)  # `lieux seed` then writes the translations it lacks
    (line,) = list_helplines(upgraded)  # and adds no line to a network's own list
    assert line.what_in("nl") == "Luisterlijn"
    assert line.what_in("fr") == "X"  # what the network wrote stays
    assert line.hours_in("en") == "24/7"


def test_a_helpline_change_bumps_the_revision_and_an_unchanged_one_does_not(db):
    seed_guide(db, now=DEMO_NOW)
    before = data_revision(db)
    seed_guide(db, now=DEMO_NOW)
    assert data_revision(db) == before
    line = list_helplines(db)[0]
    upsert_helpline(db, msgspec.structs.replace(line, hours="jour et nuit"))
    assert data_revision(db) > before


def test_database_migrated_in_mains_order_gets_the_served_table_too(tmp_path):
    # m610_served_url came from a branch merged after m700 and m701 shipped: a database that
    # has those but not m610 gets it next, its helplines' hours and periods kept.
    path = tmp_path / "main.sqlite3"
    old = database.connect(path)
    without = Migrations("lieux")
    for migration in database.MIGRATIONS._migrations:
        if migration.name != "m610_served_url":
            without(name=migration.name)(migration.fn)
    without.apply(old)
    assert "served" not in tables(old)
    assert "opening_hours" in old["helplines"].columns_dict
    old.close()

    upgraded = database.connect(path)
    database.migrate(upgraded)
    assert served_url(upgraded) is None
    record_served_url(upgraded, "http://127.0.0.1:8001", now=DEMO_NOW)
    assert served_url(upgraded) == "http://127.0.0.1:8001"
    assert [m.name for m in database.MIGRATIONS.applied(upgraded)][-1] == "m610_served_url"
    assert database.MIGRATIONS.pending(upgraded) == []
