"""The lieu page's JSON-LD description: the lieu's text alone, in every language. The marker
"(texte en français)" is for people reading the page, not for machines reading its data."""

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.i18n import gettext_in
from lieux.models import LANGUAGES
from tests.web.test_structured_data import json_ld


@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_ld_description_is_the_text_alone(client, seeded_path, lang):
    connection = database.connect(seeded_path)
    lieu = get_lieu(connection, "club-55")
    connection.close()
    text, text_lang = lieu.description_in(lang)
    assert text
    html = client.get(f"/lieux/club-55?lang={lang}").text
    place = json_ld(html)[0]
    assert place["description"] == text
    if text_lang != lang:
        # The page says it is the French text; its data does not.
        marker = gettext_in(lang, "texte en français")
        assert f"({marker})" in html and marker not in place["description"]
