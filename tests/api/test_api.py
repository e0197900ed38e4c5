"""The public JSON API on the demo data: occurrences, activities, lieux, errors, caching, CORS."""

from datetime import datetime, timedelta

import pytest

from lieux import db as database
from tests.conftest import DEMO_TODAY

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


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "from: Invalid RFC3339 encoded date"),
        ({"to": "demain"}, "to: Invalid RFC3339 encoded date"),
        ({"from": "2026-01-01", "to": "2026-06-01"}, "longer than 92 days"),
        ({"from": "2026-12-10", "to": "2026-12-01"}, "before"),
        ({"from": "0001-01-01"}, "too far away"),
        ({"to": "9999-12-31"}, "too far away"),
        ({"lieu": "nulle-part"}, "no lieu 'nulle-part'"),
        ({"commune": "Paris"}, "known communes"),
        ({"kind": "concert"}, "kind"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_bad_parameters_are_a_json_400(client, params, message):
    response = client.get("/api/occurrences", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == 400 and message in body["detail"]


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
    assert client.get("/api/occurrences", params={"lieu": "club-55"}).status_code == 400


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
