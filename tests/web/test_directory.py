import re

import pytest


def names(html: str) -> list[str]:
    return re.findall(r'<h3 id="lieu-[^"]+"><a href="/lieux/([^"?]+)[^"]*">', html)


def test_without_filters_every_lieu(client):
    assert len(names(client.get("/lieux").text)) == 11


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cafe", "babel-zin"),  # accents ignored: "Café-papote"
        ("CAFÉ", "babel-zin"),
        ("tricot", "circuit"),
        ("thiefry", "espace-51"),  # the address, Rue Thiéfry
        ("koffieklets", "club-55"),  # a Dutch title
    ],
)
def test_search_ignores_accents_and_case(client, query, expected):
    assert expected in names(client.get("/lieux", params={"q": query}).text)


def test_search_is_ranked_and_narrows(client):
    found = names(client.get("/lieux", params={"q": "soupe"}).text)
    assert found == ["circuit"]


@pytest.mark.parametrize("query", ['"', "AND(", "*", "NEAR(a b)", "a" * 500, "-- ;DROP"])
def test_search_syntax_from_a_person_never_breaks(client, query):
    assert client.get("/lieux", params={"q": query}).status_code == 200


def test_filters_combine(client):
    both = names(client.get("/lieux", params={"commune": ["Schaerbeek", "Anderlecht"]}).text)
    assert set(both) == {"espace-51", "l-entr-act", "club-55", "espace-jv-jean-vermeylen"}
    papote_in_schaerbeek = names(
        client.get("/lieux", params={"commune": "Schaerbeek", "kind": "cafe-papote"}).text
    )
    assert papote_in_schaerbeek == ["l-entr-act"]
    free_repas = names(client.get("/lieux", params={"kind": "repas", "free": "true"}).text)
    assert "club-55" not in free_repas  # its meal costs 3 €


def test_filters_keep_their_state_in_the_form(client):
    html = client.get("/lieux", params={"q": "café", "commune": "Forest"}).text
    assert 'value="café"' in html
    assert 'value="Forest" checked' in html


def test_unknown_filter_is_a_clear_400_page(client):
    response = client.get("/lieux", params={"commune": "Atlantide"})
    assert response.status_code == 400
    assert "Atlantide" in response.text
    assert response.headers["content-type"].startswith("text/html")


WEDNESDAY_AFTERNOON = "2026-11-25T14:30:00+01:00"


def test_each_lieu_shows_its_state(client):
    html = client.get("/lieux", params={"at": WEDNESDAY_AFTERNOON}).text
    assert html.count('class="state state-open"') == 8
    assert 'class="state state-closed"' in html


def test_open_now_filter(client):
    found = names(client.get("/lieux", params={"open": "now", "at": WEDNESDAY_AFTERNOON}).text)
    assert "club-55" in found and "l-entr-act" not in found  # L'Entr'Act opens on weekends
    assert len(found) == 8


def test_open_this_weekend_filter_combines_with_commune(client):
    found = names(client.get("/lieux", params={"open": "weekend", "at": WEDNESDAY_AFTERNOON}).text)
    # Demo weekend hours: Espace 51 (Sa), L'Entr'Act (Sa, Su), Le Delta (Sa), Le Pianocktail,
    # and Coin des Cerises' special Saturday opening from the agenda.
    assert set(found) == {
        "espace-51",
        "l-entr-act",
        "le-delta",
        "le-pianocktail",
        "coin-des-cerises",
    }
    in_schaerbeek = names(
        client.get(
            "/lieux",
            params={"open": "weekend", "commune": "Schaerbeek", "at": WEDNESDAY_AFTERNOON},
        ).text
    )
    assert set(in_schaerbeek) == {"espace-51", "l-entr-act"}


def test_bad_open_filter_or_instant_is_a_400(client):
    assert client.get("/lieux", params={"open": "always"}).status_code == 400
    assert client.get("/lieux", params={"at": "tomorrow"}).status_code == 400


def card_of(html: str, slug: str) -> str:
    start = html.index(f'<h3 id="lieu-{slug}">')
    return html[start : html.index("</article>", start)]


def test_weekend_cards_show_the_weekend_hours_not_the_state_now(client):
    html = client.get("/lieux", params={"open": "weekend", "at": WEDNESDAY_AFTERNOON}).text
    assert "Fermé maintenant" not in html and "ouvre demain" not in html
    assert "Ce week-end :</strong> samedi 11:00–17:00, dimanche 11:00–17:00" in card_of(
        html, "l-entr-act"
    )
    assert "samedi 10:00–14:00" in card_of(html, "espace-51")
    # The overnight slots say the evening they start; Sunday's closes at 20:00.
    assert "samedi 15:00–02:00, dimanche 15:00–20:00" in card_of(html, "le-pianocktail")
    # A special opening from the agenda, said as such.
    assert "samedi 10:00–13:00 (ouverture exceptionnelle)" in card_of(html, "coin-des-cerises")


def test_weekend_hours_in_the_readers_language(client):
    html = client.get(
        "/lieux", params={"open": "weekend", "at": WEDNESDAY_AFTERNOON, "lang": "nl"}
    ).text
    assert "Dit weekend:</strong> zaterdag 11:00–17:00, zondag 11:00–17:00" in card_of(
        html, "l-entr-act"
    )
    english = client.get(
        "/lieux", params={"open": "weekend", "at": WEDNESDAY_AFTERNOON, "lang": "en"}
    ).text
    assert "Saturday 10:00–13:00 (special opening)" in card_of(english, "coin-des-cerises")


def test_weekend_seen_on_saturday_afternoon_keeps_the_days_opening(client):
    # At 13:00 on Saturday L'Entr'Act has been open since 11:00: its opening is still 11:00.
    html = client.get("/lieux", params={"open": "weekend", "at": "2026-11-28T13:00"}).text
    assert "samedi 11:00–17:00, dimanche 11:00–17:00" in card_of(html, "l-entr-act")
    assert "espace-51" in names(html)  # open until 14:00


def test_weekend_with_nothing_in_the_filters_suggests_fewer(client):
    html = client.get(
        "/lieux", params={"open": "weekend", "commune": "Jette", "at": WEDNESDAY_AFTERNOON}
    ).text
    assert "Aucun de ces lieux n'ouvre ce week-end" in html
    assert "Essayez moins de filtres." in html
