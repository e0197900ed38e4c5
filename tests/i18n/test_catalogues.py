"""The nine languages' catalogues: in step with the sources, complete, placeholders kept.

`test_public_catalogue_is_complete` FAILS until the translators' catalogues are merged (each
new catalogue starts with every msgstr empty): that failure is the list of what is left to
translate, language by language, and it is meant to stay red until then.
"""

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.i18n.catalogues import (
    EVERY_LANGUAGE,
    PUBLIC_ONLY,
    TRANSLATIONS,
    catalogue,
    msgid_of,
    placeholder_problems,
    public_msgids,
)

# gettext's plural forms: Arabic has six (zero, one, two, few, many, other), Ukrainian and
# Romanian three, Turkish, Spanish and Portuguese two (Babel's CLDR table gives Spanish and
# Portuguese a third one for round millions, that translators' tools do not expect).
PLURAL_FORMS = {"ar": 6, "uk": 3, "ro": 3, "tr": 2, "es": 2, "pt": 2, "nl": 2, "en": 2}


def test_the_public_template_is_in_step_with_the_sources():
    """`make messages` was run after the last change of a public string."""
    with (TRANSLATIONS / "public.pot").open("rb") as source:
        template = {msgid_of(m) for m in read_po(source) if m.id}
    assert template == public_msgids(), (
        f"run `make messages`: new {sorted(public_msgids() - template)[:5]}, "
        f"gone {sorted(template - public_msgids())[:5]}"
    )


@pytest.mark.parametrize("lang", PUBLIC_ONLY)
def test_public_catalogue_holds_exactly_the_public_strings(lang):
    held = {msgid_of(m) for m in catalogue(lang) if m.id}
    assert sorted(public_msgids() - held) == [], "run `make messages`"
    assert sorted(held - public_msgids()) == [], "strings of the members' areas: not public"


@pytest.mark.parametrize("lang", PUBLIC_ONLY)
def test_public_catalogue_is_complete(lang):
    """Every public string translated, none left empty, none fuzzy (Babel skips fuzzy ones).
    Fails until the translators' work is merged: the message lists what is missing."""
    missing = []
    for message in catalogue(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            missing.append(msgid_of(message))
    missing += sorted(public_msgids() - {msgid_of(m) for m in catalogue(lang) if m.id})
    assert missing == [], (
        f"{lang}: {len(missing)} of {len(public_msgids())} public strings untranslated, "
        f"e.g. {missing[:5]}"
    )


@pytest.mark.parametrize("lang", EVERY_LANGUAGE)
def test_translations_keep_every_placeholder(lang):
    assert placeholder_problems(catalogue(lang)) == []


def test_a_dropped_or_added_placeholder_is_found():
    found = Catalog(locale="tr")
    found.add("Ouvert jusqu'à %(time)s", "Açık")  # dropped
    found.add("Fermé le %(day)s", "%(day)s %(time)s kapalı")  # added
    found.add("Semaine du %(start)s au %(end)s", "{start} – {end}")  # the other syntax
    found.add("Il est %(time)s", "Saat %(time)s")  # kept
    found.add("Aucun lieu", "")  # empty: French shows
    found.add(("%(num)d lieu", "%(num)d lieux"), ("bir yer", "%(num)d yer"))  # one form leaves it
    found.add(("%(num)d jour", "%(num)d jours"), ("%(n)d gün", "%(num)d gün"))  # misspelt
    assert [msgid for msgid, _ in placeholder_problems(found)] == [
        "Ouvert jusqu'à %(time)s",
        "Fermé le %(day)s",
        "Semaine du %(start)s au %(end)s",
        "%(num)d jour",
    ]


@pytest.mark.parametrize("lang", PUBLIC_ONLY)
def test_public_catalogue_header(lang):
    """The right number of plural forms, the note asking for a native speaker's review, and
    no `#, fuzzy` on the header (Babel would then skip the whole catalogue's plural rule)."""
    found = catalogue(lang)
    assert found.num_plurals == PLURAL_FORMS[lang]
    assert "need review by a native speaker" in found.header_comment
    assert not found.fuzzy
    for message in found:
        if message.id and isinstance(message.id, tuple):
            assert len(message.string) == PLURAL_FORMS[lang], msgid_of(message)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_full_catalogues_keep_their_plural_forms(lang):
    assert catalogue(lang).num_plurals == PLURAL_FORMS[lang]
