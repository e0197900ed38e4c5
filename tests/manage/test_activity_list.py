"""What a co-manager reads about their activities: the next date in the list (not the first),
"terminée" once over, a confirmation after creating, and the weekday a repetition takes."""

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux.calendar.models import Activity, ActivityOverride
from lieux.manage.upcoming import by_next_date, next_occurrence
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.people import LIEU_A, add_member, post, sign_in

ZONE = ZoneInfo("Europe/Brussels")


def activity(starts, ends, rrule=None, *, status="confirmed", overrides=(), n=1, title="A"):
    return Activity(
        id=n,
        uid=f"{n}@test",
        lieu_id=1,
        kind="atelier",
        title=title,
        starts_at=starts,
        ends_at=ends,
        rrule=rrule,
        status=status,
        overrides=overrides,
        created_at=DEMO_NOW,
        updated_at=DEMO_NOW,
    )


# A weekly Wednesday series that started on 07/10/2026, before DEMO_NOW (Monday 23/11 noon).
WEEKLY = activity(datetime(2026, 10, 7, 14), datetime(2026, 10, 7, 16), "FREQ=WEEKLY;BYDAY=WE")


def test_the_next_date_of_a_series_is_the_coming_one_not_the_first():
    assert next_occurrence(WEEKLY, DEMO_NOW, ZONE).starts_at == datetime(
        2026, 11, 25, 14, tzinfo=ZONE
    )


def test_a_cancelled_date_is_skipped_for_the_next_confirmed_one():
    skipped = ActivityOverride(
        recurrence_id=datetime(2026, 11, 25, 14), status="cancelled", updated_at=DEMO_NOW
    )
    series = activity(WEEKLY.starts_at, WEEKLY.ends_at, WEEKLY.rrule, overrides=(skipped,))
    assert next_occurrence(series, DEMO_NOW, ZONE).starts_at.day == 2  # 02/12


def test_a_date_running_now_is_the_next_one():
    running = activity(datetime(2026, 11, 23, 11), datetime(2026, 11, 23, 13))
    assert next_occurrence(running, DEMO_NOW, ZONE).starts_at.hour == 11


def test_a_whole_cancelled_series_shows_its_next_cancelled_date():
    cancelled = activity(WEEKLY.starts_at, WEEKLY.ends_at, WEEKLY.rrule, status="cancelled")
    found = next_occurrence(cancelled, DEMO_NOW, ZONE)
    assert found.status == "cancelled" and found.starts_at.day == 25


@pytest.mark.parametrize(
    "over",
    [
        activity(datetime(2026, 11, 1, 10), datetime(2026, 11, 1, 12)),
        activity(datetime(2026, 10, 7, 14), datetime(2026, 10, 7, 16), "FREQ=WEEKLY;COUNT=3"),
    ],
)
def test_an_activity_with_nothing_left_has_no_next_date(over):
    assert next_occurrence(over, DEMO_NOW, ZONE) is None


def test_the_list_puts_the_soonest_first_and_the_finished_last():
    soon = activity(datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 12), n=2, title="B")
    done = activity(datetime(2026, 11, 1, 10), datetime(2026, 11, 1, 12), n=3, title="C")
    order = [(a.id, o is None) for a, o in by_next_date([done, WEEKLY, soon], DEMO_NOW, ZONE)]
    assert order == [(2, False), (1, False), (3, True)]


# Through the pages.
FIRST = DEMO_TODAY - timedelta(weeks=7) + timedelta(days=2)  # a Wednesday, 07/10/2026
SERIES = {
    "title": "Atelier du mercredi",
    "kind": "atelier",
    "day": FIRST.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "repeat": "weekly",
}


def row(page: str, title: str) -> str:
    """The dashboard row of `title`, as text."""
    match = re.search(rf"<li><a [^>]*>{re.escape(title)}</a>(.*?)</li>", page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match[1])).split())


def test_the_dashboard_shows_the_next_date_and_the_rule(client, manager):
    assert FIRST.isoformat() == "2026-10-07"
    assert post(client, manager, f"/manage/{LIEU_A}/activities", SERIES).status_code == 303
    one_off = {**SERIES, "title": "Sortie passée", "day": "2026-11-02", "repeat": "none"}
    assert post(client, manager, f"/manage/{LIEU_A}/activities", one_off).status_code == 303
    page = client.get(f"/manage/{LIEU_A}").text
    assert row(page, "Atelier du mercredi") == (
        "— prochaine date : mercredi 25/11/2026 14:00 · chaque mercredi"
    )
    assert "07/10/2026" not in row(page, "Atelier du mercredi")
    assert row(page, "Sortie passée") == "— terminée"
    # Finished ones come after those still to come.
    assert page.index("Sortie passée") > page.index("Atelier du mercredi")


def summary(page: str) -> str:
    """What the top of an activity's page says after a form (its notice, undo included)."""
    box = page.split('id="saved"', 1)[1].split('activity-form"', 1)[0].rsplit("<form", 1)[0]
    box = box.split(">", 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", box)).split())


def test_creating_an_activity_says_it_is_saved_and_how_it_repeats(client, manager):
    created = post(client, manager, f"/manage/{LIEU_A}/activities", SERIES)
    location = created.headers["location"]
    assert created.status_code == 303 and "?done=activity-created&at=saved&entry=" in location
    assert location.endswith("#saved")
    page = client.get(location).text
    assert summary(page) == (
        "Activité créée. Annuler la création"
        " Elle se répète chaque mercredi, à partir du mercredi 07/10/2026 14:00."
        " Créer une autre activité"
    )
    # The same page opened again (no notice in its address) says nothing.
    plain = client.get(location.split("?")[0]).text
    assert 'role="status"' not in plain and summary(plain) == ""


def test_saving_an_activity_repeats_what_the_series_means(client, manager):
    created = post(client, manager, f"/manage/{LIEU_A}/activities", SERIES)
    path = created.headers["location"].split("?")[0]
    version = re.search(r'name="version" value="(\d+)"', client.get(path).text)[1]
    moved = {**SERIES, "day": "2026-12-01", "version": version}  # a Tuesday now
    saved = post(client, manager, path, moved)
    assert saved.status_code == 303 and "?done=activity-saved&" in saved.headers["location"]
    assert summary(client.get(saved.headers["location"]).text) == (
        "Activité enregistrée. Annuler ces changements"
        " Elle se répète chaque mardi, à partir du mardi 01/12/2026 14:00."
    )


def test_a_one_off_activity_confirms_its_date(client, manager):
    once = {**SERIES, "day": "2026-12-03", "repeat": "none"}
    created = post(client, manager, f"/manage/{LIEU_A}/activities", once)
    said = summary(client.get(created.headers["location"]).text)
    assert said == (
        "Activité créée. Annuler la création Date : jeudi 03/12/2026 14:00. "
        "Créer une autre activité"
    )


@pytest.mark.parametrize(
    ("lang", "day", "interval", "sentence", "weekly", "monthly"),
    [
        ("fr", "2026-12-01", "1", "C'est un mardi.", "chaque mardi", "le 1er mardi du mois"),
        ("fr", "2026-12-29", "2", "C'est un mardi.", "un mardi sur deux",
         "le dernier mardi du mois"),
        ("nl", "2026-12-16", "1", "Dat is een woensdag.", "elke woensdag",
         "de derde woensdag van de maand"),
        ("en", "2026-12-24", "3", "That is a Thursday.", "every 3 weeks on Thursday",
         "the 4th Thursday of the month"),
    ],
)  # fmt: skip
def test_the_form_says_which_weekday_a_repetition_takes(
    client, seeded_path, manager, lang, day, interval, sentence, weekly, monthly
):
    # A form sent back with an error keeps the typed day: the hint follows it, no JavaScript.
    typed = {**SERIES, "title": "", "day": day, "interval": interval}
    page = post(client, manager, f"/manage/{LIEU_A}/activities?lang={lang}", typed)
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert f'<p class="hint" id="day-hint" aria-live="polite">{sentence}</p>' in text
    assert f'id="repeat-weekly"> — <strong>{weekly}</strong>' in text
    assert f'id="repeat-monthly"> — <strong>{monthly}</strong>' in text
    # The day field names its hint, so a screen reader says it with the field.
    assert 'id="day" name="day" required value="' + day + '" aria-describedby="day-hint"' in text


def test_the_new_activity_form_without_a_day_says_where_the_weekday_comes_from(client, manager):
    page = html.unescape(client.get(f"/manage/{LIEU_A}/activities/new").text)
    assert "Une activité répétée garde le jour de la semaine de sa date (ci-dessus)." in page
    assert '<p class="hint" id="day-hint" aria-live="polite"></p>' in page
    # The script gets the same phrases, translated, to say it again as the date changes.
    phrases = re.search(r"data-repeat-phrases='([^']+)'", page)[1]
    assert '"weekly": "chaque %(days)s"' in phrases and '"mardi"' in phrases


def test_dates_on_the_dashboard_follow_the_clock(client, seeded_path, clock):
    clock.now = datetime(2026, 12, 10, 12, tzinfo=UTC)
    token = sign_in(
        client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}), at=clock.now
    )
    assert post(client, token, f"/manage/{LIEU_A}/activities", SERIES).status_code == 303
    page = client.get(f"/manage/{LIEU_A}").text
    assert "prochaine date : mercredi 16/12/2026 14:00" in row(page, "Atelier du mercredi")
