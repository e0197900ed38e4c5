"""The helplines on every page: described in the page's language, ordered for it."""

import re
from html import unescape

import msgspec
import pytest

from lieux import db as database
from lieux.db.lieux import list_helplines, upsert_helpline

FIRST_TWO = {"fr": ["107", "106"], "nl": ["106", "107"], "en": ["107", "106"]}


def helpline_blocks(html: str) -> str:
    """The helplines section's lists: day and night first, then those listed apart."""
    section = html[html.index('<section id="helplines"') :]
    section = section[: section.index("</section>")]
    return "".join(
        block[: block.index("</ul>")] for block in section.split('class="helpline-list"')[1:]
    )


def helpline_numbers(html: str) -> list[str]:
    return re.findall(r'<span class="number">([^<]+)</span>', helpline_blocks(html))


def helpline_lines(html: str) -> dict[str, str]:
    """number -> the line's text, tags removed."""
    block = helpline_blocks(html)
    lines = {}
    for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S):
        number = re.search(r'<span class="number">([^<]+)</span>', item).group(1)
        lines[number] = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", item))).strip()
    return lines


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_listening_line_of_the_language_comes_first(client, lang):
    numbers = helpline_numbers(client.get(f"/?lang={lang}").text)
    assert [n for n in numbers if n in ("106", "107")] == FIRST_TWO[lang]
    assert len(numbers) == 6


def test_dutch_pages_list_the_dutch_lines_first(client):
    numbers = helpline_numbers(client.get("/?lang=nl").text)
    assert numbers[:2] == ["106", "1813"]  # Tele-Onthaal, Zelfmoordlijn


@pytest.mark.parametrize(
    ("lang", "number", "text"),
    [
        ("fr", "106", "106 Tele-Onthaal Ligne d'écoute, en néerlandais · 24/7"),
        ("fr", "107", "107 Télé-Accueil Ligne d'écoute · 24/7"),
        ("nl", "107", "107 Télé-Accueil Luisterlijn, in het Frans · 24/7"),
        ("nl", "106", "106 Tele-Onthaal Luisterlijn · 24/7"),
        ("nl", "103", "103 Écoute-Enfants Lijn voor kinderen en jongeren, in het Frans"),
        ("en", "1813", "1813 Zelfmoordlijn Suicide prevention, in Dutch · 24/7"),
        ("en", "02 648 40 14", "02 648 40 14 Community Help Service Helpline in English · 24/7"),
    ],
)
def test_each_line_says_what_it_is_for_in_the_page_language(client, lang, number, text):
    assert helpline_lines(client.get(f"/?lang={lang}").text)[number] == text


def test_helplines_are_tappable(client):
    html = client.get("/").text
    for tel in ("107", "106", "080032123", "1813", "103", "026484014"):
        assert f'href="tel:{tel}"' in html


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_footer_lists_the_listening_line_of_the_language_first(client, lang):
    html = client.get(f"/lieux?lang={lang}").text
    footer = html[html.index('<footer class="site">') :]
    order = re.findall(r'href="tel:(10[67])"', footer)
    assert order == FIRST_TWO[lang]


def test_the_footer_follows_the_helplines_admins_keep(client, seeded_path):
    """A number an admin corrects is the one every footer dials; a line that no longer answers
    day and night gives its place to the next one in its language, as the footer says "jour et
    nuit"."""
    db = database.connect(seeded_path)
    lines = {line.name: line for line in list_helplines(db)}
    upsert_helpline(db, msgspec.structs.replace(lines["Télé-Accueil"], number="02 538 49 21"))
    upsert_helpline(
        db, msgspec.structs.replace(lines["Tele-Onthaal"], opening_hours="Mo-Fr 09:00-17:00")
    )
    db.close()
    html = client.get("/lieux").text
    footer = html[html.index('<footer class="site">') :]
    assert re.findall(r'href="tel:([^"]+)"', footer) == ["025384921", "1813"]
    assert "Télé-Accueil 02 538 49 21" in footer


def test_guide_lists_the_helplines_translated_and_ordered(client):
    html = unescape(client.get("/guide?lang=nl").text)
    annex = html[html.index('id="g-helplines"') :]
    assert annex.index("Tele-Onthaal") < annex.index("Télé-Accueil")
    assert "Luisterlijn, in het Frans" in annex
    french = unescape(client.get("/guide?lang=fr").text)
    annex = french[french.index('id="g-helplines"') :]
    assert annex.index("Télé-Accueil") < annex.index("Tele-Onthaal")
    assert "Ligne d'écoute, en néerlandais" in annex
