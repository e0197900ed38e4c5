"""/api/open-now and /widget/open-now over the seeded demo data (DEMO_TODAY is Monday 23 Nov)."""

import re
from datetime import datetime, time

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db.lieux import get_lieu, upsert_lieu
from lieux.hours.models import OpeningSlot
from lieux.models import LieuWrite
from tests.conftest import DEMO_NOW, Clock, make_app

MONDAY_11 = "2026-11-23T11:00"
MONDAY_23 = "2026-11-23T23:00"  # every demo lieu is closed


def by_slug(answer) -> dict:
    return {item["slug"]: item for item in answer.json()}


def test_api_open_now_states_until_and_next_open(client):
    answer = client.get(f"/api/open-now?at={MONDAY_11}")
    assert answer.status_code == 200
    lieux = by_slug(answer)
    assert lieux["club-55"]["state"] == "open"
    assert lieux["club-55"]["until"] == "2026-11-23T16:30:00+01:00"
    assert lieux["l-entr-act"]["state"] == "closed"
    assert lieux["l-entr-act"]["next_open"] == "2026-11-28T11:00:00+01:00"
    assert set(lieux["club-55"]) == {
        "slug", "name", "commune", "state", "until", "next_open", "note", "url",
        "source", "hours_stale", "demo",
    }  # fmt: skip


def test_api_filters_by_commune_and_kind(client):
    lieux = by_slug(client.get(f"/api/open-now?at={MONDAY_11}&commune=anderlecht,Jette"))
    assert set(lieux) == {"club-55", "espace-jv-jean-vermeylen", "club-norwest"}
    repeated = by_slug(client.get(f"/api/open-now?at={MONDAY_11}&commune=Jette&commune=Forest"))
    assert set(repeated) == {"club-norwest", "le-delta"}
    meals = by_slug(client.get(f"/api/open-now?at={MONDAY_11}&kind=repas"))
    assert set(meals) == {"circuit", "club-55", "l-entr-act"}


@pytest.mark.parametrize(
    ("query", "word"),
    [("at=yesterday", "at"), ("commune=Atlantis", "commune"), ("kind=karaoke", "kind")],
)
def test_api_bad_parameters_are_400_with_a_clear_message(client, query, word):
    answer = client.get(f"/api/open-now?{query}")
    assert answer.status_code == 400
    body = answer.json()
    assert body["status_code"] == 400
    assert body["detail"].startswith(f"{word}:")


def test_api_lieux_gives_opening_hours_as_osm(client):
    lieux = {lieu["slug"]: lieu for lieu in client.get("/api/lieux").json()}
    assert lieux["club-55"]["opening_hours"].startswith("Mo-Fr 09:30-16:30; PH off")
    assert 'off "Congés d\'hiver"' in lieux["club-55"]["opening_hours"]
    assert lieux["le-pianocktail"]["opening_hours"].startswith(
        "Th 18:00-23:00, Fr 19:00-02:00, Sa 15:00-02:00, Su 15:00-20:00"
    )


def fragment(client, query: str, **headers):
    return client.get(f"/widget/open-now?{query}", headers=headers)


def test_fragment_lists_open_lieux_with_absolute_links_and_tel(client):
    answer = fragment(client, f"at={MONDAY_11}")
    assert answer.status_code == 200
    html = answer.text
    assert "<html" not in html and "<body" not in html
    assert html.lstrip().startswith('<section id="ldl-open-now"')
    assert 'aria-live="polite"' in html
    assert "Club 55" in html and "ouvert jusqu&#39;à 16:30" in html
    assert "L&#39;Entr&#39;Act" not in html  # closed, and show=open is the default
    assert 'href="tel:+3225220363"' in html
    for url in re.findall(r'(?:href|src|action)="([^"]*)"', html):
        assert url.startswith(("http://testserver/", "tel:")), url
    assert "set-cookie" not in answer.headers


def test_fragment_show_all_says_when_closed_ones_open(client):
    html = fragment(client, f"at={MONDAY_11}&show=all").text
    assert "ouvre samedi à 11:00" in html  # L'Entr'Act
    assert "ldl-state-closed" in html


def test_fragment_in_dutch_and_english(client):
    assert "open tot 16:30" in fragment(client, f"at={MONDAY_11}&lang=nl").text
    assert "open until 16:30" in fragment(client, f"at={MONDAY_11}&lang=en").text


def test_fragment_options_become_classes(client):
    html = fragment(client, f"at={MONDAY_11}&layout=compact&theme=dark").text
    assert 'class="ldl-widget ldl-layout-compact ldl-theme-dark"' in html
    assert all(
        c.startswith("ldl-") for c in re.findall(r'class="([^"]*)"', html) for c in c.split()
    )


def test_fragment_when_nothing_is_open_gives_the_helplines(client):
    html = fragment(client, f"at={MONDAY_23}").text
    assert "Aucun lieu n'est ouvert" in html
    assert 'href="tel:107"' in html and "Télé-Accueil" in html
    assert 'href="tel:106"' in html


def test_fragment_marks_demo_data(client):
    assert "ldl-demo" in fragment(client, f"at={MONDAY_11}").text


def test_fragment_limit(client):
    html = fragment(client, f"at={MONDAY_11}&show=all&limit=2").text
    assert html.count('<li class="ldl-lieu') == 2


@pytest.mark.parametrize(
    "query", ["at=nope", "limit=0", "limit=abc", "show=some", "theme=pink", "lang=de", "kind=x"]
)
def test_fragment_bad_parameters_are_400_fragments(client, query):
    answer = fragment(client, query)
    assert answer.status_code == 400
    assert "<html" not in answer.text and 'id="ldl-open-now"' in answer.text


def test_fragment_etag_and_304(client):
    first = fragment(client, f"at={MONDAY_11}")
    etag = first.headers["etag"]
    again = fragment(client, f"at={MONDAY_11}", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert fragment(client, f"at={MONDAY_11}", **{"If-None-Match": '"other"'}).status_code == 200


def test_fragment_max_age_never_past_the_next_state_change(seeded_path):
    """At 15:59:30 on a Monday, Circuit and La Trace close at 16:00: 30 s at most."""
    clock = Clock(datetime.fromisoformat("2026-11-23T15:59:30+01:00"))
    with TestClient(app=make_app(seeded_path, clock)) as client:
        answer = client.get("/widget/open-now")
        assert answer.headers["cache-control"] == "public, max-age=30"
        assert "Circuit" in answer.text
        # Quiet hours: capped at 60 s.
        clock.now = datetime.fromisoformat("2026-11-23T11:00:00+01:00")
        assert client.get("/widget/open-now?commune=Forest").headers["cache-control"] == (
            "public, max-age=60"
        )


def test_cached_fragment_follows_data_changes(seeded_path, monkeypatch):
    import lieux.revision_cache as revision_cache

    # The fragment reads the revision at most every REVISION_CHECK_SECONDS: let that pass.
    ticks = iter(range(0, 1000, 10))
    monkeypatch.setattr(revision_cache, "monotonic", lambda: next(ticks))
    clock = Clock(datetime.fromisoformat("2026-11-23T11:00:00+01:00"))
    with TestClient(app=make_app(seeded_path, clock)) as client:
        before = client.get("/widget/open-now")
        assert "Coin des Cerises" not in before.text
        db = database.connect(seeded_path)
        cerises = get_lieu(db, "coin-des-cerises")
        hours_db.replace_hours(
            db,
            cerises.id,
            slots=[OpeningSlot(weekday=0, opens=time(9), closes=time(12))],
            exceptions=[],
            holiday_rule=None,
        )
        db.close()
        after = client.get("/widget/open-now", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert "Coin des Cerises" in after.text


def test_fragment_escapes_what_people_typed(seeded_path):
    db = database.connect(seeded_path)
    evil = "<img src=x onerror=alert(1)>"
    lieu_id = upsert_lieu(
        db,
        LieuWrite(slug="evil", name=evil, address=evil, commune="Anderlecht", phone="02 1"),
        now=DEMO_NOW,
    )
    hours_db.replace_hours(
        db,
        lieu_id,
        slots=[OpeningSlot(weekday=0, opens=time(9), closes=time(17))],
        exceptions=[],
        holiday_rule=None,
    )
    db.close()
    with TestClient(app=make_app(seeded_path)) as client:
        html = client.get(f"/widget/open-now?at={MONDAY_11}").text
        assert evil not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert by_slug(client.get(f"/api/open-now?at={MONDAY_11}"))["evil"]["name"] == evil


def test_unknown_hours_never_say_closed(seeded_path):
    db = database.connect(seeded_path)
    upsert_lieu(db, LieuWrite(slug="nouveau", name="Nouveau lieu", commune="Jette"), now=DEMO_NOW)
    db.close()
    with TestClient(app=make_app(seeded_path)) as client:
        assert by_slug(client.get(f"/api/open-now?at={MONDAY_11}"))["nouveau"]["state"] == (
            "unknown"
        )
        html = client.get(f"/widget/open-now?at={MONDAY_11}&show=all&commune=Jette").text
        assert "horaires non communiqués" in html


def test_none_open_says_how_many_lieux_have_no_hours_yet(seeded_path):
    db = database.connect(seeded_path)
    upsert_lieu(db, LieuWrite(slug="nouveau", name="Nouveau lieu", commune="Jette"), now=DEMO_NOW)
    db.close()
    with TestClient(app=make_app(seeded_path)) as client:
        html = client.get(f"/widget/open-now?at={MONDAY_23}&lang=en").text
        assert "1 lieu has not given its hours yet." in html
        assert 'href="tel:107"' in html


def test_real_server_serves_the_fragment_with_its_own_address(live_server):
    import httpx

    answer = httpx.get(f"{live_server.url}/widget/open-now?show=all&at={MONDAY_11}")
    assert answer.status_code == 200
    assert "set-cookie" not in answer.headers
    assert f'href="{live_server.url}/lieux/club-55"' in answer.text
    etag = answer.headers["etag"]
    again = httpx.get(
        f"{live_server.url}/widget/open-now?show=all&at={MONDAY_11}",
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/api/open-now", "/widget/open-now", "/", "/lieux/espace-51"])
@pytest.mark.parametrize("at", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_an_instant_out_of_any_schedule_is_a_400_not_a_500(client, path, at):
    response = client.get(path, params={"at": at})
    assert response.status_code == 400
    # the API's technical English; a page (or fragment) says it in the person's language
    assert ("too far away" if path.startswith("/api/") else "Date trop lointaine") in response.text
