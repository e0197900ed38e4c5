"""A lieu's own facts and texts (its profile) reach every output in fr/nl/en: the lieu page, the
printable guide, the iCal feeds (LOCATION/DESCRIPTION) and the schema.org data; a text the lieu
did not write in the reader's language shows in French, marked. And the lieu page says when its
hours were last confirmed, or that they need confirming."""

import json
import re
from datetime import date, datetime, time
from html import unescape
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db import profile as profile_db
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningException, OpeningSlot
from tests.conftest import DEMO_NOW

BRUSSELS = ZoneInfo("Europe/Brussels")
SLUG = "babel-zin"
PROFILE = {
    "description": "Un lieu où se poser.",
    "description_nl": "Een plek om even te landen.",
    "description_en": None,  # English pages show the French one, marked
    "welcome": "Sans rendez-vous, pour toute personne adulte.",
    "welcome_nl": None,
    "welcome_en": "No appointment, for any adult.",
    "price": "free",
    "step_free": "partly",
    "accessibility_note": "Une marche à l'entrée.",
    "languages": ("fr", "ar", "es"),
    "transport": "Tram 44",
    "email": "contact@babelzin.example",
    "website": "https://babelzin.example/",
}
MARKER = {"nl": "(tekst in het Frans)", "en": "(text in French)"}


def set_profile(path, slug=SLUG, **values):
    db = database.connect(path)
    lieu = get_lieu(db, slug)
    profile_db.update_profile(db, lieu.id, values, version=lieu.version, now=DEMO_NOW)
    db.close()


def verified_at(path, moment, slug=SLUG):
    db = database.connect(path)
    if moment is None:
        db.execute("UPDATE lieux SET hours_verified_at = NULL WHERE slug = ?", [slug])
    else:
        profile_db.set_hours_verified(db, get_lieu(db, slug).id, now=moment)
    db.close()


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def with_profile(seeded_path):
    set_profile(seeded_path, **PROFILE)
    return seeded_path


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        (
            "fr",
            ["Un lieu où se poser.", "Sans rendez-vous", "gratuit", "en partie", "Arabe",
             "Espagnol", "Tram 44", "mailto:contact@babelzin.example",
             'href="https://babelzin.example/"'],
            ["(texte en français)"],
        ),
        (
            "nl",
            ['class="lead">Een plek om even te landen.', 'lang="fr">Sans rendez-vous',
             "(tekst in het Frans)", "gratis", "gedeeltelijk", "Arabisch", "Spaans"],
            ["Un lieu où se poser."],
        ),
        (
            "en",
            ['class="lead" lang="fr">Un lieu où se poser.', "(text in French)",
             "No appointment, for any adult.", "Free", "partly", "Arabic", "Spanish"],
            ["Sans rendez-vous"],
        ),
    ],
)  # fmt: skip
def test_the_lieu_page_shows_the_profile_in_the_readers_language(
    client, with_profile, lang, expected, absent
):
    html = flat(client.get(f"/lieux/{SLUG}?lang={lang}").text)
    for text in expected:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_markup_typed_in_a_profile_is_escaped_on_the_page(client, seeded_path):
    # The form refuses it; data that got in another way is still only text on the page.
    set_profile(seeded_path, transport='<img src=x onerror="alert(1)">')
    html = client.get(f"/lieux/{SLUG}").text
    assert "<img src=x" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("fr", "Horaires vérifiés le 3 novembre 2026."),
        ("nl", "Openingsuren gecontroleerd op 3 november 2026."),
        ("en", "Opening hours checked on 3 November 2026."),
    ],
)
def test_the_lieu_page_says_when_the_hours_were_verified(client, seeded_path, lang, line):
    # 23:30 in Brussels on 3 November is still the 3rd there (22:30 UTC).
    verified_at(seeded_path, datetime(2026, 11, 3, 23, 30, tzinfo=BRUSSELS))
    html = flat(client.get(f"/lieux/{SLUG}?lang={lang}").text)
    assert line in html
    assert "hours-verified stale" not in html


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("fr", "vérifiés pour la dernière fois le 1er août 2026"),
        ("nl", "laatst gecontroleerd op 1 augustus 2026"),
        ("en", "last checked on 1 August 2026"),
    ],
)
def test_past_the_threshold_the_hours_need_confirming(client, seeded_path, lang, line):
    verified_at(seeded_path, datetime(2026, 8, 1, 10, tzinfo=BRUSSELS))  # 114 days before
    html = flat(client.get(f"/lieux/{SLUG}?lang={lang}").text)
    assert "hours-verified stale" in html
    assert line in html
    assert {"fr": "Horaires à confirmer", "nl": "Openingsuren te bevestigen",
            "en": "Opening hours to be confirmed"}[lang] in html  # fmt: skip


def test_the_threshold_is_the_setting_and_the_day_asked(client, seeded_path, clock):
    """89 days is fresh, 91 days stale (LIEUX_HOURS_STALE_DAYS=90), and ?at= moves the day."""
    verified_at(seeded_path, datetime(2026, 8, 26, 12, tzinfo=BRUSSELS))  # 89 days before
    assert "hours-verified stale" not in client.get(f"/lieux/{SLUG}").text
    later = client.get(f"/lieux/{SLUG}", params={"at": "2026-11-25T12:00:00+01:00"}).text
    assert "hours-verified stale" in later


def test_hours_never_verified_need_confirming(client, seeded_path):
    verified_at(seeded_path, None)
    html = flat(client.get(f"/lieux/{SLUG}").text)
    assert "le lieu ne les a pas encore confirmés" in html


def test_the_api_returns_hours_verified_at(client, seeded_path):
    verified_at(seeded_path, datetime(2026, 11, 3, 10, tzinfo=BRUSSELS))
    entry = {e["slug"]: e for e in client.get("/api/lieux").json()}[SLUG]
    moment = datetime.fromisoformat(entry["hours_verified_at"].replace("Z", "+00:00"))
    assert moment == datetime(2026, 11, 3, 10, tzinfo=BRUSSELS)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_guide_uses_the_lieu_texts(client, with_profile, lang):
    html = flat(client.get(f"/guide?lang={lang}").text)
    if lang == "nl":
        assert "Een plek om even te landen." in html
        assert 'lang="fr">Sans rendez-vous' in html
    elif lang == "en":
        assert '<p lang="fr">Un lieu où se poser. <span lang="en">(text in French)' in html
        assert "No appointment, for any adult." in html
    else:
        assert "Un lieu où se poser." in html and "Sans rendez-vous" in html
    assert {"fr": "gratuit", "nl": "gratis", "en": "free"}[lang] in html
    assert {"fr": "Arabe", "nl": "Arabisch", "en": "Arabic"}[lang] in html
    assert "contact@babelzin.example" in html


def hours_events(body: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(body)
    return [e for e in calendar.walk("VEVENT") if str(e.get("transp")) == "TRANSPARENT"
            and str(e.get("uid")).startswith("hours-")]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "location", "description"),
    [
        ("fr", "1160 Auderghem", "Un lieu où se poser."),
        ("nl", "1160 Oudergem", "Een plek om even te landen."),
        ("en", "1160 Auderghem", "Un lieu où se poser. (text in French)"),
    ],
)
def test_feeds_carry_the_address_and_the_lieu_text_in_their_language(
    client, with_profile, lang, location, description
):
    body = client.get(f"/ical/lieux/{SLUG}.ics", params={"lang": lang, "include": "hours"})
    assert body.status_code == 200
    events = hours_events(body.content)
    assert events, "no opening hours in the feed"
    event = events[0]
    assert str(event["location"]) == f"Babel'Zin, Chaussée de Wavre 1688, {location}"
    text = str(event["description"])
    assert text.startswith(description)
    assert f"/lieux/{SLUG}" in text
    # Every activity of the feed is placed at the lieu's address too (but a cancelled date:
    # only what takes it off, docs/limits.md).
    activities = [e for e in icalendar.Calendar.from_ical(body.content).walk("VEVENT")
                  if not str(e.get("uid")).startswith("hours-")
                  and not ("RECURRENCE-ID" in e and e["STATUS"] == "CANCELLED")]  # fmt: skip
    assert activities and all(location in str(e["location"]) for e in activities)


def json_ld(html: str) -> list[dict]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("lang", "description"),
    [
        ("fr", "Un lieu où se poser."),
        ("nl", "Een plek om even te landen."),
        ("en", "Un lieu où se poser."),  # the page marks it French, its data does not
    ],
)
def test_structured_data_in_the_pages_language(client, with_profile, lang, description):
    place = json_ld(client.get(f"/lieux/{SLUG}?lang={lang}").text)[0]
    assert place["description"] == description
    assert place["isAccessibleForFree"] is True
    assert place["email"] == "contact@babelzin.example"


def test_free_is_said_only_when_the_lieu_says_so(client, seeded_path):
    set_profile(seeded_path, price="pay-what-you-can")
    assert "isAccessibleForFree" not in json_ld(client.get(f"/lieux/{SLUG}").text)[0]
    set_profile(seeded_path, price=None)
    assert "isAccessibleForFree" not in json_ld(client.get(f"/lieux/{SLUG}").text)[0]


def test_hours_until_midnight_end_at_24_00(client, seeded_path):
    """A day open round the clock reads 00:00–24:00 on the lieu page, and so does a closure's
    special hours: never '00:00–00:00', which reads as closed."""
    db = database.connect(seeded_path)
    hours_db.replace_hours(
        db,
        get_lieu(db, SLUG).id,
        slots=[OpeningSlot(weekday=d, opens=time(0), closes=time(0)) for d in range(7)]
        + [OpeningSlot(weekday=0, opens=time(20), closes=time(0))],
        exceptions=[
            OpeningException(
                start_date=date(2026, 12, 24), end_date=date(2026, 12, 24), kind="special",
                opens=time(18), closes=time(0),
            )
        ],
        holiday_rule=None,
    )  # fmt: skip
    db.close()
    html = flat(client.get(f"/lieux/{SLUG}").text)
    assert "00:00–00:00" not in html and "20:00–00:00" not in html
    assert "00:00–24:00" in html
    assert "18:00–24:00" in html


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Ouvert maintenant, jusqu'à vendredi 00:00"),
        ("nl", "Nu open, tot vrijdag 00:00"),
        ("en", "Open now, until Friday 00:00"),
    ],
)
def test_open_until_another_day_names_the_day(client, seeded_path, lang, said):
    """Open round the clock Monday to Thursday: on Monday at noon the lieu page says it closes
    on Friday at 00:00, not "until 00:00" as if it closed tonight."""
    db = database.connect(seeded_path)
    hours_db.replace_hours(
        db,
        get_lieu(db, SLUG).id,
        slots=[OpeningSlot(weekday=d, opens=time(0), closes=time(0)) for d in range(4)],
        exceptions=[],
        holiday_rule=None,
    )
    db.close()
    html = flat(unescape(client.get(f"/lieux/{SLUG}?lang={lang}").text))
    assert said in html
