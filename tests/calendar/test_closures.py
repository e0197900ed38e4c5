"""Activities planned while their lieu is closed: the pure rule, the pages' flag, the feeds' mark.

The demo closes Club 55 for "Congés d'hiver" from 24/12/2026 to 01/01/2027, while its Monday
café-papote and Friday meal keep repeating: 25/12, 28/12 and 01/01 fall in the closure.
"""

import html
import re
from datetime import date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from lieux import db as database
from lieux.calendar import edits
from lieux.calendar.closures import (
    closure_of,
    closure_window,
    occurrence_dates,
    occurrences_in_closures,
)
from lieux.calendar.recurrence import Occurrence, agenda
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours, get_hours
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningException, OpeningHours
from lieux.manage import actions
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
WINTER = OpeningException(
    start_date=date(2026, 12, 24), end_date=date(2027, 1, 1), kind="closed", note="Congés d'hiver"
)
AFFECTED = [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]


def occurrence(starts: datetime, ends: datetime, *, lieu_id=1, all_day=False, status="confirmed"):
    return Occurrence(
        activity_id=1,
        uid="x@test",
        lieu_id=lieu_id,
        kind="atelier",
        title="Atelier",
        starts_at=starts.replace(tzinfo=ZONE),
        ends_at=ends.replace(tzinfo=ZONE),
        all_day=all_day,
        status=status,
    )


def hours(*exceptions: OpeningException, lieu_id=1) -> OpeningHours:
    return OpeningHours(lieu_id=lieu_id, exceptions=exceptions)


def test_a_timed_occurrence_belongs_to_the_day_it_starts():
    closed = hours(WINTER)
    evening_before = occurrence(datetime(2026, 12, 23, 21), datetime(2026, 12, 24, 1))
    first_day = occurrence(datetime(2026, 12, 24, 14), datetime(2026, 12, 24, 16))
    last_night = occurrence(datetime(2027, 1, 1, 21), datetime(2027, 1, 2, 1))
    after = occurrence(datetime(2027, 1, 2, 10), datetime(2027, 1, 2, 12))
    assert closure_of(evening_before, closed, ZONE) is None
    assert closure_of(first_day, closed, ZONE) == WINTER
    assert closure_of(last_night, closed, ZONE) == WINTER
    assert closure_of(after, closed, ZONE) is None


def test_an_all_day_occurrence_counts_each_of_its_dates():
    closed = hours(WINTER)
    # 22 and 23 December, ending at midnight of the 24th: not in the closure
    before = occurrence(datetime(2026, 12, 22), datetime(2026, 12, 24), all_day=True)
    overlapping = occurrence(datetime(2026, 12, 22), datetime(2026, 12, 25), all_day=True)
    assert occurrence_dates(before, ZONE) == (date(2026, 12, 22), date(2026, 12, 23))
    assert closure_of(before, closed, ZONE) is None
    assert closure_of(overlapping, closed, ZONE) == WINTER


def test_special_hours_inside_a_closure_reopen_that_day():
    reopened = OpeningException(
        start_date=date(2026, 12, 31),
        end_date=date(2026, 12, 31),
        kind="special",
        opens=time(10),
        closes=time(14),
    )
    closed = hours(WINTER, reopened)  # by start date, as the database gives them
    assert closure_of(occurrence(datetime(2026, 12, 31, 11), datetime(2026, 12, 31, 12)), closed,
                      ZONE) is None  # fmt: skip
    assert closure_of(occurrence(datetime(2026, 12, 30, 11), datetime(2026, 12, 30, 12)), closed,
                      ZONE) == WINTER  # fmt: skip


def test_cancelled_dates_and_other_lieux_are_not_flagged():
    closed = hours(WINTER)
    inside = (datetime(2026, 12, 28, 10), datetime(2026, 12, 28, 12))
    assert closure_of(occurrence(*inside, status="cancelled"), closed, ZONE) is None
    assert closure_of(occurrence(*inside, lieu_id=2), closed, ZONE) is None
    special = OpeningException(
        start_date=date(2026, 12, 28), end_date=date(2026, 12, 28), kind="special",
        opens=time(9), closes=time(12),
    )  # fmt: skip
    assert closure_of(occurrence(*inside), hours(special), ZONE) is None


def test_occurrences_in_closures_takes_one_lieus_hours_or_all_of_them(seeded_path):
    db = database.connect(seeded_path)
    club = get_lieu(db, "club-55")
    activities = activities_db.list_activities(db)
    every = all_hours(db)
    one = get_hours(db, club.id)
    db.close()
    closure = next(e for e in one.exceptions if e.kind == "closed")
    assert (closure.start_date, closure.end_date, closure.note) == (
        date(2026, 12, 24), date(2027, 1, 1), "Congés d'hiver"
    )  # fmt: skip
    found = agenda(activities, *closure_window(closure, ZONE), ZONE)
    hits = occurrences_in_closures(found, every, ZONE)
    assert sorted(h.occurrence.starts_at.date() for h in hits) == AFFECTED
    assert {h.occurrence.lieu_id for h in hits} == {club.id}
    assert {h.closure for h in hits} == {closure}
    assert occurrences_in_closures(found, one, ZONE) == hits
    # The closure's own window is enough to find them: the co-managers' side expands only it.
    assert closure_window(closure, ZONE) == (
        datetime(2026, 12, 24, tzinfo=ZONE), datetime(2027, 1, 2, tzinfo=ZONE)
    )  # fmt: skip


def rows(text: str) -> list[str]:
    """The text of each occurrence row of a page, tags removed."""
    found = re.findall(r'<li class="occurrence[^"]*">(.*?)</li>', text, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def test_the_agenda_flags_the_dates_in_the_closure(client):
    page = client.get("/agenda", params={"lieu": "club-55", "week": "2026-12-21"}).text
    flagged = [row for row in rows(page) if "À confirmer" in row]
    assert len(flagged) == 1 and "Repas partagé" in flagged[0]  # Friday 25 December
    assert "À confirmer — pendant la fermeture du lieu (Congés d'hiver)" in flagged[0]
    monday = [row for row in rows(page) if "Café-papote" in row]
    assert monday and not any("À confirmer" in row for row in monday)  # 21/12: before it
    week = client.get("/agenda", params={"lieu": "club-55", "week": "2026-12-28"}).text
    assert sum("À confirmer" in row for row in rows(week)) == 2  # Monday 28, Friday 1 January


def test_the_lieu_home_and_activity_pages_flag_them_too(client, clock):
    clock.now = datetime(2026, 12, 24, 9, tzinfo=ZONE)
    lieu = client.get("/lieux/club-55").text
    section = lieu[lieu.index('id="lieu-agenda"') :]
    flagged = [row for row in rows(section) if "À confirmer" in row]
    assert [row.split(",")[0] for row in flagged] == [
        "vendredi 25 décembre", "lundi 28 décembre", "vendredi 1er janvier 2027"
    ]  # fmt: skip
    home = client.get("/").text
    assert any("Repas partagé" in row and "À confirmer" in row for row in rows(home))
    db = database.connect(client.app.state.settings.db)
    meal = activities_db.get_activity_by_uid(db, "demo-club-55-repas@lieux-de-liens.demo")
    db.close()
    activity = client.get(f"/agenda/{meal.id}").text
    assert sum("À confirmer" in row for row in rows(activity)) == 2  # 25/12 and 01/01
    assert client.get("/lieux/club-55", params={"lang": "nl"}).text.count("Te bevestigen") == 3
    assert "To be confirmed" in client.get("/lieux/club-55", params={"lang": "en"}).text


def test_a_cancelled_date_in_the_closure_is_no_longer_flagged(client, seeded_path):
    db = database.connect(seeded_path)
    papote = activities_db.get_activity_by_uid(db, "demo-club-55-papote@lieux-de-liens.demo")
    edits.cancel_occurrence(db, papote.id, datetime(2026, 12, 28, 10), zone=ZONE, now=DEMO_NOW)
    db.close()
    page = client.get("/agenda", params={"lieu": "club-55", "week": "2026-12-28"}).text
    assert sum("À confirmer" in row for row in rows(page)) == 1  # the meal of 1 January
    assert any("Annulé" in row and "Café-papote" in row for row in rows(page))


def feed_events(client, url: str, lang: str = "fr"):
    body = client.get(url, params={"lang": lang}).content
    start, end = datetime(2026, 12, 1, tzinfo=ZONE), datetime(2027, 1, 31, tzinfo=ZONE)
    return recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(start, end)


def test_the_feed_marks_them_tentative_with_the_reason(client):
    events = feed_events(client, "/ical/lieux/club-55.ics")
    tentative = [e for e in events if e["STATUS"] == "TENTATIVE"]
    assert sorted(e.start.date() for e in tentative) == AFFECTED
    for event in tentative:
        assert str(event["SUMMARY"]).startswith("À CONFIRMER – ")
        assert str(event["DESCRIPTION"]).startswith(
            "À confirmer : pendant la fermeture du lieu (Congés d'hiver)."
        )
        assert "RECURRENCE-ID" in event  # series dates: overrides of the weekly event
    others = [e for e in events if e["STATUS"] != "TENTATIVE"]
    assert others and {str(e["STATUS"]) for e in others} == {"CONFIRMED"}
    assert not any("À confirmer" in str(e["DESCRIPTION"]) for e in others)
    nl = [e for e in feed_events(client, "/ical/network.ics", "nl") if e["STATUS"] == "TENTATIVE"]
    assert len(nl) == 3
    assert all(str(e["SUMMARY"]).startswith("TE BEVESTIGEN – ") for e in nl)


def test_a_new_closure_reaches_the_feed_and_moves_last_modified(client, seeded_path):
    url = "/ical/lieux/babel-zin.ics"
    first = client.get(url)
    assert all(e["STATUS"] != "TENTATIVE" for e in feed_events(client, url))
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "babel-zin")
    current = get_hours(db, lieu.id)
    works = OpeningException(
        start_date=date(2026, 12, 8), end_date=date(2026, 12, 8), kind="closed", note="Travaux"
    )
    # later than any edit the seed made (at the machine's time)
    edited = parsedate_to_datetime(first.headers["last-modified"]) + timedelta(days=1)
    actions.replace_hours(
        db, lieu, slots=list(current.slots), exceptions=[*current.exceptions, works],
        holiday_rule=current.holiday_rule, by=None, now=edited,
    )  # fmt: skip
    db.close()
    since = {"If-Modified-Since": first.headers["last-modified"]}
    polled = client.get(url, headers=since)
    assert polled.status_code == 200
    assert polled.headers["last-modified"] == format_datetime(
        edited.replace(microsecond=0), usegmt=True
    )
    tentative = [e for e in feed_events(client, url) if e["STATUS"] == "TENTATIVE"]
    assert [(e.start.date(), str(e["SUMMARY"])) for e in tentative] == [
        (date(2026, 12, 8), "À CONFIRMER – Café-papote")
    ]
    assert "(Travaux)" in str(tentative[0]["DESCRIPTION"])
