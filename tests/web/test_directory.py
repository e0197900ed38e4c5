import re

import pytest


def names(html: str) -> list[str]:
    return re.findall(r'<h3 id="lieu-[^"]+"><a href="/lieux/([^"]+)">', html)


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
