"""One import path for calendars, audited once: the CLI, the form and the periodic refresh."""

from pathlib import Path
from zoneinfo import ZoneInfo

from lieux import db as database
from lieux.calendar.ical_import import parse_calendar
from lieux.calendar.sync import REFRESH, import_events
from lieux.cli import main
from lieux.db import audit
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
CALENDAR = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        "UID:sync-1@example.org",
        "DTSTAMP:20261101T000000Z",
        "DTSTART;TZID=Europe/Brussels:20261205T100000",
        "DTEND;TZID=Europe/Brussels:20261205T120000",
        "SUMMARY:Sortie au parc",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def imports(db, lieu_id: int) -> list[audit.AuditEntry]:
    return [e for e in audit.list_entries(db, lieu_id) if e.action == "import"]


def test_a_cli_import_is_in_the_lieu_audit_log(seeded_path, tmp_path: Path, capsys):
    path = tmp_path / "agenda.ics"
    path.write_text(CALENDAR, encoding="utf-8")
    assert main(["import-ics", "circuit", str(path), "--db", str(seeded_path)]) == 0
    assert "1 added" in capsys.readouterr().out
    db = database.connect(seeded_path)
    (entry,) = imports(db, get_lieu(db, "circuit").id)
    assert (entry.member_id, entry.actor, entry.entity) == (None, "cli", "ical_source")
    assert entry.after["file"] == "agenda.ics" and entry.after["added"] == 1


def test_a_refresh_that_changes_nothing_leaves_no_entry(db):
    from lieux.seed import seed_guide

    seed_guide(db, now=DEMO_NOW)
    lieu_id = get_lieu(db, "circuit").id
    events = parse_calendar(CALENDAR.encode(), ZONE)
    url = "https://example.org/agenda.ics"
    first = import_events(db, lieu_id, events, url=url, actor=REFRESH, zone=ZONE, now=DEMO_NOW)
    again = import_events(db, lieu_id, events, url=url, actor=REFRESH, zone=ZONE, now=DEMO_NOW)
    assert (first.added, again.unchanged) == (1, 1)
    assert [e.actor for e in imports(db, lieu_id)] == ["refresh"]
