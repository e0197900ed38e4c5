"""Activities in three languages: the form takes an optional Dutch and English title and
description, marked as optional with the lieu descriptions' wording; Dutch and English pages,
posters and feeds then show them instead of the French (issue 23)."""

import html
import re
from datetime import timedelta

import pytest

from tests.conftest import DEMO_TODAY
from tests.people import LIEU_A, create, post, stored

DAY = DEMO_TODAY + timedelta(days=2)  # a Wednesday of the demo week
MEAL = {
    "title": "Repas partagé",
    "kind": "repas",
    "day": DAY.isoformat(),
    "start": "12:00",
    "end": "14:00",
    "repeat": "none",
    "description": "On cuisine ensemble.",
}
DUTCH = {"title_nl": "Gedeelde maaltijd", "description_nl": "We koken samen."}
ENGLISH = {"title_en": "Shared meal", "description_en": "We cook together."}


def test_the_form_offers_them_as_optional_with_the_fallback_said(client, manager):
    page = html.unescape(client.get(f"/manage/{LIEU_A}/activities/new").text)
    for name, label in [
        ("title_nl", "Titre en néerlandais (facultatif)"),
        ("title_en", "Titre en anglais (facultatif)"),
        ("description_nl", "Description en néerlandais (facultatif)"),
        ("description_en", "Description en anglais (facultatif)"),
    ]:
        assert f'<label for="{name}">{label}</label>' in page
        assert re.search(rf'id="{name}" name="{name}" lang="{name[-2:]}"', page)
    assert (
        "sans eux, les pages, les affiches et les calendriers dans ces langues montrent le "
        "texte français" in page
    )


def test_they_are_saved_shown_back_and_optional(client, seeded_path, manager):
    activity_id = create(client, manager, {**MEAL, **DUTCH, "title_en": "  "})
    activity = stored(seeded_path, activity_id)
    assert (activity.title_nl, activity.description_nl) == ("Gedeelde maaltijd", "We koken samen.")
    assert (activity.title_en, activity.description_en) == (None, None)  # empty: the French
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    assert 'value="Gedeelde maaltijd"' in page and ">We koken samen.</textarea>" in page
    too_long = post(
        client, manager, f"/manage/{LIEU_A}/activities", {**MEAL, "title_en": "x" * 201}
    )
    assert too_long.status_code == 400 and 'id="title_en-error"' in too_long.text
    marked = post(
        client, manager, f"/manage/{LIEU_A}/activities", {**MEAL, "description_nl": "<b>"}
    )
    assert marked.status_code == 400 and 'id="description_nl-error"' in marked.text


@pytest.mark.parametrize(
    ("lang", "title", "description"),
    [
        ("nl", "Gedeelde maaltijd", "We koken samen."),
        ("en", "Shared meal", "We cook together."),
        ("fr", "Repas partagé", "On cuisine ensemble."),
    ],
)
def test_each_language_shows_its_own_title_and_description(
    client, seeded_path, manager, lang, title, description
):
    activity_id = create(client, manager, {**MEAL, **DUTCH, **ENGLISH})
    page = html.unescape(client.get(f"/agenda/{activity_id}?lang={lang}").text)
    assert f"<h1>{title}</h1>" in page and f">{description}</p>" in page
    poster = html.unescape(client.get(f"/lieux/{LIEU_A}/poster?lang={lang}&week={DAY}").text)
    assert title in poster
    feed = client.get(f"/ical/lieux/{LIEU_A}.ics?lang={lang}").text.replace("\r\n ", "")
    assert f"SUMMARY:{title}" in feed
    assert description.replace(",", "\\,") in feed


def test_without_a_translation_dutch_pages_show_the_french_marked(client, seeded_path, manager):
    activity_id = create(client, manager, MEAL)
    page = client.get(f"/agenda/{activity_id}?lang=nl").text
    # The French text is marked as French, and says so in the page's language.
    marker = '<span class="marker" lang="nl">(tekst in het Frans)</span>'
    assert f'<p lang="fr">On cuisine ensemble. {marker}</p>' in page
