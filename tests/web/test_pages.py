from html import unescape

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.seed import load_guide
from tests.conftest import DEMO_NOW, make_app


def test_healthz_is_constant(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


@pytest.mark.parametrize("path", ["/", "/lieux", "/lieux/l-entr-act", "/lieux/le-pianocktail"])
def test_pages_are_french_html_with_the_demo_banner(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text
    assert "Démonstration" in response.text
    assert '<main id="main"' in response.text


def test_directory_lists_every_real_lieu(client):
    html = client.get("/lieux").text
    for entry in load_guide()["lieux"]:
        assert entry["address"].replace("'", "&#39;") in html


def test_lieu_page_shows_its_facts(client):
    html = client.get("/lieux/club-55").text
    assert "Club 55" in html
    assert "Rue de Veeweyde 55" in html
    assert 'href="tel:+3225220363"' in html


def test_unknown_slug_is_a_friendly_404_page(client):
    response = client.get("/lieux/nulle-part")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in response.text
    assert "Traceback" not in response.text


def test_lieux_api_returns_every_lieu(client):
    response = client.get("/api/lieux")
    assert response.status_code == 200
    lieux = response.json()
    assert len(lieux) == 11
    assert {"slug", "name", "address", "commune", "phone", "governance"} <= set(lieux[0])


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nulle-part")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


def test_openapi_schema_lists_the_api(client):
    response = client.get("/schema")
    assert response.status_code == 200
    assert "/api/lieux" in response.json()["paths"]


def test_member_text_is_escaped(client, seeded_path):
    from lieux import db as database
    from lieux.db.lieux import upsert_lieu
    from lieux.models import LieuWrite

    db = database.connect(seeded_path)
    upsert_lieu(
        db, LieuWrite(slug="piege", name='<img src=x onerror=alert(1)>"><script>'), now=DEMO_NOW
    )
    db.close()
    html = client.get("/lieux/piege").text
    assert "<img src=x" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_home_shows_open_now_today_and_the_week_and_a_search_box(client):
    html = client.get("/?at=2026-11-25T14:30:00%2B01:00").text  # a Wednesday
    assert 'action="/lieux"' in html and 'name="q"' in html
    assert 'id="ldl-open-now"' in html
    today = html.split('id="day-2026-11-25"')[1].split("</section>")[0]
    assert "Groupe de parole" in today and "Soupe du midi" in today
    assert "Atelier tricot" not in today  # Thursday's, listed further down
    assert "Atelier tricot" in html
    assert "Télé-Accueil" in html


def test_activity_titles_in_the_readers_language_or_marked_french(client):
    html = client.get("/lieux/babel-zin?lang=nl&at=2026-11-23T09:00:00%2B01:00").text
    assert '<a href="/agenda/1">Koffieklets</a>' in html  # title_nl written
    assert 'lang="fr">Assemblée des participant·es</a>' in html  # no Dutch title: marked
    home = client.get("/?lang=en&at=2026-11-29T09:00:00%2B01:00").text
    assert ">Sunday brunch</a>" in home


def test_error_pages_say_what_happened_in_the_readers_language(client):
    response = client.get("/manage/espace-51")
    assert response.status_code == 401
    assert "Connexion nécessaire" in response.text
    dutch = client.get("/manage/espace-51", headers={"accept-language": "nl"})
    assert "Aanmelden nodig" in dutch.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "path", ["/agenda/99999999999999999999999", "/embed?limit=%C2%B2", "/agenda/99999999999"]
)
def test_numbers_out_of_range_are_a_clear_answer_never_a_500(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.text


def test_a_page_that_fails_still_answers_with_the_friendly_error_page(seeded_path, caplog):
    """Data no form would write (a slot at 25:99) breaks the lieu page and the open-now snapshot
    the footer reads its helplines from: the person still gets the error page, not a bare 500."""
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "babel-zin")
    db.execute(
        "INSERT INTO opening_slots (lieu_id, weekday, opens, closes)"
        " VALUES (?, 0, '25:99', '26:00')",
        [lieu.id],
    )
    db.conn.commit()
    db.close()
    with TestClient(app=make_app(seeded_path)) as client:
        page = client.get("/lieux/babel-zin")
    assert page.status_code == 500
    assert "Quelque chose s'est mal passé" in unescape(page.text)
    assert "Traceback" not in page.text and "ValidationError" not in page.text
