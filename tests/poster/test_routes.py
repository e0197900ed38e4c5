"""GET /lieux/{slug}/poster: the week asked for, the languages, errors as pages, and the links."""

import re

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, make_app
from tests.poster.conftest import BUSY, CANCELLED, HOSTILE

PATH = f"/lieux/{BUSY}/poster"


def days_of(html: str) -> list[str]:
    cells = re.findall(r'<th scope="row">(.*?)</th>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_default_week_is_the_one_containing_now(client):
    html = client.get(PATH).text
    assert "Semaine du 23 au 29 novembre 2026" in html
    assert days_of(html) == [
        "lundi 23 novembre",
        "mardi 24 novembre",
        "mercredi 25 novembre",
        "jeudi 26 novembre",
        "vendredi 27 novembre",
        "samedi 28 novembre",
        "dimanche 29 novembre",
    ]


@pytest.mark.parametrize("week", ["2026-11-30", "2026-12-03", "2026-12-06"])
def test_any_date_gives_its_week(client, week):
    html = client.get(f"{PATH}?week={week}").text
    assert "Semaine du 30 novembre au 6 décembre 2026" in html
    assert days_of(html)[0] == "lundi 30 novembre"
    assert 'href="?week=2026-11-23&amp;lang=fr">Semaine précédente' in html
    assert 'href="?week=2026-12-07&amp;lang=fr">Semaine suivante' in html


def test_the_poster_shows_the_lieu_hours_activities_qr_codes_and_helplines(busy_client):
    response = busy_client.get(PATH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Babel&#39;Zin</h1>" in html
    assert "Chaussée de Wavre 1688, 1160 Auderghem" in html
    assert "Démonstration" in html and "fictifs" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    monday, tuesday, wednesday = rows[1], rows[2], rows[3]
    assert "fermé" in monday and "10:00–16:00" not in monday  # Babel'Zin opens Tuesday to Friday
    assert "10:00–16:00" in tuesday and "Café-papote" in tuesday
    assert "fermé" in wednesday and "Formation" in wednesday  # the closure of the fixture
    assert "À confirmer" in wednesday  # activities planned on the closed day
    friday = rows[5]
    assert "Annulé" in friday and "<del>" in friday and CANCELLED in friday
    assert html.count("<svg") == 3
    assert "http://testserver/lieux/babel-zin</span>" in html
    # The calendar's QR code opens the subscribe box, as the box's own QR code does.
    assert "http://testserver/lieux/babel-zin#subscribe</span>" in html
    assert ".ics" not in html
    assert "http://testserver/lieux/babel-zin/report</span>" in html  # "Signaler un problème"
    helplines = html[html.index('id="p-helplines"') :]
    assert helplines.index("107") < helplines.index("106")  # French page: Télé-Accueil first
    assert "@page { size: A4; margin: 12mm; }" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing remote


def test_what_people_typed_is_shown_as_text(busy_client):
    html = busy_client.get(PATH).text
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("lang", "week", "closed", "helpline_first"),
    [
        ("nl", "Week van 23 tot 29 november 2026", "gesloten", "106"),
        ("en", "Week of 23 to 29 November 2026", "closed", "107"),
    ],
)
def test_the_poster_in_dutch_and_english(client, lang, week, closed, helpline_first):
    html = client.get(f"{PATH}?lang={lang}").text
    assert f'<html lang="{lang}">' in html
    assert week in html
    assert f'<span class="closed">{closed}</span>' in html
    assert "Semaine" not in html and "Activités" not in html and "Démonstration" not in html
    helplines = html[html.index('id="p-helplines"') :]
    other = {"106": "107", "107": "106"}[helpline_first]
    assert helplines.index(f">{helpline_first}<") < helplines.index(f">{other}<")


def test_the_language_of_the_page_is_the_default(client):
    client.get("/langue/nl?next=/")
    assert "Week van 23 tot 29 november 2026" in client.get(PATH).text


def test_unknown_hours_are_said_never_invented(db_path, clock):
    db = database.connect(db_path)
    seed_guide(db, now=DEMO_NOW)  # the real lieux: no hours entered anywhere
    db.close()
    with TestClient(app=make_app(db_path, clock)) as real:
        html = real.get("/lieux/club-55/poster").text
    assert "Horaires non communiqués : téléphonez avant de passer." in html
    assert html.count("non communiqués</span>") == 7
    assert not re.search(r"\d\d:\d\d–\d\d:\d\d", html)  # no hours invented
    assert "fermé" not in html and "Démonstration" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("week=abc", "Semaine invalide : donnez une date au format AAAA-MM-JJ"),
        ("week=2026-02-30", "Semaine invalide"),
        ("week=23/11/2026", "Semaine invalide"),
        ("week=2099-01-01", "Semaine trop lointaine : choisissez une date à moins de 5 ans"),
        ("lang=de", "Langue inconnue : « de ». Langues possibles : fr, nl, en, ar, es, pt, ro,"),
    ],
)
def test_bad_input_is_a_400_page_that_says_what_is_wrong(client, query, message):
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert "Traceback" not in response.text


def test_bad_week_error_is_translated(client):
    response = client.get(f"{PATH}?week=abc&lang=en")
    assert response.status_code == 400
    assert "Invalid week: give a date as YYYY-MM-DD" in response.text


def test_unknown_or_archived_lieu_is_a_404_page(client, seeded_path):
    response = client.get("/lieux/nulle-part/poster")
    assert response.status_code == 404 and "<html" in response.text
    db = database.connect(seeded_path)
    db.execute("UPDATE lieux SET archived_at = '2026-11-01T00:00:00+00:00' WHERE slug = ?", [BUSY])
    db.conn.commit()
    db.close()
    assert client.get(PATH).status_code == 404


def test_the_lieu_page_links_to_its_poster(client):
    html = client.get(f"/lieux/{BUSY}").text
    assert f'<a href="/lieux/{BUSY}/poster">Affiche de la semaine à imprimer</a>' in html
    assert "Weekaffiche om af te drukken" in client.get(f"/lieux/{BUSY}?lang=nl").text


def test_the_dashboard_links_to_the_poster(client, manager):
    html = client.get(f"/manage/{BUSY}").text
    assert f'<a href="/lieux/{BUSY}/poster">Affiche de la semaine à imprimer</a>' in html
