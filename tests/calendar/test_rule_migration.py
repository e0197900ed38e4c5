"""Rules stored before the recurrence model (issue 20): `lieux check` names them, migration m200
takes them out of service (kept, flagged, never expanded again: the series shows as a one-off on
its first date), the pages answer, and the co-managers see what to redo."""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.calendar import edits
from lieux.calendar.models import ActivityWrite
from lieux.cli import main
from lieux.db import activities as activities_db
from lieux.db.lieux import get_lieu
from lieux.manage.actions import as_write
from lieux.seed import load_guide, seed_lieux
from tests.calendar.test_rule_bounds import counted_walks, within_caps
from tests.conftest import DEMO_NOW, make_app
from tests.people import LIEU_A, add_member, sign_in

ZONE = ZoneInfo("Europe/Brussels")
STAMP = "2026-01-01T00:00:00+00:00"
# uid: (rrule, starts_at) as an older version stored them
STORED = {
    "zero@old": ("FREQ=DAILY;INTERVAL=0", "2026-11-20T10:00:00"),
    "never@old": ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "2026-11-20T10:00:00"),
    "year-one@old": ("FREQ=WEEKLY", "0001-01-01T10:00:00"),
    "far-one-off@old": (None, "9999-06-01T10:00:00"),
    "fine@old": ("FREQ=WEEKLY;BYDAY=FR", "2026-11-20T10:00:00"),
}


@pytest.fixture
def old_path(tmp_path):
    """A database of the release before m200, with rules the model now refuses."""
    path = tmp_path / "old.sqlite3"
    db = database.connect(path)
    database.MIGRATIONS.apply(db, stop_before="m200_rule_problems")
    seed_lieux(db, load_guide(), now=DEMO_NOW)
    lieu = get_lieu(db, LIEU_A)
    for uid, (rrule, starts) in STORED.items():
        db["activities"].insert(
            {
                "uid": uid,
                "lieu_id": lieu.id,
                "kind": "atelier",
                "title": f"Ancien {uid}",
                "starts_at": starts,
                "ends_at": starts.replace("T10:", "T11:"),
                "rrule": rrule,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        )
    for n, rrule in enumerate(["FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY"]):
        proposal = ActivityWrite(
            kind="atelier",
            title=f"Proposé {n}",
            starts_at=datetime(2026, 12, 1, 14),
            ends_at=datetime(2026, 12, 1, 16),
            rrule=rrule,
        )
        db["proposals"].insert(
            {
                "lieu_id": lieu.id,
                "proposer_name": "Une voisine",
                "activity": msgspec.json.encode(proposal).decode(),
                "created_at": STAMP,
            }
        )
    zero = db.execute("SELECT id FROM activities WHERE uid = 'zero@old'").fetchone()[0]
    for rid in ("2026-11-27T10:00:00", "9999-12-01T10:00:00"):
        db["activity_overrides"].insert(
            {"activity_id": zero, "recurrence_id": rid, "status": "cancelled", "updated_at": STAMP}
        )
    db.close()
    return path


def rows(path) -> dict[str, dict]:
    db = database.connect(path)
    try:
        return {row["uid"]: row for row in db.query("SELECT * FROM activities")}
    finally:
        db.close()


def test_check_names_them_init_takes_them_out_of_service(old_path, capsys):
    assert main(["check", "--db", str(old_path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("migrations: ") and "pending (m200_rule_problems" in lines[0]
    named = {line.split("'")[1] for line in lines[1:]}  # activity 1 (babel-zin: 'Ancien ...')
    assert named == {f"Ancien {uid}" for uid in STORED if uid != "fine@old"}
    assert any("FREQ=DAILY;INTERVAL=0: INTERVAL must be 1 to 52" in line for line in lines)
    assert any("no date within 5 years" in line for line in lines)
    assert sum("between 1970 and 2199" in line for line in lines) == 2

    assert main(["init", "--db", str(old_path)]) == 0
    assert main(["check", "--db", str(old_path)]) == 0
    capsys.readouterr()

    stored = rows(old_path)
    for uid in ("zero@old", "never@old", "year-one@old"):
        row = stored[uid]
        assert row["rrule"] is None and row["refused_rrule"] == STORED[uid][0]
        assert row["rule_problem"] and row["sequence"] == 1 and row["version"] == 2
    far = stored["far-one-off@old"]
    assert far["rule_problem"] and far["sequence"] == 0  # flagged only: nothing to expand
    fine = stored["fine@old"]
    assert fine["rrule"] == "FREQ=WEEKLY;BYDAY=FR" and fine["rule_problem"] is None
    db = database.connect(old_path)
    overrides = db.execute("SELECT recurrence_id FROM activity_overrides").fetchall()
    db.close()
    assert overrides == [("2026-11-27T10:00:00",)]  # the one in 9999 could be no date of any rule


def test_a_pending_proposal_that_breaks_the_model_is_declined_saying_why(old_path):
    """Accepting it would store what the forms now refuse (anonymous proposals could)."""
    assert main(["init", "--db", str(old_path)]) == 0
    db = database.connect(old_path)
    found = db.execute("SELECT status, message FROM proposals ORDER BY id").fetchall()
    db.close()
    (broken, kept) = found
    assert broken[0] == "declined" and "INTERVAL must be 1 to 52" in broken[1]
    assert broken[1].startswith("Refusée à la mise à jour")
    assert kept == ("pending", "")


def test_after_the_migration_pages_answer_and_co_managers_see_what_to_redo(old_path):
    assert main(["init", "--db", str(old_path)]) == 0
    with TestClient(app=make_app(old_path)) as client, counted_walks() as walks:
        for page in ("/", "/agenda", f"/lieux/{LIEU_A}", f"/ical/lieux/{LIEU_A}.ics"):
            assert client.get(page).status_code == 200, page
        assert client.get(f"/api/occurrences?lieu={LIEU_A}").status_code == 200
        assert not any(w.cut for w in walks) and all(within_caps(w) for w in walks)
        # the series that lost its rule shows once, on its first date
        agenda = client.get(f"/api/occurrences?lieu={LIEU_A}&from=2026-11-20&to=2026-12-31")
        titles = [o["title"] for o in agenda.json()]
        assert titles.count("Ancien zero@old") == 1 and titles.count("Ancien fine@old") == 6
        sign_in(client, old_path, add_member(old_path, "Co A", {LIEU_A: "co-manager"}))
        dashboard = client.get(f"/manage/{LIEU_A}").text
        assert dashboard.count("répétition hors service, à refaire") == 4
        assert "INTERVAL must be 1 to 52" in dashboard


def test_rewriting_an_activity_clears_its_flag(old_path):
    assert main(["init", "--db", str(old_path)]) == 0
    db = database.connect(old_path)
    zero = activities_db.get_activity_by_uid(db, "zero@old")
    write = as_write(zero)
    edits.update_activity(db, zero.id, write, zone=ZONE, now=DEMO_NOW)
    lieu = get_lieu(db, LIEU_A)
    assert zero.id not in activities_db.rule_problems(db, lieu.id)
    assert len(activities_db.rule_problems(db, lieu.id)) == 3
    refused = db.execute("SELECT refused_rrule FROM activities WHERE id = ?", [zero.id])
    assert refused.fetchone()[0] == "FREQ=DAILY;INTERVAL=0"  # kept for reference
    db.close()


def test_new_writes_are_checked_but_old_dates_do_not_block_a_status_change(old_path):
    assert main(["init", "--db", str(old_path)]) == 0
    db = database.connect(old_path)
    year_one = activities_db.get_activity_by_uid(db, "year-one@old")
    cancel = msgspec.structs.replace(as_write(year_one), status="cancelled")
    assert edits.update_activity(db, year_one.id, cancel, zone=ZONE, now=DEMO_NOW).status == (
        "cancelled"
    )
    fine = activities_db.get_activity_by_uid(db, "fine@old")
    broken = msgspec.structs.replace(as_write(fine), rrule="FREQ=DAILY;INTERVAL=0")
    with pytest.raises(ValueError, match="INTERVAL must be 1 to 52"):
        edits.update_activity(db, fine.id, broken, zone=ZONE, now=DEMO_NOW)
    db.close()


def test_the_years_of_the_model_hold_for_old_dates(old_path):
    """The year-1 series stays a one-off in year 1: never in a window anyone asks about."""
    assert main(["init", "--db", str(old_path)]) == 0
    db = database.connect(old_path)
    year_one = activities_db.get_activity_by_uid(db, "year-one@old")
    db.close()
    assert year_one.rrule is None and year_one.starts_at == datetime(1, 1, 1, 10)
