"""Nine languages on the public side, three in the members' areas; `?lang=`, Accept-Language,
the switch, the widgets' `lang`, the configurator; a missing translation shows French."""

import re
from io import BytesIO

import pytest

from lieux import i18n
from lieux.models import FULL_LANGUAGES, LANGUAGE_NAMES, LANGUAGES

NEW = ("ar", "es", "pt", "ro", "tr", "uk")
AT = "2026-11-23T14:30:00+01:00"  # demo lieux are open
# Every public page (and an error page), as a visitor or a partner's site asks for it.
PUBLIC_PAGES = [
    "/",
    "/lieux",
    "/lieux?open=now",
    "/lieux/club-55",
    "/agenda",
    "/agenda?view=weekend",
    "/guide",
    "/lieux/club-55/poster",
    "/embed",
    "/embed?widget=agenda",
    "/embed/open-now",
    "/embed/agenda",
    "/api",
    "/nowhere",
]


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("lang", NEW)
def test_every_public_page_takes_lang(client, path, lang):
    answer = client.get(path, params={"lang": lang})
    assert answer.status_code == (404 if path == "/nowhere" else 200)
    rtl = ' dir="rtl"' if lang == "ar" else ""
    assert html_tag(answer.text) == f'<html lang="{lang}"{rtl}>'


def test_an_activity_page_takes_lang(client):
    agenda = client.get("/agenda").text
    activity = re.search(r'href="(/agenda/\d+)"', agenda).group(1)
    assert html_tag(client.get(activity, params={"lang": "ar"}).text) == (
        '<html lang="ar" dir="rtl">'
    )


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("ar", "ar"),
        ("uk-UA,uk;q=0.9,en;q=0.8", "uk"),
        ("tr-TR", "tr"),
        ("pt-BR,pt;q=0.9", "pt"),
        ("ro;q=0.4, es;q=0.8", "es"),
        ("de-DE", "fr"),
    ],
)
def test_accept_language_decides_on_the_public_side(client, header, lang):
    page = client.get("/lieux", headers={"Accept-Language": header}).text
    assert f'<html lang="{lang}"' in page


@pytest.mark.parametrize(
    ("header", "lang"),
    [("ar", "fr"), ("ar, en;q=0.5", "en"), ("uk, nl;q=0.3", "nl")],
)
def test_members_areas_speak_french_dutch_english(client, header, lang):
    """A member whose browser asks Arabic gets the next language it accepts among French,
    Dutch and English, else French (lieux/i18n.py says why)."""
    # A sign-in link that is not (or no longer) valid: a page of the members' area.
    page = client.get("/signin/not-a-token", headers={"Accept-Language": header}).text
    assert f'<html lang="{lang}">' in page


def test_a_remembered_arabic_choice_does_not_reach_the_members_areas(client):
    client.get("/langue/ar", params={"next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/lieux").text
    assert '<html lang="fr">' in client.get("/signin/not-a-token").text
    assert '<html lang="nl">' in client.get("/signin/not-a-token", params={"lang": "nl"}).text
    assert '<html lang="fr">' in client.get("/signin/not-a-token", params={"lang": "ar"}).text


def switch_names(page: str) -> list[str]:
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    return re.findall(r'hreflang="[a-z]+"[^>]*>([^<]+)</a>', nav)


def test_the_switch_names_each_language_in_itself(client):
    public = client.get("/lieux").text
    assert switch_names(public) == [LANGUAGE_NAMES[code] for code in LANGUAGES]
    assert switch_names(public) == [
        "Français", "Nederlands", "English", "العربية", "Español", "Português", "Română",
        "Türkçe", "Українська",
    ]  # fmt: skip
    # Arabic, written right to left, is marked so on a left-to-right page.
    assert 'hreflang="ar" dir="rtl">العربية</a>' in public
    members = client.get("/signin/not-a-token").text
    assert switch_names(members) == ["Français", "Nederlands", "English"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_switch_takes_every_public_language(client, lang):
    answer = client.get(f"/langue/{lang}", params={"next": "/agenda"}, follow_redirects=False)
    assert answer.status_code in (301, 302, 303, 307)
    assert f'<html lang="{lang}"' in client.get("/agenda").text


@pytest.mark.parametrize("widget", ["open-now", "agenda"])
def test_the_configurators_offer_nine_languages(client, widget):
    page = client.get("/embed", params={"widget": widget}).text
    select = re.search(r'<select id="embed-lang".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="([a-z]+)" lang="\1"[^>]*>([^<]+)</option>', select)
    assert offered == [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    chosen = client.get("/embed", params={"widget": widget, "widget_lang": "ar"}).text
    assert '<option value="ar" lang="ar" dir="rtl" selected>العربية</option>' in chosen
    assert "lang=ar" in re.search(r'<code id="snippet-iframe">(.*?)</code>', chosen, re.S)[1]


@pytest.mark.parametrize("lang", NEW)
def test_the_widgets_take_lang(client, lang):
    direction = "rtl" if lang == "ar" else "ltr"
    fragment = client.get("/widget/open-now", params={"lang": lang, "at": AT}).text
    assert 'id="ldl-open-now"' in fragment
    assert re.search(rf'<section id="ldl-open-now"[^>]* lang="{lang}" dir="{direction}">', fragment)
    agenda = client.get("/widget/agenda", params={"lang": lang}).text
    assert re.search(rf'<section id="ldl-agenda"[^>]* lang="{lang}" dir="{direction}">', agenda)


def test_the_members_languages_are_the_full_catalogues():
    assert FULL_LANGUAGES == ("fr", "nl", "en")
    assert set(NEW) | set(FULL_LANGUAGES) == set(LANGUAGES)


PO = b"""msgid ""
msgstr ""
"Language: tr\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Les lieux"
msgstr "Yerler"

msgid "Agenda"
msgstr ""

#, fuzzy
msgid "Accueil"
msgstr "Ana sayfa"

msgid "%(num)d lieu"
msgid_plural "%(num)d lieux"
msgstr[0] ""
msgstr[1] ""

msgid "%(num)d jour"
msgid_plural "%(num)d jours"
msgstr[0] "%(num)d g\xc3\xbcn"
msgstr[1] ""
"""


def test_a_missing_translation_shows_the_french_source_string_by_string():
    """Babel's compiled catalogue answers the msgid (the French text) for an empty or fuzzy
    msgstr, and an empty plural form falls back to the French singular or plural: never an
    empty string."""
    translations = i18n.compiled(BytesIO(PO), "tr")
    assert translations.gettext("Les lieux") == "Yerler"
    assert translations.gettext("Agenda") == "Agenda"
    assert translations.gettext("Accueil") == "Accueil"
    assert translations.gettext("Absent du catalogue") == "Absent du catalogue"
    assert translations.ngettext("%(num)d lieu", "%(num)d lieux", 1) == "%(num)d lieu"
    assert translations.ngettext("%(num)d lieu", "%(num)d lieux", 5) == "%(num)d lieux"
    assert translations.ngettext("%(num)d jour", "%(num)d jours", 1) == "%(num)d gün"
    assert translations.ngettext("%(num)d jour", "%(num)d jours", 5) == "%(num)d jours"


@pytest.mark.parametrize("lang", NEW)
def test_the_shipped_catalogues_never_answer_an_empty_string(lang):
    from tests.i18n.catalogues import public_msgids

    for msgid in public_msgids():
        assert i18n.gettext_in(lang, msgid).strip(), msgid


def test_a_time_range_in_arabic_text_stays_whole_and_left_to_right():
    """Isolated (LRI…PDI) and unbreakable at its dash in Arabic; untouched in French."""
    assert i18n.ltr_run("14:00–16:00", "ar") == "\u206614:00\u2060–\u206016:00\u2069"
    assert i18n.ltr_run("14:00–16:00", "fr") == "14:00–16:00"
