"""The feeds over HTTP, on the demo data: parsers, the agenda's occurrences, caching, 404s."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from lieux.calendar import edits
from lieux.calendar.closures import occurrences_in_closures
from lieux.calendar.recurrence import agenda
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours
from lieux.db.lieux import get_lieu, list_lieux
from tests.calendar.samples import expand
from tests.conftest import DEMO_NOW, DEMO_TODAY

ZONE = ZoneInfo("Europe/Brussels")
AT = "2026-11-23T09:00:00+00:00"
FEEDS = [
    "/ical/network.ics",
    "/ical/lieux/babel-zin.ics",
    "/ical/lieux/le-pianocktail.ics",
    "/ical/lieux/club-55.ics",  # its winter closure makes some dates tentative
    "/ical/kinds/cafe-papote.ics",
    "/ical/kinds/sortie.ics",
    "/ical/communes/schaerbeek.ics",
    "/ical/network.ics?kinds=atelier,repas&communes=auderghem,anderlecht&lang=nl",
]


@pytest.mark.parametrize("url", FEEDS)
def test_every_demo_feed_parses_and_matches_the_agenda_over_90_days(client, db_path, url):
    response = client.get(url, params={"at": AT} if "?" not in url else None)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content
    icalendar.Calendar.from_ical(body)
    assert vobject.readOne(body.decode()).contents["vevent"]
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    from lieux import db as database

    db = database.connect(db_path)
    activities = [a for a in activities_db.list_activities(db) if a.uid in uids]
    hours = all_hours(db)
    db.close()
    start = datetime.combine(DEMO_TODAY, datetime.min.time(), ZONE)
    # 90 days ahead, and on to April for the March 2027 DST change
    for end in (start + timedelta(days=90), datetime(2027, 4, 15, tzinfo=ZONE)):
        found = agenda(activities, start, end, ZONE)
        tentative = {hit.occurrence for hit in occurrences_in_closures(found, hours, ZONE)}
        own = sorted(
            (o.uid, o.starts_at.astimezone(UTC), "tentative" if o in tentative else o.status)
            for o in found
        )
        assert expand(body, start, end) == own
        assert own
    if "club-55" in url or url == "/ical/network.ics":
        assert tentative  # the demo closure 24/12-01/01 is in the window


def test_network_feed_has_the_cancelled_occurrence_and_stays_small(client):
    body = client.get("/ical/network.ics", params={"at": AT}).content
    text = body.decode().replace("\r\n ", "")
    assert "SUMMARY:ANNULÉ – Café-papote" in text
    assert "SUMMARY:ANNULÉ – Balade en forêt de Soignes" in text
    assert len(body) < 1_000_000


def test_identical_bytes_etag_304_and_head(client):
    first = client.get("/ical/lieux/babel-zin.ics", params={"at": AT})
    second = client.get("/ical/lieux/babel-zin.ics", params={"at": AT})
    assert first.content == second.content
    etag = first.headers["etag"]
    assert etag == second.headers["etag"]
    assert first.headers["content-disposition"].startswith("inline")
    assert "max-age" in first.headers["cache-control"]
    assert "set-cookie" not in first.headers
    # any web page may read a feed (calendar web apps fetch it from the browser)
    assert first.headers["access-control-allow-origin"] == "*"
    again = client.get(
        "/ical/lieux/babel-zin.ics", params={"at": AT}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = client.get(
        "/ical/lieux/babel-zin.ics",
        params={"at": AT},
        headers={"If-Modified-Since": first.headers["last-modified"]},
    )
    assert since.status_code == 304
    stale = client.get(
        "/ical/lieux/babel-zin.ics", params={"at": AT}, headers={"If-None-Match": '"other"'}
    )
    assert stale.status_code == 200
    head = client.head("/ical/lieux/babel-zin.ics", params={"at": AT})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag


def test_gzip_is_another_representation_with_its_own_etag(client):
    url, params = "/ical/network.ics", {"at": AT}
    plain = client.get(url, params=params, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, params=params, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decompresses
    assert packed.headers["etag"] != plain.headers["etag"]
    assert plain.headers["vary"] == packed.headers["vary"] == "Accept-Encoding"
    head = client.head(url, params=params, headers={"Accept-Encoding": "identity"})
    assert head.headers["content-length"] == str(len(plain.content))
    for response, encoding in ((plain, "identity"), (packed, "gzip")):
        again = client.get(
            url,
            params=params,
            headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["etag"]},
        )
        assert again.status_code == 304
    crossed = client.get(
        url,
        params=params,
        headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]},
    )
    assert crossed.status_code == 200


def test_an_edit_changes_the_feed_sequence_and_etag(client, db_path):
    from lieux import db as database

    before = client.get("/ical/lieux/babel-zin.ics", params={"at": AT})
    db = database.connect(db_path)
    papote = activities_db.get_activity_by_uid(db, "demo-babel-zin-papote@lieux-de-liens.demo")
    rid = papote.starts_at + timedelta(weeks=10)
    edits.cancel_occurrence(db, papote.id, rid, zone=ZONE, now=DEMO_NOW)
    db.close()
    after = client.get(
        "/ical/lieux/babel-zin.ics",
        params={"at": AT},
        headers={"If-None-Match": before.headers["etag"]},
    )
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    text = after.content.decode().replace("\r\n ", "")
    assert f"RECURRENCE-ID;TZID=Europe/Brussels:{rid:%Y%m%dT%H%M%S}" in text


@pytest.mark.parametrize(
    "url",
    [
        "/ical/lieux/nowhere.ics",
        "/ical/lieux/babel-zin",
        "/ical/lieux/.ics",
        "/ical/kinds/karaoke.ics",
        "/ical/communes/paris.ics",
        "/ical/network.ics?kinds=karaoke",
        "/ical/network.ics?lieux=babel-zin,nowhere",
    ],
)
def test_unknown_names_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    # one short plain line for a calendar app or a monitor (a wrong ?lang= is a 400: test_feeds)
    assert response.headers["content-type"].startswith("text/plain")
    assert "\n" not in response.text and 0 < len(response.text) < 200


def test_filters_combine(client, db_path):
    from lieux import db as database

    body = client.get(
        "/ical/network.ics", params={"kinds": "cafe-papote", "communes": "anderlecht", "at": AT}
    ).content
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    db = database.connect(db_path)
    club55 = get_lieu(db, "club-55")
    expected = {
        a.uid
        for a in activities_db.list_activities(db, kinds=["cafe-papote"])
        if a.lieu_id in {lieu.id for lieu in list_lieux(db, commune="Anderlecht")}
    }
    db.close()
    assert uids == expected and club55 is not None and uids


def test_rolling_window_drops_old_items(client):
    later = client.get("/ical/network.ics", params={"at": "2027-06-01T10:00:00+00:00"}).content
    assert b"Sortie au mus" not in later  # a one-off of November 2026
    assert b"FREQ=WEEKLY" in later  # endless series stay


def test_include_hours_adds_the_opening_hours_as_transparent_events(client):
    plain = client.get("/ical/lieux/le-pianocktail.ics", params={"at": AT}).content
    body = client.get(
        "/ical/lieux/le-pianocktail.ics", params={"at": AT, "include": "hours"}
    ).content
    assert b"UID:hours-" not in plain
    hours = [
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith("hours-")
    ]
    assert hours and all(str(e["TRANSP"]) == "TRANSPARENT" for e in hours)
    starts = {(e.start.weekday(), e.start.hour) for e in hours}
    # the demo hours: Th 18-23, Fr 19-02, Sa 15-02, Su 15-20
    assert starts == {(3, 18), (4, 19), (5, 15), (6, 15)}
    friday = next(e for e in hours if e.start.weekday() == 4)
    assert friday.end - friday.start == timedelta(hours=7)  # overnight, closes Saturday 02:00
    again = client.get("/ical/lieux/le-pianocktail.ics", params={"at": AT, "include": "hours"})
    assert again.content == body


def test_a_lieu_without_hours_gets_no_hours_events(client, db_path):
    from lieux import db as database
    from lieux.db.lieux import upsert_lieu
    from lieux.models import LieuWrite

    db = database.connect(db_path)
    upsert_lieu(
        db, LieuWrite(slug="sans-horaires", name="Sans horaires", commune="Ixelles"), now=DEMO_NOW
    )
    db.close()
    body = client.get("/ical/lieux/sans-horaires.ics", params={"include": "hours"}).content
    assert b"BEGIN:VEVENT" not in body and b"BEGIN:VCALENDAR" in body


def test_a_bad_instant_is_a_plain_400(client):
    """A calendar app or a monitor reads one short line, not a document."""
    response = client.get("/ical/network.ics", params={"at": "tomorrow"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Date et heure invalides : donnez-les au format")


def test_a_deletion_moves_last_modified(client, db_path):
    from lieux import db as database

    url, params = "/ical/lieux/babel-zin.ics", {"at": AT}
    before = client.get(url, params=params)
    db = database.connect(db_path)
    papote = activities_db.get_activity_by_uid(db, "demo-babel-zin-papote@lieux-de-liens.demo")
    activities_db.delete_activity(db, papote.id, now=datetime(2030, 1, 1, tzinfo=UTC))
    db.close()
    since = {"If-Modified-Since": before.headers["last-modified"]}
    after = client.get(url, params=params, headers=since)
    assert after.status_code == 200
    assert after.headers["last-modified"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert papote.uid.encode() not in after.content
