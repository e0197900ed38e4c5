"""Changes nobody signed in made (the CLI, the hourly refresh) name who did them in the log."""

from zoneinfo import ZoneInfo

from lieux import db as database
from lieux.calendar.ical_import import parse_calendar
from lieux.calendar.sync import REFRESH, import_events
from lieux.cli import main
from lieux.db import audit
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, add_member, sign_in

CALENDAR = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        "UID:refresh-1@example.org",
        "DTSTAMP:20261101T000000Z",
        "DTSTART;TZID=Europe/Brussels:20261205T100000",
        "DTEND;TZID=Europe/Brussels:20261205T120000",
        "SUMMARY:Sortie au parc",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def test_a_cli_hours_change_is_in_the_lieu_audit_log(client, seeded_path, capsys):
    assert main(["hours", LIEU_A, "Mo-Fr 10:00-16:00; PH off", "--db", str(seeded_path)]) == 0
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    (entry,) = [e for e in audit.list_entries(db, lieu.id) if e.entity == "hours"][:1]
    db.close()
    assert (entry.member_id, entry.actor, entry.action) == (None, "cli", "update")
    assert entry.after["holiday_rule"]["rule"] == "closed"
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
    page = client.get(f"/manage/{LIEU_A}/audit").text
    assert "<strong>ligne de commande</strong> · modification · horaires" in page
    assert "<strong>opdrachtregel</strong>" in client.get(f"/manage/{LIEU_A}/audit?lang=nl").text
    assert "<strong>command line</strong>" in client.get(f"/manage/{LIEU_A}/audit?lang=en").text


def test_a_refresh_is_named_in_the_audit_page(client, seeded_path):
    zone = ZoneInfo("Europe/Brussels")
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    events = parse_calendar(CALENDAR.encode(), zone)
    url = "https://example.org/agenda.ics"
    import_events(db, lieu.id, events, url=url, actor=REFRESH, zone=zone, now=DEMO_NOW)
    db.close()
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
    page = client.get(f"/manage/{LIEU_A}/audit").text
    assert "<strong>mise à jour automatique</strong>" in page
    english = client.get(f"/manage/{LIEU_A}/audit?lang=en").text
    assert "<strong>automatic update</strong>" in english
    assert "le système" not in page
