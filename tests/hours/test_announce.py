"""Closures and period hours announced ahead (issue 22): from LIEUX_ANNOUNCE_DAYS (15) days
before their first day, on every surface; summer hours switch on on their first day.

Babel'Zin (Auderghem's only lieu) gets a usual week, a winter closure and summer hours; the
clock is moved, never read from the machine."""

import time as clock_time
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.db.hours import replace_hours
from lieux.db.lieux import get_lieu
from lieux.db.profile import set_hours_verified
from lieux.hours.announce import announced, words
from lieux.hours.models import OpeningException, OpeningHours, OpeningSlot
from lieux.revision_cache import REVISION_CHECK_SECONDS

ZONE = ZoneInfo("Europe/Brussels")
WIDGET = "/widget/open-now?commune=Auderghem&show=all"
USUAL = [OpeningSlot(weekday=d, opens=time(10), closes=time(16)) for d in range(1, 6)]
SUMMER = [
    OpeningSlot(
        weekday=d,
        opens=time(10),
        closes=time(14),
        valid_from=date(2027, 7, 1),
        valid_to=date(2027, 8, 31),
        period="Horaires d'été",
    )
    for d in range(1, 5)
]
WINTER = OpeningException(
    start_date=date(2026, 12, 24), end_date=date(2027, 1, 2), kind="closed", note=""
)
HOURS = OpeningHours(lieu_id=0, slots=(*USUAL, *SUMMER), exceptions=(WINTER,))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (local(2026, 12, 8, 23, 59), []),  # 16 days before: not yet
        (local(2026, 12, 9, 0, 0), ["Fermé du 24 décembre au 2 janvier"]),  # 15 days before
        (local(2026, 12, 24, 12), ["Fermé jusqu'au 2 janvier"]),
        (local(2027, 1, 2, 12), ["Fermé aujourd'hui"]),
        (local(2027, 1, 3, 0, 0), []),
        (local(2027, 6, 15, 12), []),  # 16 days before 1 July
        (local(2027, 6, 16, 0, 0), ["Horaires d'été à partir du 1er juillet"]),
        (local(2027, 7, 20, 12), ["Horaires d'été jusqu'au 31 août"]),
        (local(2027, 9, 1, 0, 0), []),
    ],
)
def test_what_is_announced_at_an_instant(at, shown):
    today = at.astimezone(ZONE).date()
    found = announced(HOURS, at, zone=ZONE, days=15)
    assert [words(a, today, "fr") for a in found] == shown


def test_the_window_is_a_setting():
    found = announced(HOURS, local(2026, 12, 8, 12), zone=ZONE, days=16)
    assert [a.kind for a in found] == ["closed"]
    assert announced(HOURS, local(2026, 12, 9, 12), zone=ZONE, days=0) == ()


def test_words_in_dutch_and_english():
    [closure] = announced(HOURS, local(2026, 12, 10, 12), zone=ZONE, days=15)
    today = date(2026, 12, 10)
    assert words(closure, today, "nl") == "Gesloten van 24 december tot 2 januari"
    assert "24 December" in words(closure, today, "en")


@pytest.fixture
def babel_zin(seeded_path):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "babel-zin")
    replace_hours(db, lieu.id, slots=[*USUAL, *SUMMER], exceptions=[WINTER], holiday_rule=None)
    set_hours_verified(db, lieu.id, now=local(2026, 11, 20, 9))
    db.close()
    clock_time.sleep(REVISION_CHECK_SECONDS + 0.1)  # the cache re-reads the data revision
    return lieu


def test_the_closure_shows_everywhere_15_days_ahead_not_16(client, clock, babel_zin):
    said = "Fermé du 24 décembre au 2 janvier"
    clock.now = local(2026, 12, 8, 23, 59)
    pages = [WIDGET, "/lieux/babel-zin", "/lieux?commune=Auderghem", "/lieux/babel-zin/poster"]
    for page in pages:
        assert said not in client.get(page).text, page
    assert client.get("/api/lieux/babel-zin").json()["announcements"] == []
    clock.now = local(2026, 12, 9, 0, 0)
    for page in pages:
        assert said in client.get(page).text, page
    [announced_api] = client.get("/api/lieux/babel-zin").json()["announcements"]
    assert announced_api == {
        "kind": "closed",
        "start": "2026-12-24",
        "end": "2027-01-02",
        "note": "",
        "text": said,
    }


def test_summer_hours_entered_in_june_switch_on_1_july_in_the_widget(client, clock, babel_zin):
    clock.now = local(2027, 6, 16, 12)  # a Wednesday: the usual week, summer announced
    fragment = client.get(WIDGET).text
    assert "Horaires d&#39;été à partir du 1er juillet" in fragment
    assert "16:00" in fragment and "14:00" not in fragment
    clock.now = local(2027, 6, 30, 15)
    assert "16:00" in client.get(WIDGET).text
    clock.now = local(2027, 7, 1, 13)  # the first summer day
    fragment = client.get(WIDGET).text
    assert "14:00" in fragment and "16:00" not in fragment
    assert "Horaires d&#39;été jusqu&#39;au 31 août" in fragment
    clock.now = local(2027, 7, 1, 15)
    assert "ouvert" not in client.get(WIDGET).text.split("ldl-state", 1)[1][:80]


def test_the_freshness_travels_in_the_api_and_hsds(client, clock, babel_zin):
    lieu = client.get("/api/lieux/babel-zin").json()
    assert lieu["check_date:opening_hours"] == "2026-11-20"
    assert "2027 Jul 01-2027 Aug 31" in lieu["opening_hours"]
    unverified = [x for x in client.get("/api/lieux").json() if x["slug"] != "babel-zin"]
    assert all("check_date:opening_hours" in x for x in unverified)
    clock.now = local(2027, 6, 20, 12)
    services = client.get("/api/hsds/services", params={"per_page": 100}).json()["contents"]
    [service] = [s for s in services if s["name"] == lieu["name"]]
    assert service["assured_date"] == "2026-11-20"
    assert "Horaires d'été à partir du 1er juillet." in service["alert"]
    [summer] = [s for s in service["schedules"] if s.get("valid_from") == "2027-07-01"]
    assert (summer["valid_to"], summer["byday"]) == ("2027-08-31", "TU,WE,TH,FR")
    assert "remplacent les horaires habituels" in summer["description"]
