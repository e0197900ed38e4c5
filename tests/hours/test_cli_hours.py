"""`lieux hours LIEU "..."`: sets the hours, or refuses a bad string with exit 2, unchanged."""

from lieux import db as database
from lieux.cli import main
from lieux.db.hours import get_hours
from lieux.db.lieux import data_revision, get_lieu


def snapshot(path):
    db = database.connect(path)
    try:
        lieu = get_lieu(db, "babel-zin")
        return get_hours(db, lieu.id), data_revision(db)
    finally:
        db.close()


def test_hours_command_sets_weekly_hours_and_holiday_rule(seeded_path, capsys):
    code = main(["hours", "babel-zin", "Mo-Fr 10:00-16:00; PH off", "--db", str(seeded_path)])
    assert code == 0
    assert "Babel'Zin: hours set to Mo-Fr 10:00-16:00; PH off" in capsys.readouterr().out
    hours, _revision = snapshot(seeded_path)
    assert sorted((s.weekday, s.opens.isoformat(), s.closes.isoformat()) for s in hours.slots) == [
        (d, "10:00:00", "16:00:00") for d in range(5)
    ]
    assert hours.holiday_rule.rule == "closed"


def test_hours_command_refuses_a_bad_string_and_changes_nothing(seeded_path, capsys):
    before = snapshot(seeded_path)
    code = main(["hours", "babel-zin", "Mo-Fr 10:00-", "--db", str(seeded_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("lieux: ") and err.count("\n") == 1
    assert "Mo-Fr 10:00-" in err
    assert snapshot(seeded_path) == before


def test_hours_command_unknown_lieu(seeded_path, capsys):
    before = snapshot(seeded_path)
    assert main(["hours", "atlantis", "Mo 10:00-12:00", "--db", str(seeded_path)]) == 2
    assert "atlantis" in capsys.readouterr().err
    assert snapshot(seeded_path) == before
