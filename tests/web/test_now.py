"""What the home page and the directory say when nothing is open, when nobody has entered the
hours yet, and when both: in French, Dutch and English, in the right order."""

import re
from html import unescape

import pytest

NIGHT = "2026-11-24T03:00"  # a Tuesday, 03:00 in Brussels: every demo lieu is closed
WEDNESDAY_MORNING = "2026-11-25T11:00"
WEDNESDAY_AFTERNOON = "2026-11-25T14:30"

# (lang, "nothing open" headline at 03:00, "hours not online yet", "call before you go")
WORDS = {
    "fr": (
        "Il est 03:00 : aucun lieu n'est ouvert",
        "Les horaires de ces lieux ne sont pas encore en ligne : appelez avant de passer.",
        "appelez avant de passer",
    ),
    "nl": (
        "Het is 03:00: geen enkele plek is open",
        "De openingsuren van deze plekken staan nog niet online: bel voor je langskomt.",
        "bel voor je langskomt",
    ),
    "en": (
        "It is 03:00: no place is open",
        "The hours of these lieux are not online yet: call before you go.",
        "call before you go",
    ),
}
MIXED_HEADLINE = {
    "fr": "Il est 03:00 : aucun lieu aux horaires connus n'est ouvert",
    "nl": "Het is 03:00: geen enkele plek met bekende openingsuren is open",
    "en": "It is 03:00: no place with known opening hours is open",
}
FEWER_FILTERS = {
    "fr": "Essayez moins de filtres",
    "nl": "Probeer het met minder filters",
    "en": "Try fewer filters",
}
NOTHING_OPEN_ANYWHERE = {
    "fr": "Aucun lieu n'est ouvert",
    "nl": "geen enkele plek is open",
    "en": "no place is open",
}
LANGS = ["fr", "nl", "en"]


def page(client, path: str, lang: str) -> str:
    response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code == 200
    return unescape(response.text)


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def without_fragment(html: str) -> str:
    """The page less the widget fragment it includes (tests/widget checks the fragment)."""
    return re.sub(r'<section id="ldl-open-now".*?</section>\s*(?=\S)', "", html, flags=re.S)


def position(html: str, needle: str) -> int:
    assert needle in html, needle
    return html.index(needle)


def cards(html: str) -> list[str]:
    return re.findall(r'<h3 id="lieu-([^"]+)">', html)


# --- nothing open: at night, with the demo hours -------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_home_at_night_gives_the_helplines_first(client, lang):
    html = main(page(client, f"/?at={NIGHT}", lang))
    headline = WORDS[lang][0]
    # The hour and the helplines come before anything else, the title included.
    assert position(html, headline) < position(html, 'href="tel:107"') < position(html, "<h1")
    assert position(html, 'id="nothing-open"') < position(html, 'id="ldl-open-now"')
    # ... then when the next lieux open: La Trace and Espace JV at 09:00.
    block = html[position(html, 'id="nothing-open"') : position(html, "<h1")]
    assert 'href="/lieux/la-trace"' in block and 'href="/lieux/espace-jv-jean-vermeylen"' in block
    assert "09:00" in block
    # Listed once on the page: the fragment leaves them to it.
    assert html.count('href="tel:107"') == 1


@pytest.mark.parametrize("lang", LANGS)
def test_open_now_at_night_says_it_is_the_hour_not_the_filters(client, lang):
    html = main(page(client, f"/lieux?open=now&at={NIGHT}", lang))
    assert WORDS[lang][0] in html
    assert FEWER_FILTERS[lang] not in html
    # The helplines first, before the filters and before the lieux closed now.
    assert position(html, 'href="tel:107"') < position(html, "<form") < position(html, "<article")
    # Then every lieu, the next to open first, each saying when it opens.
    found = cards(html)
    assert len(found) == 11
    assert set(found[:2]) == {"la-trace", "espace-jv-jean-vermeylen"}  # 09:00
    assert found[2] == "club-55"  # 09:30
    assert found[-1] == "l-entr-act"  # Saturday


def test_open_now_at_night_in_one_commune_still_blames_the_hour(client):
    html = main(page(client, f"/lieux?open=now&commune=Forest&at={NIGHT}", "fr"))
    assert "Il est 03:00 : aucun lieu n'est ouvert" in html
    assert "Essayez moins de filtres" not in html
    assert cards(html) == ["le-delta"]
    assert "ouvre demain à 12:00" in html


def test_fewer_filters_only_when_the_filters_empty_the_list(client):
    html = main(page(client, f"/lieux?open=now&q=introuvablezz&at={NIGHT}", "fr"))
    assert "Aucun lieu ne correspond. Essayez moins de filtres." in html
    assert "aucun lieu n'est ouvert" not in html


def test_directory_at_night_without_a_filter_gives_the_helplines_before_the_lieux(client):
    html = main(page(client, f"/lieux?at={NIGHT}", "fr"))
    assert position(html, "Il est 03:00") < position(html, 'href="tel:107"')
    assert position(html, 'href="tel:107"') < position(html, "<article")
    assert len(cards(html)) == 11
    assert "Prochaines ouvertures" in html


def test_in_the_afternoon_nothing_of_it(client):
    for path in (f"/?at={WEDNESDAY_AFTERNOON}", f"/lieux?open=now&at={WEDNESDAY_AFTERNOON}"):
        html = main(page(client, path, "fr"))
        assert 'id="nothing-open"' not in html
        assert "Il est 14:30" not in html
    home = main(page(client, f"/?at={WEDNESDAY_AFTERNOON}", "fr"))
    # The helplines stay on the home page, after the agenda.
    assert position(home, 'id="week-title"') < position(home, 'id="helplines"')


# --- hours unknown: the real data only -----------------------------------------------------------


@pytest.mark.parametrize("at", [WEDNESDAY_MORNING, NIGHT])
@pytest.mark.parametrize("lang", LANGS)
def test_home_with_unknown_hours_lists_the_lieux_to_call_then_the_helplines(real_client, lang, at):
    html = main(page(real_client, f"/?at={at}", lang))
    assert WORDS[lang][1] in html
    own = without_fragment(html)
    assert NOTHING_OPEN_ANYWHERE[lang] not in own
    assert 'id="nothing-open"' not in html
    # The lieux with their phone numbers (in the fragment), the helplines after them.
    assert position(html, 'href="tel:+3225220363"') < position(html, 'id="helplines"')  # Club 55
    assert position(html, 'id="helplines"') < position(html, 'href="tel:107"')
    assert 'href="#helplines"' in html  # one tap from the notice to the helplines


@pytest.mark.parametrize("lang", LANGS)
def test_directory_with_unknown_hours_says_so_and_lists_phones(real_client, lang):
    html = main(page(real_client, f"/lieux?at={WEDNESDAY_MORNING}", lang))
    assert WORDS[lang][1] in html
    assert NOTHING_OPEN_ANYWHERE[lang] not in html
    assert len(cards(html)) == 11
    assert html.count(f"— {WORDS[lang][2]}") == 10  # every card with a phone (one has none)
    assert position(html, "<article") < position(html, 'id="helplines"')


@pytest.mark.parametrize("lang", LANGS)
def test_open_now_with_unknown_hours_lists_the_lieux_to_call(real_client, lang):
    html = main(page(real_client, f"/lieux?open=now&at={WEDNESDAY_MORNING}", lang))
    assert WORDS[lang][1] in html
    assert NOTHING_OPEN_ANYWHERE[lang] not in html
    assert FEWER_FILTERS[lang] not in html
    assert {"fr": "11 lieux à appeler", "nl": "11 plekken om te bellen", "en": "11 places to call"}[
        lang
    ] in html
    assert len(cards(html)) == 11
    assert 'href="tel:+3225220363"' in html
    assert position(html, "<article") < position(html, 'id="helplines"')


def test_weekend_with_unknown_hours_lists_the_lieux_to_call(real_client):
    html = main(page(real_client, f"/lieux?open=weekend&at={WEDNESDAY_MORNING}", "fr"))
    assert "Aucun lieu aux horaires connus n'ouvre ce week-end" in html
    assert "Horaires pas encore en ligne : appelez avant de passer" in html
    assert len(cards(html)) == 11
    assert "Essayez moins de filtres" not in html


# --- mixed: two lieux closed at night, nine unknown ----------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_home_mixed_says_both_truths(mixed_client, lang):
    html = main(page(mixed_client, f"/?at={NIGHT}", lang))
    assert MIXED_HEADLINE[lang] in html
    assert {
        "fr": "Les horaires de 9 lieux ne sont pas encore en ligne : appelez-les avant de passer.",
        "nl": "De openingsuren van 9 plekken staan nog niet online: bel voor je langskomt.",
        "en": "The opening hours of 9 places are not online yet: call them before you go.",
    }[lang] in html
    assert position(html, 'href="tel:107"') < position(html, "<h1")
    block = html[position(html, 'id="nothing-open"') : position(html, "<h1")]
    assert 'href="/lieux/la-trace"' in block and 'href="/lieux/club-55"' in block


@pytest.mark.parametrize("lang", LANGS)
def test_open_now_mixed_lists_those_to_call_then_those_closed(mixed_client, lang):
    html = main(page(mixed_client, f"/lieux?open=now&at={NIGHT}", lang))
    assert MIXED_HEADLINE[lang] in html
    assert FEWER_FILTERS[lang] not in html
    assert position(html, 'href="tel:107"') < position(html, "<article")
    found = cards(html)
    assert len(found) == 11
    assert found[-2:] == ["la-trace", "club-55"]  # closed, 09:00 then 10:00, after the 9 to call
