"""Importing a lieu's existing calendar: idempotent by UID, all or nothing (fetching a linked
calendar: test_fetch.py)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar.ical_import import ImportProblem, parse_calendar
from lieux.cli import main
from lieux.db import activities as activities_db
from lieux.db.lieux import data_revision, get_lieu
from tests.calendar.samples import SOURCE, expand

ZONE = ZoneInfo("Europe/Brussels")

# As Google exports it: UTC times, the zone only in X-WR-TIMEZONE, an EXDATE, a moved occurrence;
# plus an Outlook event with a Windows zone name and an all-day event.


@pytest.fixture
def lieu_db(seeded_path):
    db = database.connect(seeded_path)
    yield db
    db.close()


def write(tmp_path: Path, text: str, name="agenda.ics") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(db):
    lieu = get_lieu(db, "circuit")
    return {
        a.uid: a
        for a in activities_db.list_activities(db, lieu_ids=[lieu.id])
        if not a.uid.startswith("demo-")
    }


def run(seeded_path, source, capsys) -> tuple[int, str, str]:
    code = main(["import-ics", "circuit", str(source), "--db", str(seeded_path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_brings_times_into_local_wall_time():
    events = {e.uid: e for e in parse_calendar(SOURCE.encode(), ZONE)}
    weekly = events["weekly-1@google.com"]
    assert weekly.activity.starts_at == datetime(2026, 11, 3, 14, 0)  # 13:00Z in winter
    assert weekly.activity.kind == "cafe-papote"
    assert weekly.activity.rrule == "FREQ=WEEKLY;UNTIL=20270427T120000Z;BYDAY=TU"
    cancelled, moved = weekly.overrides
    assert cancelled.recurrence_id == datetime(2026, 12, 8, 14) and cancelled.status == "cancelled"
    assert moved.recurrence_id == datetime(2026, 12, 15, 14)
    assert moved.starts_at == datetime(2026, 12, 16, 10)
    outlook = events["outlook-2@example.org"].activity
    assert outlook.starts_at == datetime(2026, 12, 5, 10)
    allday = events["allday-3@example.org"].activity
    assert allday.all_day and allday.ends_at == datetime(2026, 12, 20)


def test_reimport_updates_never_duplicates_and_removes(seeded_path, lieu_db, tmp_path, capsys):
    path = write(tmp_path, SOURCE)
    code, out, _ = run(seeded_path, path, capsys)
    assert code == 0 and "3 added" in out
    first = imported(lieu_db)
    assert set(first) == {"weekly-1@google.com", "outlook-2@example.org", "allday-3@example.org"}
    assert len(first["weekly-1@google.com"].overrides) == 2

    revision = data_revision(lieu_db)
    code, out, _ = run(seeded_path, path, capsys)
    assert code == 0 and "0 added, 0 updated, 3 unchanged, 0 removed" in out
    assert data_revision(lieu_db) == revision  # nothing written at all

    # the outing moves an hour later, the party leaves the source
    changed = SOURCE.replace("20261205T100000", "20261205T110000")
    start = changed.index("BEGIN:VEVENT\r\nUID:allday-3")
    changed = changed[:start] + changed[changed.index("END:VEVENT", start) + 12 :]
    code, out, _ = run(seeded_path, write(tmp_path, changed), capsys)
    assert code == 0 and "1 updated" in out and "1 removed" in out
    now = imported(lieu_db)
    assert set(now) == {"weekly-1@google.com", "outlook-2@example.org"}
    outing = now["outlook-2@example.org"]
    assert outing.starts_at == datetime(2026, 12, 5, 11) and outing.sequence == 1
    assert outing.updated_at > first["outlook-2@example.org"].updated_at

    # back in the source: back in the agenda, under the same UID
    code, out, _ = run(seeded_path, write(tmp_path, SOURCE), capsys)
    assert code == 0 and "2 updated" in out
    assert "allday-3@example.org" in imported(lieu_db)
    assert lieu_db.execute("SELECT count(*) FROM ical_sources").fetchone()[0] == 1


@pytest.mark.parametrize(
    "text",
    [
        "this is not a calendar",
        SOURCE.replace("END:VCALENDAR", ""),
        SOURCE.replace("DTSTART:20261103T130000Z", "DTSTART:2026-11-03 13:00"),
        SOURCE.replace("RRULE:FREQ=WEEKLY;", "RRULE:FREQ=SOMETIMES;"),
        SOURCE.replace("UID:outlook-2@example.org\r\n", ""),
    ],
)
def test_a_malformed_file_changes_nothing(seeded_path, lieu_db, tmp_path, capsys, text):
    revision = data_revision(lieu_db)
    code, out, err = run(seeded_path, write(tmp_path, text), capsys)
    assert code == 2 and out == ""
    assert err.startswith("lieux: ") and err.count("\n") == 1 and "nothing was changed" in err
    assert data_revision(lieu_db) == revision
    assert lieu_db.execute("SELECT count(*) FROM ical_sources").fetchone()[0] == 0


def test_imported_events_show_in_the_feed_as_in_the_agenda(client, seeded_path, tmp_path, capsys):
    assert run(seeded_path, write(tmp_path, SOURCE), capsys)[0] == 0
    body = client.get("/ical/lieux/circuit.ics", params={"at": "2026-11-23T09:00:00Z"}).content
    db = database.connect(seeded_path)
    activities = activities_db.list_activities(db, lieu_ids=[get_lieu(db, "circuit").id])
    db.close()
    start, end = datetime(2026, 11, 23, tzinfo=ZONE), datetime(2027, 5, 1, tzinfo=ZONE)
    from lieux.calendar.recurrence import agenda

    own = sorted(
        (o.uid, o.starts_at.astimezone(ZONE), o.status)
        for o in agenda(activities, start, end, ZONE)
    )
    shown = [(uid, s.astimezone(ZONE), status) for uid, s, status in expand(body, start, end)]
    assert shown == own
    assert ("weekly-1@google.com", datetime(2026, 12, 8, 14, tzinfo=ZONE), "cancelled") in shown
    assert ("weekly-1@google.com", datetime(2026, 12, 16, 10, tzinfo=ZONE), "confirmed") in shown


def test_a_date_without_its_series_becomes_a_one_off_and_rdates_are_reported():
    orphan = SOURCE.replace(
        "UID:weekly-1@google.com\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261103T130000Z",
        "UID:elsewhere@google.com\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261103T130000Z",
    ).replace("SUMMARY:Sortie au parc", "SUMMARY:Sortie au parc\r\nRDATE:20261212T100000Z")
    events = {e.uid: e for e in parse_calendar(orphan.encode(), ZONE)}
    one_off = events["weekly-1@google.com/20261215T140000"]
    assert one_off.activity.rrule is None
    assert one_off.activity.starts_at == datetime(2026, 12, 16, 10)
    assert events["outlook-2@example.org"].notes
    assert not events["allday-3@example.org"].notes


def test_a_rule_finer_than_daily_is_refused_and_nothing_fetched_is_echoed():
    minutely = SOURCE.replace("RRULE:FREQ=WEEKLY", "RRULE:FREQ=MINUTELY", 1)
    assert minutely != SOURCE
    with pytest.raises(ImportProblem, match="at most daily"):
        parse_calendar(minutely.encode(), ZONE)
    secret = b'{"AccessKeyId": "AKIA-SECRET"}'
    with pytest.raises(ImportProblem) as problem:
        parse_calendar(secret, ZONE)
    assert "AKIA" not in str(problem.value)


def test_a_file_over_the_cap_is_refused_before_it_is_parsed(seeded_path, lieu_db, tmp_path, capsys):
    # `lieux import-ics FILE` read the whole file, however big, before the parser's 5 MB check.
    path = tmp_path / "huge.ics"
    path.write_bytes(SOURCE.encode() + b" " * 5_000_001)
    revision = data_revision(lieu_db)
    code, out, err = run(seeded_path, path, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "larger than 5 MB" in err and "nothing was changed" in err
    assert data_revision(lieu_db) == revision


def test_a_file_is_read_no_further_than_the_cap():
    # An endless file (a device, a pipe) is refused after 5 MB, not read until memory runs out.
    from lieux.calendar.fetch import read_file

    with pytest.raises(ImportProblem, match="larger than 5 MB"):
        read_file(Path("/dev/zero"))


def test_a_series_changed_dates_are_written_as_one_edit(seeded_path, lieu_db, tmp_path, capsys):
    # An import wrote one edit per changed date (one version step, one lock hold each):
    # thousands of them held the write lock for seconds. Now one edit of the series.
    assert run(seeded_path, write(tmp_path, SOURCE), capsys)[0] == 0
    before = imported(lieu_db)["weekly-1@google.com"]
    # 8 December back, 22 December and 5 January cancelled, 15 December still moved.
    changed = SOURCE.replace("EXDATE:20261208T130000Z", "EXDATE:20261222T130000Z,20270105T130000Z")
    code, out, _ = run(seeded_path, write(tmp_path, changed), capsys)
    assert code == 0 and "1 updated" in out
    after = imported(lieu_db)["weekly-1@google.com"]
    assert after.version == before.version + 1
    overrides = {o.recurrence_id: o for o in after.overrides}
    assert sorted(overrides) == [
        datetime(2026, 12, 15, 14),
        datetime(2026, 12, 22, 14),
        datetime(2027, 1, 5, 14),
    ]
    assert overrides[datetime(2026, 12, 22, 14)].status == "cancelled"
    moved = overrides[datetime(2026, 12, 15, 14)]
    assert moved == next(o for o in before.overrides if o.recurrence_id == moved.recurrence_id)
    assert all(o.sequence >= after.sequence for o in after.overrides)
