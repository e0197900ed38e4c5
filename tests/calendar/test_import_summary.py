"""What the import page says after an import: counts carried in its address, the sentence
written in the page's language, never a text someone placed in the address."""

import re

import pytest

from lieux.calendar.sync import ImportCounts, counts_in
from tests.people import LIEU_A, csrf

URL = f"/manage/{LIEU_A}/calendars"

EVENT = """BEGIN:VEVENT\r
UID:{uid}@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Brussels:20270105T{hour}0000\r
DTEND;TZID=Europe/Brussels:20270105T{end}0000\r
SUMMARY:{title}\r
END:VEVENT\r
"""


def calendar(*events: tuple[str, str, int]) -> bytes:
    body = "".join(
        EVENT.format(uid=uid, title=title, hour=f"{hour:02d}", end=f"{hour + 1:02d}")
        for uid, title, hour in events
    )
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def upload(client, data: bytes):
    return client.post(
        URL,
        data={"_csrf_token": csrf(client)},
        files={"file": ("lieu.ics", data, "text/calendar")},
        follow_redirects=False,
    )


def said(page: str) -> str:
    """The import's sentence, tags and spacing removed."""
    found = re.search(r'<p class="notice" role="status" id="import-done">(.*?)</p>', page, re.S)
    assert found, "no import sentence on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1])).strip()


@pytest.mark.parametrize(
    "query",
    [
        "done=Votre+session+a+expir%C3%A9+%3A+reconnectez-vous+sur+https%3A%2F%2Fevil.example%2Flogin",
        "done=2+added&added=2",
        "added=2&updated=0&unchanged=0&removed=0&skipped=evil.example",
        "added=2&updated=0&unchanged=0&removed=0",  # one count missing
        "added=%EF%BC%92&updated=0&unchanged=0&removed=0&skipped=0",  # a full-width digit
        "added=-1&updated=0&unchanged=0&removed=0&skipped=0",
        "added=99999999&updated=0&unchanged=0&removed=0&skipped=0",
    ],
)
def test_a_forged_address_says_nothing(client, actions, query):
    actions.sign_in()
    page = client.get(f"{URL}?{query}")
    assert page.status_code == 200
    assert "Import terminé" not in page.text and 'id="import-done"' not in page.text
    assert "evil.example" not in page.text and "reconnectez-vous" not in page.text
    assert "added" not in page.text


def test_counts_in_takes_five_bounded_numbers_or_nothing():
    good = {"added": "2", "updated": "0", "unchanged": "1", "removed": "0", "skipped": "3"}
    assert counts_in(good) == ImportCounts(added=2, unchanged=1, skipped=3)
    assert counts_in({**good, "added": "100000"}) == ImportCounts(
        added=100_000, unchanged=1, skipped=3
    )
    for bad in ("100001", "", " 2", "2.0", "²", "0x2", "1e3"):
        assert counts_in({**good, "added": bad}) is None, bad


def test_the_sentence_is_in_the_page_language_with_the_right_numbers(client, actions):
    actions.sign_in()
    first = upload(
        client, calendar(("a", "Atelier", 10), ("b", "Balade", 12), ("c", "Chorale", 14))
    )
    assert first.status_code == 303
    location = first.headers["location"]
    assert "done=" not in location and "added=3" in location
    assert said(client.get(location).text) == (
        "Import terminé : 3 activités ajoutées. Voir les activités du lieu"
    )
    # b changes, c is gone, d is new, a stays as it was.
    second = upload(
        client, calendar(("a", "Atelier", 10), ("b", "Balade au parc", 12), ("d", "Danse", 16))
    )
    location = second.headers["location"]
    expected = {
        "fr": "Import terminé : 1 activité ajoutée, 1 activité modifiée, 1 activité inchangée, "
        "1 activité retirée. Voir les activités du lieu",
        "nl": "Import klaar: 1 activiteit toegevoegd, 1 activiteit gewijzigd, 1 activiteit "
        "ongewijzigd, 1 activiteit verwijderd. Bekijk de activiteiten van de plek",
        "en": "Import done: 1 activity added, 1 activity updated, 1 activity unchanged, "
        "1 activity removed. See the place's activities",
    }
    for lang, sentence in expected.items():
        page = client.get(location, headers={"accept-language": lang})
        assert said(page.text).replace("&#39;", "'") == sentence, lang
        assert f'href="/manage/{LIEU_A}#activities-title"' in page.text
    # The same file again: nothing changed, said in the plural.
    third = upload(
        client, calendar(("a", "Atelier", 10), ("b", "Balade au parc", 12), ("d", "Danse", 16))
    )
    page = client.get(third.headers["location"], headers={"accept-language": "en"})
    assert said(page.text).startswith("Import done: 3 activities unchanged.")


def test_the_last_reading_is_in_local_time(client, actions):
    """The clock is pinned at DEMO_NOW, 12:00 in Brussels (11:00 UTC): the page says 12:00."""
    actions.sign_in()
    upload(client, calendar(("a", "Atelier", 10)))
    page = client.get(URL).text
    line = re.search(r"<li>lieu\.ics — (.*?)</li>", page, re.S)[1]
    assert "lu le" in line and "23/11/2026 12:00" in line and "UTC" not in line
