"""The feeds' generated words ("ANNULÉ", "À CONFIRMER", "Ouvert :") in the asked language.

The Turkish catalogue is empty until the translators' work is merged, so these tests read the
feeds through a small Turkish catalogue of their own (the real compiled catalogue type, loaded
where the service loads its catalogues), then check the French fallback with the shipped one.
"""

from io import BytesIO

import icalendar
import pytest

from lieux import i18n
from lieux.calendar import feeds

AT = "2026-11-23T14:30:00+01:00"
TURKISH = {
    "ANNULÉ": "İPTAL",
    "À CONFIRMER": "ONAY BEKLİYOR",
    "À confirmer : pendant la fermeture du lieu": "Onay bekliyor: yer kapalıyken",
    "Ouvert": "Açık",
    "Horaires d'ouverture": "Açılış saatleri",
    "Plus d'infos": "Daha fazla bilgi",
    "texte en français": "Fransızca metin",
    "Café-papote": "Sohbet kahvesi",
}


def turkish_catalogue() -> bytes:
    lines = ['msgid ""', 'msgstr ""', '"Language: tr\\n"', ""]
    for french, turkish in TURKISH.items():
        lines += [f'msgid "{french}"', f'msgstr "{turkish}"', ""]
    return "\n".join(lines).encode()


@pytest.fixture
def turkish(monkeypatch):
    shipped = i18n.translations
    ours = i18n.compiled(BytesIO(turkish_catalogue()), "tr")
    monkeypatch.setattr(i18n, "translations", lambda lang: ours if lang == "tr" else shipped(lang))
    # Events are kept per activity and language for the life of the process (catalogues do not
    # change while it runs): none may outlive this catalogue.
    feeds.clear_caches()
    yield
    feeds.clear_caches()


def summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_cancelled_occurrences_say_so_in_turkish(client, turkish):
    body = client.get("/ical/network.ics", params={"at": AT, "lang": "tr"}).content
    found = summaries(body)
    # The titles are what people wrote (French here); the word before them is the service's.
    assert "İPTAL – Café-papote" in found
    assert not any(summary.startswith("ANNULÉ") for summary in found)


def test_tentative_occurrences_and_their_reason_in_turkish(client, turkish):
    body = client.get("/ical/lieux/club-55.ics", params={"lang": "tr"}).content
    calendar = icalendar.Calendar.from_ical(body)
    tentative = [e for e in calendar.walk("VEVENT") if e.get("STATUS") == "TENTATIVE"]
    assert tentative
    for event in tentative:
        assert str(event["SUMMARY"]).startswith("ONAY BEKLİYOR – ")
        assert str(event["DESCRIPTION"]).startswith("Onay bekliyor: yer kapalıyken")


def test_opening_hours_events_in_turkish(client, turkish):
    body = client.get(
        "/ical/lieux/club-55.ics", params={"lang": "tr", "include": "hours", "at": AT}
    ).content
    calendar = icalendar.Calendar.from_ical(body)
    hours = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("hours-")]
    assert hours
    for event in hours:
        assert str(event["SUMMARY"]).startswith("Açık : Club 55")
        assert event["CATEGORIES"].cats == ["Açılış saatleri"]
        assert "Daha fazla bilgi : " in str(event["DESCRIPTION"])


def test_kind_labels_and_the_french_text_marker_in_turkish(turkish):
    assert feeds.kind_label("cafe-papote", "tr") == "Sohbet kahvesi"
    assert feeds.label("in-french", "tr") == "(Fransızca metin)"


@pytest.mark.parametrize("lang", ["ar", "es", "pt", "ro", "tr", "uk"])
def test_without_a_translation_the_words_are_french_never_empty(client, lang):
    """What the shipped catalogues give until they are complete: the French word."""
    for key, labels in feeds.LABELS.items():
        if key != "in-french":
            assert feeds.label(key, lang) == i18n.gettext_in(lang, labels[0]) != ""
    body = client.get("/ical/network.ics", params={"at": AT, "lang": lang})
    assert body.status_code == 200
    cancelled = feeds.label("cancelled", lang)
    assert f"{cancelled} – Café-papote" in summaries(body.content)


def test_an_unknown_feed_language_is_refused(client):
    # a 400: calendar apps and monitors read a 404 as "this feed is gone"
    assert client.get("/ical/network.ics", params={"lang": "xx"}).status_code == 400
