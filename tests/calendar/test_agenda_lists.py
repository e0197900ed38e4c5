"""What the agenda lists say: the weekend view, what is over or under way, weekdays in the
reader's language, a kind said once. The clock is pinned at Monday 23/11/2026 12:00 unless moved."""

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lieux.calendar.listing import day_label, says_kind
from lieux.calendar.routes import weekend_days

ZONE = ZoneInfo("Europe/Brussels")


def headings(text: str) -> list[str]:
    found = re.findall(r'<h[23] id="day-[^"]+">(.*?)</h[23]>', text)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in found]


def rows(text: str) -> list[str]:
    found = re.findall(r'<li class="occurrence[^"]*">(.*?)</li>', text, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def section(text: str, day: str) -> str:
    """The part of a page under the day heading whose id is `day-{day}`."""
    start = text.index(f'id="day-{day}"')
    end = text.find("</section>", start)
    return text[start:end]


# --- the weekend -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 11, 23), [date(2026, 11, 28), date(2026, 11, 29)]),  # Monday: the coming one
        (date(2026, 11, 27), [date(2026, 11, 28), date(2026, 11, 29)]),  # Friday
        (date(2026, 11, 28), [date(2026, 11, 28), date(2026, 11, 29)]),  # Saturday: both
        (date(2026, 11, 29), [date(2026, 11, 29)]),  # Sunday: what is left of it
    ],
)
def test_weekend_days(today, days):
    monday = date.fromordinal(today.toordinal() - today.weekday())
    assert weekend_days(monday, today) == days


def test_a_past_weekend_shows_both_days():
    assert weekend_days(date(2026, 11, 16), date(2026, 11, 25)) == [
        date(2026, 11, 21),
        date(2026, 11, 22),
    ]


def test_weekend_view_on_a_monday(client):
    page = client.get("/agenda", params={"view": "weekend"})
    assert page.status_code == 200
    text = page.text
    assert headings(text) == ["Samedi 28 novembre", "Dimanche 29 novembre"]
    listed = " | ".join(rows(text))
    for title in ("Ouverture exceptionnelle", "Café-papote du samedi", "Brunch du dimanche",
                  "Assemblée participative"):  # fmt: skip
        assert title in listed
    # Friday's concert runs past midnight into Saturday, but it is Friday's.
    assert "Concert" not in listed and "Soupe du midi" not in listed
    assert "Week-end du samedi 28 novembre" in text
    assert 'href="/agenda?view=weekend&amp;week=2026-11-30" rel="next"' in text
    # No week asked for: the views keep none (the list and week views then start today).
    assert 'href="/agenda?view=weekend" aria-current="page"' in text


def test_weekend_view_keeps_the_filters(client):
    text = client.get("/agenda", params={"view": "weekend", "kind": "repas"}).text
    assert [row.split(" ", 1)[1] for row in rows(text)] == [
        "Brunch du dimanche · Repas · L'Entr'Act"
    ]
    assert '<input type="hidden" name="view" value="weekend">' in text
    switch = client.get("/agenda", params={"kind": "repas"}).text
    assert 'href="/agenda?kind=repas&amp;view=weekend">week-end</a>' in switch


def test_weekend_view_on_a_saturday_and_a_sunday(client, clock):
    clock.now = datetime(2026, 11, 28, 12, 0, tzinfo=ZONE)
    text = client.get("/agenda", params={"view": "weekend"}).text
    assert headings(text) == ["Aujourd'hui, samedi 28 novembre", "Dimanche 29 novembre"]
    saturday = rows(section(text, "2026-11-28"))
    assert saturday[0].startswith("10:00–13:00 en cours Ouverture exceptionnelle")
    assert "en cours" not in saturday[1] and "Café-papote du samedi" in saturday[1]
    clock.now = datetime(2026, 11, 29, 12, 0, tzinfo=ZONE)
    text = client.get("/agenda", params={"view": "weekend"}).text
    assert headings(text) == ["Aujourd'hui, dimanche 29 novembre"]
    assert "Café-papote du samedi" not in text
    assert "Brunch du dimanche" in text and "Week-end du dimanche 29 novembre" in text


def test_the_home_page_links_to_the_weekend(client):
    assert 'href="/agenda?view=weekend">Ce week-end</a>' in client.get("/").text


# --- over, under way ---------------------------------------------------------------------------


def today_rows(client) -> list[str]:
    text = client.get("/").text
    today = text[text.index('<section aria-labelledby="day-', text.index('id="home-agenda"')) :]
    assert "Aujourd'hui</span>" in today[:200]
    return rows(today[: today.index("</section>")])


def test_at_20_40_the_afternoon_is_over_but_still_listed(client, clock):
    clock.now = datetime(2026, 11, 24, 20, 40, tzinfo=ZONE)  # a Tuesday
    found = today_rows(client)
    assert any("Sport-aventure" in row for row in found)
    assert found and all(" terminé " in row for row in found)
    text = client.get("/").text
    assert re.search(r'<li class="occurrence finished">\s*<time class="when" '
                     r'datetime="2026-11-24T13:00', text)  # fmt: skip


def test_in_the_morning_nothing_is_marked(client, clock):
    clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
    found = today_rows(client)
    assert any("Sport-aventure" in row for row in found)
    assert not any("terminé" in row or "en cours" in row for row in found)


def test_what_is_under_way_is_marked_and_comes_before_what_is_over(client, clock):
    clock.now = datetime(2026, 11, 26, 20, 40, tzinfo=ZONE)  # Thursday: games night 19:00-22:30
    found = today_rows(client)
    assert found[0].startswith("19:00–22:30 en cours Soirée jeux")
    assert len(found) > 1 and all(" terminé " in row for row in found[1:])
    clock.now = datetime(2026, 11, 24, 14, 30, tzinfo=ZONE)
    assert sum(" en cours " in row for row in today_rows(client)) >= 2  # papote, sport
    # An earlier day is muted as a whole, not marked row by row.
    week = client.get("/agenda", params={"at": "2026-11-26T20:40", "week": "2026-11-23"}).text
    monday = section(week, "2026-11-23")
    assert rows(monday) and not any("terminé" in row for row in rows(monday))
    assert '<li class="occurrence finished">' in monday
    assert '<section aria-labelledby="day-2026-11-23" class="past">' in week
    # ?at= asks the same of another instant
    found = rows(client.get("/agenda", params={"at": "2026-11-24T20:40"}).text)
    assert any("Sport-aventure" in row and " terminé " in row for row in found)


def test_the_marks_are_translated(client, clock):
    clock.now = datetime(2026, 11, 26, 20, 40, tzinfo=ZONE)
    nl = rows(client.get("/", params={"lang": "nl"}).text)
    assert any(" nu bezig " in row for row in nl) and any(" afgelopen " in row for row in nl)
    en = rows(client.get("/", params={"lang": "en"}).text)
    assert any(" on now " in row for row in en) and any(" finished " in row for row in en)


# --- weekdays ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "day", "label"),
    [
        ("fr", date(2026, 12, 15), "mardi 15 décembre"),
        ("nl", date(2026, 12, 15), "dinsdag 15 december"),
        ("en", date(2026, 12, 15), "Tuesday 15 December"),
        ("fr", date(2026, 12, 1), "mardi 1er décembre"),
        ("nl", date(2026, 12, 1), "dinsdag 1 december"),
        ("en", date(2027, 1, 1), "Friday 1 January 2027"),
    ],
)
def test_day_label(lang, day, label):
    assert day_label(day, lang, this_year=2026) == label


@pytest.mark.parametrize(
    ("lang", "heading", "row"),
    [
        ("fr", "Mardi 15 décembre", "mardi 15 décembre, 14:00–16:00"),
        ("nl", "Dinsdag 15 december", "dinsdag 15 december, 14:00–16:00"),
        ("en", "Tuesday 15 December", "Tuesday 15 December, 14:00–16:00"),
    ],
)
def test_dates_carry_the_weekday_in_the_readers_language(client, lang, heading, row):
    agenda = client.get("/agenda", params={"week": "2026-12-14", "lang": lang}).text
    assert heading in headings(agenda)
    assert not re.search(r"\b\d\d/\d\d\b", agenda)  # no more "15/12"
    lieu = client.get("/lieux/babel-zin", params={"lang": lang, "at": "2026-12-10T12:00"}).text
    assert any(r.startswith(row) for r in rows(lieu[lieu.index('id="lieu-agenda"') :]))
    activity = client.get("/agenda/1", params={"lang": lang, "at": "2026-12-10T12:00"}).text
    assert rows(activity)[0].startswith(row)
    home = client.get("/", params={"lang": lang, "at": "2026-12-10T12:00"}).text
    assert heading in headings(home)


# --- the kind, once ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind", "says"),
    [
        ("Café-papote", "Café-papote", True),
        ("café-papote", "Café-papote", True),
        ("Café-papote du samedi", "Café-papote", True),
        ("Atelier tricot", "Atelier", True),
        ("Ateliers créatifs", "Atelier", False),
        ("Soirée jeux", "Autre", False),
        ("Koffieklets", "Koffieklets", True),
    ],
)
def test_says_kind(title, kind, says):
    assert says_kind(title, kind) is says


def test_agenda_rows_say_the_kind_once(client):
    found = rows(client.get("/agenda", params={"week": "2026-11-23"}).text)
    papote = [row for row in found if "Babel'Zin" in row and "Café-papote" in row]
    assert papote and all(row.count("Café-papote") == 1 for row in papote)
    assert any(row.endswith("Soirée jeux · Autre · Le Pianocktail") for row in found)
    assert not any("Café-papote · Café-papote" in row for row in found)
    nl = rows(client.get("/agenda", params={"week": "2026-11-23", "lang": "nl"}).text)
    # Club 55 translated its title; Coin des Cerises did not, so the kind says it in Dutch
    assert any("Koffieklets · Club 55" in row and row.count("Koffieklets") == 1 for row in nl)
    assert any("Café-papote · Koffieklets · Coin des Cerises" in row for row in nl)
