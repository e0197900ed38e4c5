"""The public JSON API on the demo data: occurrences, activities, lieux, errors, caching, CORS."""

from datetime import datetime, time, timedelta

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db.hours import replace_hours
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningSlot
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, DEMO_TODAY, make_app

WEEK_END = DEMO_TODAY + timedelta(days=6)


def starts(items):
    return [datetime.fromisoformat(item["starts_at"]) for item in items]


def test_occurrences_default_to_this_week_from_now(client):
    response = client.get("/api/occurrences")
    assert response.status_code == 200
    items = response.json()
    assert items
    explicit = client.get("/api/occurrences", params={"from": DEMO_TODAY, "to": WEEK_END})
    assert explicit.json() == items
    days = {start.date() for start in starts(items)}
    assert min(days) >= DEMO_TODAY and max(days) <= WEEK_END
    assert starts(items) == sorted(starts(items))
    first = items[0]
    assert set(first) == {
        "activity_id", "uid", "recurrence_id", "starts_at", "ends_at", "all_day", "status",
        "title", "title_lang", "kind", "lieu", "url", "demo",
    }  # fmt: skip
    # local times with their offset, the activity's page, demo data said so
    assert first["starts_at"].endswith("+01:00")
    assert first["url"] == f"http://testserver/agenda/{first['activity_id']}"
    assert all(item["demo"] for item in items)


def test_a_cancelled_occurrence_is_listed_as_cancelled(client):
    # Babel'Zin's Tuesday café-papote is cancelled on 1 December in the demo data.
    items = client.get(
        "/api/occurrences", params={"from": "2026-12-01", "to": "2026-12-01", "lieu": "babel-zin"}
    ).json()
    papote = [item for item in items if item["kind"] == "cafe-papote"]
    assert [item["status"] for item in papote] == ["cancelled"]
    assert papote[0]["recurrence_id"] == "2026-12-01T14:00:00+01:00"
    series = client.get(f"/api/activities/{papote[0]['activity_id']}").json()
    assert series["rrule"].startswith("FREQ=WEEKLY")
    assert "2026-12-01T14:00:00+01:00" in series["exdates"]
    assert series["uid"] == papote[0]["uid"]
    assert series["timezone"] == "Europe/Brussels"
    # the next Tuesday is confirmed
    later = client.get(
        "/api/occurrences", params={"from": "2026-12-08", "to": "2026-12-08", "lieu": "babel-zin"}
    ).json()
    assert [i["status"] for i in later if i["uid"] == papote[0]["uid"]] == ["confirmed"]


def test_an_occurrence_during_a_closure_is_tentative(client):
    # Club 55 closes 24/12-01/01 in the demo data; its shared meal on the 25th is to confirm.
    items = client.get(
        "/api/occurrences", params={"from": "2026-12-24", "to": "2026-12-31", "lieu": "club-55"}
    ).json()
    assert items
    assert {item["status"] for item in items} == {"tentative"}


def test_filters_and_language(client):
    every = client.get("/api/occurrences", params={"to": "2026-12-20"}).json()
    by_kind = client.get(
        "/api/occurrences", params={"to": "2026-12-20", "kind": "cafe-papote"}
    ).json()
    assert by_kind and {i["kind"] for i in by_kind} == {"cafe-papote"}
    assert by_kind == [i for i in every if i["kind"] == "cafe-papote"]
    by_commune = client.get(
        "/api/occurrences", params={"to": "2026-12-20", "commune": "Schaerbeek"}
    ).json()
    lieux = {lieu["slug"]: lieu for lieu in client.get("/api/lieux").json()}
    assert by_commune and {lieux[i["lieu"]]["commune"] for i in by_commune} == {"Schaerbeek"}
    dutch = client.get("/api/occurrences", params={"lang": "nl", "lieu": "babel-zin"}).json()
    papote = [i for i in dutch if i["kind"] == "cafe-papote"]
    assert papote and papote[0]["title"] == "Koffieklets" and papote[0]["title_lang"] == "nl"


KNOWN_KINDS = "(known kinds: cafe-papote, repas, atelier, sortie, groupe-de-parole, ouverture"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"from": "2026-12-40"},
            "from: '2026-12-40' is not a date: day is out of range for month "
            "(expected YYYY-MM-DD, years 1970 to 2200)",
        ),
        ({"from": "2026-13-01"}, "from: '2026-13-01' is not a date: month must be in 1..12"),
        ({"to": "demain"}, "to: 'demain' is not a date (expected YYYY-MM-DD"),
        ({"to": "null"}, "to: 'null' is not a date"),
        ({"from": "20261201"}, "from: '20261201' is not a date"),
        ({"from": "2026-01-01", "to": "2026-06-01"}, "longer than 92 days"),
        ({"from": "2026-12-10", "to": "2026-12-01"}, "before"),
        ({"from": "0001-01-01"}, "too far away (years 1970 to 2200)"),
        ({"to": "9999-12-31"}, "too far away"),
        ({"commune": "Paris"}, "commune: unknown commune 'Paris' (known communes: Anderlecht,"),
        ({"kind": "foo"}, f"kind: unknown kind 'foo' {KNOWN_KINDS}"),
        ({"lang": "de"}, "lang: expected one of fr, nl, en, not 'de'"),
        ({"to": ["2026-11-25", "2026-11-30"]}, "to: given 2 times, expected once"),
    ],
)
def test_bad_parameters_are_a_json_400_saying_which_and_why(client, params, message):
    response = client.get("/api/occurrences", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == 400 and message in body["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "foo"}, f"kind: unknown kind 'foo' {KNOWN_KINDS}"),
        ({"kind": "repas,foo"}, "kind: unknown kind 'foo'"),
        ({"commune": "Paris"}, "commune: unknown commune 'Paris' (known communes: Anderlecht,"),
        ({"at": "2026-12-40T10:00"}, "at: '2026-12-40T10:00' is not a date-time"),
        ({"at": ""}, "at: '' is not a date-time of years 1970 to 2200"),
        ({"at": "1969-12-31T23:00"}, "at: '1969-12-31T23:00' is too far away (years 1970 to"),
        ({"lang": "de"}, "lang: expected one of fr, nl, en, not 'de'"),
        ({"at": ["2026-12-01", "2026-12-02"]}, "at: given 2 times"),
    ],
)
def test_bad_open_now_parameters_are_a_json_400(client, params, message):
    response = client.get("/api/open-now", params=params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_lieu_no_lieu_has_is_a_404_as_in_the_feeds(client):
    response = client.get("/api/occurrences", params={"lieu": "nulle-part"})
    assert response.status_code == 404
    assert response.json()["detail"] == "lieu: no lieu 'nulle-part' (see /api/lieux for the slugs)"
    assert client.get("/ical/lieux/nulle-part.ics").status_code == 404


def test_a_commune_without_lieu_is_an_empty_answer(client):
    # Uccle is a Brussels commune (the document's enum) where no lieu of the demo data is.
    assert client.get("/api/occurrences", params={"commune": "Uccle"}).json() == []
    assert client.get("/api/open-now", params={"commune": "Uccle"}).json() == []
    # any case and accent, as in the feeds' addresses
    schaerbeek = client.get("/api/open-now", params={"commune": "schaerbeek,Uccle"}).json()
    assert schaerbeek and {lieu["commune"] for lieu in schaerbeek} == {"Schaerbeek"}


def test_open_now_kind_keeps_the_lieux_holding_such_activities_open_or_not(client):
    every = {lieu["slug"]: lieu for lieu in client.get("/api/open-now").json()}
    meals = client.get("/api/open-now", params={"kind": "repas"}).json()
    occurrences = client.get(
        "/api/occurrences", params={"kind": "repas", "from": "2026-11-01", "to": "2027-01-31"}
    ).json()
    assert {lieu["slug"] for lieu in meals} == {o["lieu"] for o in occurrences}
    # whatever they are doing now: some are closed, and no meal is under way at noon on Monday
    assert {lieu["state"] for lieu in meals} >= {"closed"}
    assert all(every[lieu["slug"]] == lieu for lieu in meals)


def test_an_unencoded_offset_is_read_as_the_widget_reads_it(client):
    encoded = client.get("/api/open-now", params={"at": "2026-11-24T11:00:00+01:00"})
    assert encoded.status_code == 200
    plain = client.get("/api/open-now?at=2026-11-24T11:00:00+01:00")  # "+" arrives as " "
    assert plain.status_code == 200 and plain.json() == encoded.json()


def test_a_window_of_92_days_is_allowed(client):
    response = client.get("/api/occurrences", params={"from": "2026-11-23", "to": "2027-02-22"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/activities/999999", "/api/lieux/nulle-part", "/api/activities/abc", "/api/nope"],
)
def test_unknown_names_are_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


def test_an_activity_id_too_big_is_a_400(client):
    response = client.get(f"/api/activities/{2**70}")
    assert response.status_code in (400, 404)
    assert response.json()["detail"]


def test_one_lieu_as_in_the_list_and_archived_ones_hidden(client, seeded_path):
    every = client.get("/api/lieux").json()
    one = client.get("/api/lieux/club-55")
    assert one.status_code == 200
    assert one.json() == next(lieu for lieu in every if lieu["slug"] == "club-55")
    db = database.connect(seeded_path)
    db.execute("UPDATE lieux SET archived_at = '2026-11-01T00:00:00+00:00' WHERE slug = 'club-55'")
    db.conn.commit()
    db.close()
    assert client.get("/api/lieux/club-55").status_code == 404
    assert "club-55" not in {lieu["slug"] for lieu in client.get("/api/lieux").json()}
    items = client.get("/api/occurrences", params={"to": "2026-12-20"}).json()
    assert items and "club-55" not in {i["lieu"] for i in items}
    assert client.get("/api/occurrences", params={"lieu": "club-55"}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/lieux",
        "/api/lieux/babel-zin",
        "/api/open-now",
        "/api/occurrences?lieu=babel-zin",
        "/api/activities/1",
        "/api/hsds/services",
        "/api/hsds/organizations?per_page=2",
    ],
)
def test_every_answer_has_an_etag_a_304_cors_and_no_cookie(client, path):
    response = client.get(path, headers={"Origin": "https://partenaire.example"})
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "set-cookie" not in response.headers
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200


def test_a_preflight_for_the_api_is_answered(client):
    response = client.options(
        "/api/occurrences",
        headers={"Origin": "https://partenaire.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"


def test_the_etag_changes_with_the_data(client, seeded_path):
    path = "/api/occurrences?lieu=babel-zin"
    before = client.get(path).headers["etag"]
    db = database.connect(seeded_path)
    db.execute("UPDATE activities SET title = 'Café-papote du mardi' WHERE id = 1")
    db.conn.commit()
    db.close()
    after = client.get(path, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert "Café-papote du mardi" in after.text


def test_demo_data_says_so_in_every_answer(client):
    """On a demonstration instance (every lieu's hours are fictional in the demo data)."""
    lieux = client.get("/api/lieux").json()
    assert lieux and all(lieu["demo"] for lieu in lieux)
    assert client.get("/api/lieux/babel-zin").json()["demo"] is True
    states = client.get("/api/open-now").json()
    assert states and all(state["demo"] for state in states)
    for path in ("/ical/network.ics", "/ical/network.ics?include=hours"):
        feed = client.get(path).text
        assert feed.count("BEGIN:VEVENT") == feed.count("X-LIEUX-DEMO:TRUE") > 0, path


def test_real_data_is_not_flagged_demo(db_path):
    db = database.connect(db_path)
    seed_guide(db, now=DEMO_NOW)
    lieu = get_lieu(db, "club-55")
    slots = [OpeningSlot(weekday=0, opens=time(10), closes=time(16))]
    replace_hours(db, lieu.id, slots=slots, exceptions=[], holiday_rule=None)
    db.close()
    with TestClient(app=make_app(db_path)) as client:
        lieux = {lieu["slug"]: lieu for lieu in client.get("/api/lieux").json()}
        states = {state["slug"]: state for state in client.get("/api/open-now").json()}
        feed = client.get("/ical/lieux/club-55.ics?include=hours").text
    assert lieux["club-55"]["opening_hours"] and not any(x["demo"] for x in lieux.values())
    assert states["club-55"]["state"] == "open" and not any(x["demo"] for x in states.values())
    assert "BEGIN:VEVENT" in feed and "X-LIEUX-DEMO" not in feed
