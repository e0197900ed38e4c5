"""What the fragment and the iframe page say when nothing is open, and when no hours are known.

"Nothing open" is the demo data at 03:00 on a Tuesday; "hours unknown" is the real data alone
(`lieux seed` without --demo) at 11:00 on a Wednesday, when a visitor could well walk in: it
must then list the lieux to call, not send people to the suicide-prevention line.
"""

import html
import re
from html import unescape

import pytest

from tests.widget.conftest import MIXED_SLUG

NIGHT = "2026-11-24T03:00:00+01:00"  # Tuesday: every demo lieu is closed
WEDNESDAY_11 = "2026-11-25T11:00:00+01:00"
PAGES = ("/widget/open-now", "/embed/open-now")

NOTHING_OPEN = {
    "fr": "Aucun lieu n'est ouvert en ce moment.",
    "nl": "Er is op dit moment geen enkele plek open.",
    "en": "No lieu is open right now.",
}
NEED_TO_TALK = {
    "fr": "Besoin de parler maintenant ?",
    "nl": "Nu nood aan een gesprek?",
    "en": "Need to talk now?",
}
CLOSED_NOW = {"fr": "Fermés en ce moment", "nl": "Nu gesloten", "en": "Closed right now"}
HOURS_NOT_ONLINE = {
    "fr": "Les horaires de ces lieux ne sont pas encore en ligne : appelez avant de passer.",
    "nl": "De openingsuren van deze plekken staan nog niet online: bel voor je langskomt.",
    "en": "The hours of these lieux are not online yet: call before you go.",
}
MIXED = {
    "fr": "Aucun lieu aux horaires connus n'est ouvert en ce moment. 10 lieux n'ont pas encore "
    "communiqué leurs horaires. Appelez avant de passer.",
    "nl": "Geen enkele plek met bekende openingsuren is nu open. 10 plekken hebben hun "
    "openingsuren nog niet meegedeeld. Bel voor je langskomt.",
    "en": "No lieu with known hours is open right now. 10 lieux have not given their hours "
    "yet. Call before you go.",
}
UNKNOWN_LABEL = {
    "fr": "horaires non communiqués",
    "nl": "openingsuren niet meegedeeld",
    "en": "hours not given",
}


def get(client, path: str, **params) -> str:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.text


def text_of(markup: str) -> str:
    """The visible words, one space between them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def first(markup: str, marker: str) -> int:
    at = markup.find(marker)
    assert at != -1, f"{marker} not found"
    return at


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("show", ["open", "all"])
def test_nothing_open_puts_the_helplines_first(client, path, lang, show):
    markup = get(client, path, at=NIGHT, lang=lang, show=show)
    words = text_of(markup)
    assert NOTHING_OPEN[lang] in words
    assert NEED_TO_TALK[lang] in words
    assert 'href="tel:107"' in markup and 'href="tel:106"' in markup
    if show == "open":
        assert 'class="ldl-lieu"' not in markup
    else:
        # The closed lieux come after the helplines, under their own heading.
        assert first(markup, 'class="ldl-helplines"') < first(markup, 'class="ldl-lieu"')
        assert CLOSED_NOW[lang] in words
        assert markup.count('class="ldl-lieu"') == 11
        assert "ldl-state-open" not in markup


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("show", ["open", "all"])
@pytest.mark.parametrize("at", [WEDNESDAY_11, NIGHT])
def test_hours_unknown_lists_the_lieux_to_call_then_the_helplines(
    real_client, path, lang, show, at
):
    markup = get(real_client, path, at=at, lang=lang, show=show)
    words = text_of(markup)
    assert NOTHING_OPEN[lang] not in words
    assert HOURS_NOT_ONLINE[lang] in words
    assert "ldl-demo" not in markup  # real data: no demonstration banner
    # Every lieu, with its phone number, before the helplines.
    assert markup.count('class="ldl-lieu"') == 11
    assert markup.count("ldl-state-unknown") == 11
    assert words.count(UNKNOWN_LABEL[lang]) == 11
    assert 'href="tel:+3225220363">02 522 03 63<' in markup  # Club 55
    assert first(markup, 'class="ldl-lieu"') < first(markup, 'class="ldl-helplines"')
    assert NEED_TO_TALK[lang] in words


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_some_closed_some_unknown_says_both(mixed_client, path, lang):
    markup = get(mixed_client, path, at=NIGHT, lang=lang, show="all")
    words = text_of(markup)
    assert MIXED[lang] in words
    assert NOTHING_OPEN[lang] not in words
    # The lieux that may be open (no hours online), the helplines, then the closed one.
    unknown, helplines = first(markup, "ldl-state-unknown"), first(markup, "ldl-helplines")
    closed = first(markup, "ldl-state-closed")
    assert unknown < helplines < closed
    assert markup.count("ldl-state-closed") == 1
    assert f"/lieux/{MIXED_SLUG}" in markup[helplines:]


def test_some_open_some_unknown_says_how_many_are_unknown(mixed_client):
    markup = get(mixed_client, "/widget/open-now", at=WEDNESDAY_11)
    assert markup.count('class="ldl-lieu"') == 1  # only the open one
    assert "ldl-helplines" not in markup
    assert "10 lieux n'ont pas encore communiqué leurs horaires." in text_of(markup)


@pytest.mark.parametrize(
    ("lang", "first", "others"),
    [
        # Écoute-Enfants (103) has no hours in the guide: apart, last, never "answering now".
        ("fr", ["107", "0800 32 123"], ["106", "1813", "02 648 40 14", "103"]),
        ("nl", ["106", "1813"], ["107", "0800 32 123", "02 648 40 14", "103"]),
        ("en", ["02 648 40 14"], ["107", "106", "0800 32 123", "1813", "103"]),
    ],
)
def test_the_helplines_in_the_widgets_language_first_the_others_one_tap_away(
    client, lang, first, others
):
    markup = get(client, "/widget/open-now", at=NIGHT, lang=lang)
    shown, _, folded = markup.partition('<details class="ldl-others">')
    assert re.findall(r'class="ldl-number">([^<]+)<', shown) == first
    assert re.findall(r'class="ldl-number">([^<]+)<', folded) == others


@pytest.mark.parametrize(("lang", "words"), [("fr", "Ligne d'écoute"), ("nl", "Luisterlijn")])
def test_helplines_are_described_in_the_widgets_language(client, lang, words):
    html = get(client, "/widget/open-now", at=NIGHT, lang=lang)
    line = html[html.index('href="tel:106"') :]
    assert words in unescape(line[: line.index("</li>")])
