"""Dutch and English are complete: every French source string has a translation in both."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def source_strings() -> set[str]:
    method_map = [("lieux/**.py", "python"), ("lieux/templates/**.html", "jinja2")]
    options = {"lieux/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_catalog_translates_every_string(lang):
    po = ROOT / "lieux" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = sorted(source_strings() - translated)
    assert missing == [], f"{len(missing)} strings without {lang} translation: {missing[:10]}"


def test_pages_are_translated(client):
    assert "Les lieux" in client.get("/lieux?lang=fr").text
    assert "De plekken" in client.get("/lieux?lang=nl").text
    assert "The places" in client.get("/lieux?lang=en").text
