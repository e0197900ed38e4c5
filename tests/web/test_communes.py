"""Dutch pages name the Brussels communes in Dutch; the filters keep the stored French name."""

import re

import pytest

from lieux.models import COMMUNES_NL, commune_name
from lieux.seed import load_guide


def commune_labels(html: str) -> list[tuple[str, str]]:
    """(value, label) of the directory's commune checkboxes."""
    return re.findall(r'name="commune" value="([^"]+)"[^>]*> ([^<]+)</label>', html)


def test_every_commune_of_the_guide_has_its_dutch_name():
    for entry in load_guide()["lieux"]:
        assert entry["commune"] in COMMUNES_NL, entry["commune"]


@pytest.mark.parametrize(
    ("french", "dutch"),
    [
        ("Schaerbeek", "Schaarbeek"),
        ("Forest", "Vorst"),
        ("Ixelles", "Elsene"),
        ("Saint-Gilles", "Sint-Gillis"),
        ("Auderghem", "Oudergem"),
        ("Bruxelles", "Brussel"),
        ("Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
        ("Anderlecht", "Anderlecht"),
    ],
)
def test_commune_name(french, dutch):
    assert commune_name(french, "nl") == dutch
    assert commune_name(french, "fr") == commune_name(french, "en") == french


def test_unknown_commune_keeps_its_name():
    assert commune_name("Zaventem", "nl") == "Zaventem"


def test_directory_filter_labels_are_dutch_and_values_french(client):
    labels = dict(commune_labels(client.get("/lieux?lang=nl").text))
    assert labels["Schaerbeek"] == "Schaarbeek"
    assert labels["Forest"] == "Vorst"
    assert labels["Auderghem"] == "Oudergem"
    assert labels["Bruxelles"] == "Brussel"
    assert labels["Saint-Gilles"] == "Sint-Gillis"
    french = dict(commune_labels(client.get("/lieux?lang=fr").text))
    assert all(value == label for value, label in french.items())
    english = dict(commune_labels(client.get("/lieux?lang=en").text))
    assert english["Schaerbeek"] == "Schaerbeek"


def test_dutch_labels_are_in_dutch_alphabetical_order(client):
    labels = [label for _value, label in commune_labels(client.get("/lieux?lang=nl").text)]
    assert labels == sorted(labels, key=str.casefold)
    assert labels.index("Brussel") < labels.index("Oudergem") < labels.index("Vorst")


def test_the_french_value_still_filters_on_a_dutch_page(client):
    html = client.get("/lieux?lang=nl&commune=Schaerbeek").text
    assert 'value="Schaerbeek" checked> Schaarbeek' in html
    assert set(re.findall(r'<h3 id="lieu-([^"]+)">', html)) == {"espace-51", "l-entr-act"}
    assert "1030 Schaarbeek" in html and "1030 Schaerbeek" not in html


def test_dutch_cards_and_lieu_page(client):
    assert "Rue Thiéfry 51, 1030 Schaarbeek" in client.get("/lieux?lang=nl").text
    html = client.get("/lieux/le-delta?lang=nl").text
    assert "Rue du Delta 61, 1190 Vorst" in html
    assert "1190 Forest" in client.get("/lieux/le-delta?lang=fr").text
    assert "1190 Forest" in client.get("/lieux/le-delta?lang=en").text


def test_a_dutch_name_finds_the_lieux_of_its_commune(client):
    found = re.findall(r'<h3 id="lieu-([^"]+)">', client.get("/lieux?q=Schaarbeek").text)
    assert set(found) == {"espace-51", "l-entr-act"}
    assert re.findall(r'<h3 id="lieu-([^"]+)">', client.get("/lieux?q=vorst").text) == ["le-delta"]


def test_dutch_guide_names_the_communes_in_dutch(client):
    html = client.get("/guide?lang=nl").text
    assert "1030 Schaarbeek" in html and "1030 Schaerbeek" not in html
