"""A dated closure and the activities planned inside it: listed when the hours are saved (form or
OpenStreetMap string), cancelled in one step, each date an audited cancellation with the
closure's note as its reason."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar import closures
from lieux.calendar.recurrence import Occurrence
from lieux.calendar.rules import LIEU_OVERRIDES_MAX
from lieux.db import audit
from lieux.db.activities import get_activity, list_activities
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningException, OpeningHours, OpeningSlot
from lieux.manage.closed_dates import in_closures
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, add_member, post, sign_in

ZONE = ZoneInfo("Europe/Brussels")
# Club 55's demo hours close it for the winter, 24/12/2026 to 01/01/2027 ("Congés d'hiver"); its
# demo café-papote is on Mondays 10:00 and its meal on Fridays 12:00.
CLUB = "club-55"
WINTER = ["Repas partagé — vendredi 25/12/2026", "Café-papote — lundi 28/12/2026",
          "Repas partagé — vendredi 01/01/2027"]  # fmt: skip


def occurrence(start: datetime, end: datetime, *, all_day=False, status="confirmed", n=1):
    return Occurrence(
        activity_id=n,
        uid=f"{n}@test",
        lieu_id=1,
        kind="atelier",
        title="Atelier",
        starts_at=start.replace(tzinfo=ZONE),
        ends_at=end.replace(tzinfo=ZONE),
        all_day=all_day,
        status=status,
    )


HOURS = OpeningHours(
    lieu_id=1,
    slots=(OpeningSlot(weekday=0, opens=time(10), closes=time(16)),),
    exceptions=(
        OpeningException(
            start_date=date(2026, 12, 24), end_date=date(2027, 1, 1), kind="closed", note="Congés"
        ),
        OpeningException(
            start_date=date(2026, 12, 5),
            end_date=date(2026, 12, 5),
            kind="special",
            opens=time(10),
            closes=time(12),
        ),
    ),
)


@pytest.mark.parametrize(
    ("start", "end", "all_day", "status", "inside"),
    [
        (datetime(2026, 12, 24, 10), datetime(2026, 12, 24, 12), False, "confirmed", True),
        (datetime(2027, 1, 1, 23), datetime(2027, 1, 2, 1), False, "confirmed", True),
        # The evening before: it belongs to the day it starts, as opening slots do.
        (datetime(2026, 12, 23, 22), datetime(2026, 12, 24, 2), False, "confirmed", False),
        (datetime(2027, 1, 2, 10), datetime(2027, 1, 2, 12), False, "confirmed", False),
        # All day, from before the closure into it.
        (datetime(2026, 12, 22), datetime(2026, 12, 25), True, "confirmed", True),
        # All day, ending the day before (ends_at is the midnight after the last day).
        (datetime(2026, 12, 22), datetime(2026, 12, 24), True, "confirmed", False),
        # Already cancelled: nothing left to decide.
        (datetime(2026, 12, 28, 10), datetime(2026, 12, 28, 12), False, "cancelled", False),
        # Special hours are not a closure.
        (datetime(2026, 12, 5, 10), datetime(2026, 12, 5, 12), False, "confirmed", False),
    ],
)
def test_which_occurrences_fall_in_a_closure(start, end, all_day, status, inside):
    found = in_closures([occurrence(start, end, all_day=all_day, status=status)], HOURS, ZONE)
    assert [c.note for _o, c in found] == (["Congés"] if inside else [])


def test_closure_pairs_are_sorted_and_keyed():
    later = occurrence(datetime(2026, 12, 30, 10), datetime(2026, 12, 30, 11), n=2)
    sooner = occurrence(datetime(2026, 12, 24, 10), datetime(2026, 12, 24, 11), n=3)
    found = in_closures([later, sooner], HOURS, ZONE)
    assert [o.activity_id for o, _c in found] == [3, 2]
    assert closures.key(sooner) == "3@once"


def test_the_window_covers_coming_closures_only_and_at_most_a_year():
    assert closures.window(HOURS, datetime(2027, 1, 2, 12, tzinfo=UTC), ZONE) is None
    start, end = closures.window(HOURS, DEMO_NOW, ZONE)
    assert start == DEMO_NOW and end == datetime(2027, 1, 2, tzinfo=ZONE)
    far = OpeningHours(
        lieu_id=1,
        exceptions=(
            OpeningException(start_date=date(2030, 1, 1), end_date=date(2031, 1, 1), kind="closed"),
        ),
    )
    assert closures.window(far, DEMO_NOW, ZONE)[1] == datetime(2027, 11, 25, tzinfo=ZONE)


@pytest.fixture
def club_manager(client, seeded_path):
    return sign_in(client, seeded_path, add_member(seeded_path, "Co 55", {CLUB: "co-manager"}))


def listed(page: str) -> list[str]:
    """The dates offered for cancellation: "title — weekday dd/mm/yyyy"."""
    section = html.unescape(page).split('id="closed-dates"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<strong>([^<]+)</strong> — (\w+) (\d\d/\d\d/\d{4})", section)
    return [f"{title} — {weekday} {day}" for title, weekday, day in rows]


def test_the_hours_page_lists_the_dates_inside_a_closure(client, club_manager):
    page = client.get(f"/manage/{CLUB}/hours").text
    assert "Des activités tombent pendant une fermeture" in page
    assert listed(page) == WINTER
    assert page.count('name="date"') == 3 and page.count("checked>") >= 3
    assert "(Congés d'hiver)" in html.unescape(page)
    # The dashboard says it too, with a way there.
    dashboard = html.unescape(client.get(f"/manage/{CLUB}").text)
    assert "3 dates d'activités tombent pendant une fermeture" in dashboard
    assert f'href="/manage/{CLUB}/hours#closed-dates"' in dashboard


def test_a_lieu_without_closure_lists_nothing(client, seeded_path):
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    assert 'id="closed-dates"' not in client.get(f"/manage/{LIEU_A}/hours").text
    assert "pendant une fermeture" not in client.get(f"/manage/{LIEU_A}").text
    refused = post(client, token, f"/manage/{LIEU_A}/hours/closures", {"date": "1@once"})
    assert refused.status_code == 400 and "Cochez au moins une date" in refused.text


def test_cancelling_the_ticked_dates_cancels_each_with_the_closure_note(
    client, seeded_path, club_manager
):
    page = client.get(f"/manage/{CLUB}/hours").text
    keys = re.findall(r'name="date" value="([^"]+)"', page)
    # Keep the Monday café (someone will open for it): tick only the two meals.
    meals = [k for k in keys if k.endswith("T12:00:00")]
    assert len(meals) == 2
    # A key that is not a date inside a closure is ignored, whatever the form says.
    forged = "1@2026-12-02T10:00:00"
    response = client.post(
        f"/manage/{CLUB}/hours/closures",
        data={"date": [*meals, forged], "_csrf_token": club_manager},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"/manage/{CLUB}/hours?done=dates-cancelled&at=closed-dates&")
    assert location.endswith("&n=2#closed-dates") and location.count("&entry=") == 2
    after = client.get(location).text
    assert 'role="status">\n  <p>2 dates annulées.' in after
    assert "Rétablir ces dates" in after
    assert listed(after) == [WINTER[1]]

    db = database.connect(seeded_path)
    lieu = get_lieu(db, CLUB)
    meal = next(a for a in list_activities(db, lieu_ids=[lieu.id]) if a.kind == "repas")
    cancelled = sorted(o.recurrence_id for o in meal.overrides if o.status == "cancelled")
    assert cancelled == [datetime(2026, 12, 25, 12), datetime(2027, 1, 1, 12)]
    entries = [
        e
        for e in audit.list_entries(db, lieu.id, entity="activity")
        if e.action == "cancel-occurrence"
    ]
    db.close()
    assert len(entries) == 2 and {e.after["reason"] for e in entries} == {"Congés d'hiver"}
    assert all(e.member_name == "Co 55" for e in entries)
    # The audit page says why.
    log = html.unescape(client.get(f"/manage/{CLUB}/audit").text)
    assert log.count("""<p class="audit-detail">raison : Congés d'hiver</p>""") == 2


def test_a_one_off_activity_inside_a_closure_is_cancelled_whole(client, seeded_path, club_manager):
    one_off = {
        "title": "Sortie au musée",
        "kind": "sortie",
        "day": "2026-12-29",
        "start": "13:00",
        "end": "17:00",
    }
    created = post(client, club_manager, f"/manage/{CLUB}/activities", one_off)
    activity_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
    page = client.get(f"/manage/{CLUB}/hours").text
    assert "Sortie au musée — mardi 29/12/2026" in listed(page)
    response = post(
        client, club_manager, f"/manage/{CLUB}/hours/closures", {"date": f"{activity_id}@once"}
    )
    assert response.status_code == 303
    db = database.connect(seeded_path)
    assert get_activity(db, activity_id).status == "cancelled"
    [entry] = audit.list_entries(
        db, get_lieu(db, CLUB).id, entity="activity", entity_id=activity_id, limit=1
    )
    db.close()
    assert entry.action == "cancel" and entry.after["reason"] == "Congés d'hiver"


def test_a_special_opening_inside_a_closure_is_listed_unticked(client, club_manager):
    opening = {
        "title": "Réveillon ouvert",
        "kind": "ouverture",
        "day": "2026-12-31",
        "start": "18:00",
        "end": "23:00",
    }
    assert post(client, club_manager, f"/manage/{CLUB}/activities", opening).status_code == 303
    page = client.get(f"/manage/{CLUB}/hours").text
    row = re.search(r'value="[^"]+"( checked)?>\s*<span><strong>Réveillon ouvert', page)
    assert row is not None and row[1] is None
    assert "elle ouvre le lieu malgré la fermeture" in page


def test_saving_a_new_closure_in_the_hours_form_lists_its_dates(client, seeded_path):
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    db = database.connect(seeded_path)
    titles = {a.title for a in list_activities(db, lieu_ids=[get_lieu(db, LIEU_A).id])}
    db.close()
    form = client.get(f"/manage/{LIEU_A}/hours").text
    fields = dict(re.findall(r'name="(slot-\d-\d-(?:opens|closes))" value="([^"]+)"', form))
    fields.update(
        {
            "holiday-rule": "closed",
            "exc-0-start": "2026-12-07",
            "exc-0-end": "2026-12-13",
            "exc-0-kind": "closed",
            "exc-0-note": "Travaux",
        }
    )
    saved = post(client, token, f"/manage/{LIEU_A}/hours", fields)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert 'role="status">\n  <p>Horaires enregistrés.' in page
    assert re.search(r'<a href="#closed-dates">\d+ dates? d.activités? tomb', page)
    rows = listed(page)
    assert rows and all(r.split(" — ")[0] in titles for r in rows)
    assert all("/12/2026" in r and 7 <= int(r.rsplit(" ", 1)[1][:2]) <= 13 for r in rows)
    assert "(Travaux)" in page


def test_importing_an_osm_string_with_a_closure_lists_its_dates(client, seeded_path):
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    osm = 'Mo-Fr 10:00-16:00; 2026 Dec 07-2026 Dec 13 off "Travaux"; PH off'
    saved = post(client, token, f"/manage/{LIEU_A}/hours/osm", {"osm": osm})
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"]).text
    rows = listed(page)
    assert rows and all(7 <= int(r.rsplit(" ", 1)[1][:2]) <= 13 for r in rows)


def test_dates_already_over_are_not_offered(client, seeded_path, clock):
    # On 29/12 at noon, the meal of the 25th and the café of the 28th are past.
    clock.now = datetime(2026, 12, 29, 12, tzinfo=ZONE)
    member = add_member(seeded_path, "Co 55", {CLUB: "co-manager"})
    sign_in(client, seeded_path, member, at=clock.now)
    assert listed(client.get(f"/manage/{CLUB}/hours").text) == [WINTER[2]]
    clock.now = DEMO_NOW + timedelta(days=60)
    assert 'id="closed-dates"' not in client.get(f"/manage/{CLUB}/hours").text


def test_dates_in_a_closure_are_not_cancelled_past_the_lieu_budget(
    client, seeded_path, club_manager
):
    """Two dates ticked, one left in the lieu's budget of changed dates: neither is cancelled
    (the step is one transaction), and the page says which cap."""
    from tests.manage.test_caps import fill

    keys = re.findall(r'name="date" value="([^"]+)"', client.get(f"/manage/{CLUB}/hours").text)
    meals = [k for k in keys if k.endswith("T12:00:00")]
    fill(seeded_path, CLUB, dates=LIEU_OVERRIDES_MAX - 1)
    response = client.post(
        f"/manage/{CLUB}/hours/closures",
        data={"date": meals, "_csrf_token": club_manager},
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert f"{LIEU_OVERRIDES_MAX} dates changées ou annulées" in response.text
    assert listed(client.get(f"/manage/{CLUB}/hours").text) == WINTER
