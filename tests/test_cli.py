import sqlite3
import subprocess

import pytest

from lieux import db as database
from lieux.cli import main
from lieux.db.lieux import list_lieux
from tests.live_server import run_lieux


def run(*args: str) -> subprocess.CompletedProcess:
    return run_lieux(*args, timeout=60)


def test_init_creates_then_is_a_no_op(tmp_path, capsys):
    path = tmp_path / "new.sqlite3"
    assert main(["init", "--db", str(path)]) == 0
    assert path.exists()
    assert "created" in capsys.readouterr().out
    assert main(["init", "--db", str(path)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_db_defaults_to_the_environment_variable(tmp_path, monkeypatch):
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("LIEUX_DB", str(path))
    assert main(["init"]) == 0
    assert path.exists()


def test_seed_without_demo_leaves_hours_unknown(tmp_path):
    path = tmp_path / "real.sqlite3"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["seed", "--db", str(path)]) == 0
    db = database.connect(path)
    assert len(list_lieux(db)) == 11
    assert db.execute("SELECT count(*) FROM opening_slots").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM activities").fetchone()[0] == 0


@pytest.mark.any_day
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: command"),
        (["serve", "--port", "abc"], "invalid int value: 'abc'"),
        (["serve", "--port", "70000", "--db", "DB"], "--port 70000"),
        (["seed", "--db", "/nonexistent/dir/x.sqlite3"], "does not exist"),
        (
            ["init", "--db", "/nonexistent/dir/x.sqlite3"],
            "directory /nonexistent/dir does not exist",
        ),
        (["serve", "--db", "missing.sqlite3"], "run `lieux init"),
        (["backup", "--db", "DB", "DB"], "already exists"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(seeded_path, args, message):
    args = [str(seeded_path) if a == "DB" else a for a in args]
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"my precious notes\n")
    result = run("init", "--db", str(path))
    assert result.returncode == 2
    assert "file is not a database" in result.stderr
    assert path.read_bytes() == b"my precious notes\n"


def test_bad_environment_setting_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LIEUX_TZ", "Mars/Olympus")
    assert main(["init", "--db", str(tmp_path / "x.sqlite3")]) == 2
    assert not (tmp_path / "x.sqlite3").exists()


def test_backup_copies_a_live_database(seeded_path, tmp_path):
    live = database.connect(seeded_path)  # a connection stays open, as under `lieux serve`
    dest = tmp_path / "backup.sqlite3"
    assert main(["backup", str(dest), "--db", str(seeded_path)]) == 0
    live.close()
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT count(*) FROM lieux").fetchone()[0] == 11
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_backup_refuses_what_it_cannot_do_and_leaves_no_file_behind(seeded_path, tmp_path, capsys):
    dest = tmp_path / "backup.sqlite3"
    missing = tmp_path / "missing.sqlite3"
    assert main(["backup", str(dest), "--db", str(missing)]) == 2
    assert f"database {missing} does not exist" in capsys.readouterr().err
    assert not dest.exists()
    dest.write_bytes(b"an earlier backup")
    assert main(["backup", str(dest), "--db", str(seeded_path)]) == 2
    assert capsys.readouterr().err.strip().endswith("already exists: choose a new file name")
    assert dest.read_bytes() == b"an earlier backup"


def test_backup_into_a_file_that_cannot_be_made_says_so_in_one_line(seeded_path, tmp_path, capsys):
    dest = tmp_path / ("x" * 300 + ".sqlite3")  # too long a name, even for root
    assert main(["backup", str(dest), "--db", str(seeded_path)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == f"lieux: {dest}: File name too long"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lieux.sqlite3"]
