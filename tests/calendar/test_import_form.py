"""Co-managers import a calendar from the members' area: a file or a linked address."""

import html

import pytest

from lieux import db as database
from lieux.calendar.fetch import NOT_PUBLIC
from lieux.db.lieux import data_revision, get_lieu
from tests.calendar.samples import SOURCE
from tests.people import LIEU_A, add_member, csrf, sign_in

URL = f"/manage/{LIEU_A}/calendars"


def _count(db_path, sql):
    db = database.connect(db_path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def comanager(client, seeded_path):
    member = add_member(seeded_path, "Co A", {LIEU_A: "co-manager"})
    sign_in(client, seeded_path, member)
    return member


def upload(client, text: str):
    return client.post(
        URL,
        data={"_csrf_token": csrf(client)},
        files={"file": ("agenda.ics", text.encode(), "text/calendar")},
        follow_redirects=False,
    )


def test_a_co_manager_uploads_a_file_twice_without_duplicates(client, seeded_path, comanager):
    page = client.get(URL)
    assert page.status_code == 200 and 'type="file"' in page.text
    first = upload(client, SOURCE)
    assert first.status_code == 303 and "added=3" in first.headers["location"]
    again = upload(client, SOURCE)
    assert "unchanged=3" in again.headers["location"]
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    db.close()
    sql = f"SELECT count(*) FROM activities WHERE lieu_id = {lieu.id} AND uid LIKE '%example.org'"
    assert _count(seeded_path, sql) == 2
    assert _count(seeded_path, "SELECT count(*) FROM audit_log WHERE action = 'import'") == 2
    assert "agenda.ics" in client.get(URL).text  # the list of imported calendars


def test_a_malformed_file_or_a_private_address_changes_nothing(client, seeded_path, comanager):
    db = database.connect(seeded_path)
    revision = data_revision(db)
    db.close()
    bad = upload(client, "BEGIN:VCALENDAR\r\nnot really\r\n")
    assert bad.status_code == 400 and "Rien n" in bad.text
    private = client.post(
        URL,
        data={"url": "http://10.0.0.1/agenda.ics", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert private.status_code == 400 and html.escape(NOT_PUBLIC) in private.text
    assert "http://10.0.0.1/agenda.ics" in private.text  # what was typed stays in the field
    db = database.connect(seeded_path)
    assert data_revision(db) == revision
    db.close()
    assert _count(seeded_path, "SELECT count(*) FROM ical_sources") == 0


def test_a_linked_address_is_imported(client, seeded_path, comanager, calendar_server):
    linked = calendar_server.url("/gzip.ics")
    response = client.post(
        URL, data={"url": linked, "_csrf_token": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303 and "added=3" in response.headers["location"]
    assert _count(seeded_path, "SELECT url FROM ical_sources") == linked


def test_members_and_strangers_cannot_import(client, seeded_path):
    assert client.get(URL).status_code == 401
    member = add_member(seeded_path, "Membre", {LIEU_A: "member"})
    sign_in(client, seeded_path, member)
    assert client.get(URL).status_code == 403
    assert upload(client, SOURCE).status_code == 403
    assert _count(seeded_path, "SELECT count(*) FROM ical_sources") == 0
