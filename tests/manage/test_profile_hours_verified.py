"""Hours that say how fresh they are: saving the hours or one tap on "still right" records
`hours_verified_at` (audited, the hours untouched); the dashboard and the hours page remind the
co-managers when the hours are stale or never confirmed."""

import json
from datetime import timedelta

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db import profile as profile_db
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, count, post

VERIFIED = f"/manage/{LIEU_A}/hours/verified"


def lieu_a(path):
    db = database.connect(path)
    try:
        lieu = get_lieu(db, LIEU_A)
        return lieu, hours_db.get_hours(db, lieu.id)
    finally:
        db.close()


def forget(path):
    db = database.connect(path)
    db.execute("UPDATE lieux SET hours_verified_at = NULL WHERE slug = ?", [LIEU_A])
    db.close()


def test_one_tap_records_it_without_changing_the_hours(client, seeded_path, manager, clock):
    clock.now = DEMO_NOW + timedelta(days=3)
    before, hours_before = lieu_a(seeded_path)
    rows = count(seeded_path, "audit_log")
    response = post(client, manager, VERIFIED, {})
    assert response.status_code == 303
    location = response.headers["location"]
    assert (
        location == f"/manage/{LIEU_A}/hours?done=hours-verified&at=hours-reminder#hours-reminder"
    )
    after, hours_after = lieu_a(seeded_path)
    assert after.hours_verified_at == DEMO_NOW + timedelta(days=3)
    assert hours_after == hours_before
    assert after.version == before.version  # the profile did not change
    assert count(seeded_path, "audit_log") == rows + 1
    db = database.connect(seeded_path)
    row = next(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1"))
    db.close()
    assert (row["entity"], row["action"]) == ("hours", "update")
    assert json.loads(row["after"])["hours_verified_at"].startswith("2026-11-26T11:00")
    # The hours page thanks and says the new date.
    page = client.get(location).text
    assert "les horaires sont notés comme vérifiés" in page
    assert "Horaires vérifiés le 26 novembre 2026." in page


def test_saving_the_hours_records_them_as_verified(client, seeded_path, manager, clock):
    forget(seeded_path)
    clock.now = DEMO_NOW + timedelta(hours=2)
    data = {"slot-1-0-opens": "10:00", "slot-1-0-closes": "16:00"}
    assert post(client, manager, f"/manage/{LIEU_A}/hours", data).status_code == 303
    assert lieu_a(seeded_path)[0].hours_verified_at == DEMO_NOW + timedelta(hours=2)
    # Through the OSM form too.
    clock.now = DEMO_NOW + timedelta(hours=3)
    osm = {"osm": "Tu-Fr 10:00-16:00; PH off"}
    assert post(client, manager, f"/manage/{LIEU_A}/hours/osm", osm).status_code == 303
    assert lieu_a(seeded_path)[0].hours_verified_at == DEMO_NOW + timedelta(hours=3)


def verified(path, moment):
    db = database.connect(path)
    profile_db.set_hours_verified(db, get_lieu(db, LIEU_A).id, now=moment)
    db.close()


def test_the_dashboard_reminds_only_when_stale_or_never(client, seeded_path, manager):
    verified(seeded_path, DEMO_NOW - timedelta(days=89))
    assert 'id="hours-reminder"' not in client.get(f"/manage/{LIEU_A}").text
    verified(seeded_path, DEMO_NOW - timedelta(days=91))
    page = client.get(f"/manage/{LIEU_A}").text
    assert 'id="hours-reminder"' in page
    assert "Horaires vérifiés le 24 août 2026." in page
    assert "Les horaires sont toujours justes" in page
    # The tap from the dashboard comes back to it, and the reminder is gone.
    response = post(client, manager, VERIFIED, {"back": "dashboard"})
    assert response.headers["location"].startswith(f"/manage/{LIEU_A}?done=hours-verified&")
    assert 'id="hours-reminder"' not in client.get(f"/manage/{LIEU_A}").text
    forget(seeded_path)
    page = client.get(f"/manage/{LIEU_A}").text
    assert "Personne n&#39;a encore confirmé ces horaires." in page or (
        "Personne n'a encore confirmé ces horaires." in page
    )


def test_members_see_no_reminder_and_may_not_tap(client, seeded_path, actions):
    forget(seeded_path)
    token = actions.sign_in("Membre", {LIEU_A: "member"})
    assert 'id="hours-reminder"' not in client.get(f"/manage/{LIEU_A}").text
    assert post(client, token, VERIFIED, {}).status_code == 403
    assert lieu_a(seeded_path)[0].hours_verified_at is None


def test_the_reminder_is_translated(client, seeded_path, manager):
    forget(seeded_path)
    nl = client.get(f"/manage/{LIEU_A}?lang=nl").text
    assert "Openingsuren te bevestigen" in nl and "De openingsuren kloppen nog" in nl
    en = client.get(f"/manage/{LIEU_A}?lang=en").text
    assert "Opening hours to be confirmed" in en and "The opening hours are still right" in en
