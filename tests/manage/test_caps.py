"""A lieu's caps (docs/limits.md) on the ways in a person uses: the activity form, one date's
change, an anonymous proposal and a proposal's acceptance. Each refusal says which cap and
stores nothing; the import's side is in tests/calendar/test_hostile_rules.py."""

from datetime import datetime, timedelta

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.calendar.rules import CURRENT_ACTIVITIES_MAX, LIEU_OVERRIDES_MAX, OVERRIDES_MAX
from lieux.db import activities as activities_db
from lieux.db import overrides as overrides_db
from lieux.db import proposals as proposals_db
from lieux.db.lieux import get_lieu
from lieux.manage import proposal_actions
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.manage.test_activities import CAFE
from tests.manage.test_public_proposals import IDEA, opened  # noqa: F401 (a fixture)
from tests.people import LIEU_A, LIEU_B, count, create, csrf, post

FULL = f"{CURRENT_ACTIVITIES_MAX} activités en cours"
DATES_FULL = f"{LIEU_OVERRIDES_MAX} dates changées ou annulées"
MONDAY = datetime.combine(
    DEMO_TODAY + timedelta(days=7 - DEMO_TODAY.weekday()), datetime.min.time()
)


def weekly(title: str) -> ActivityWrite:
    start = MONDAY.replace(hour=10)
    return ActivityWrite(
        kind="atelier",
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
    )


def current(db_path, slug: str) -> tuple[int, int]:
    """The lieu's current activities and their changed dates."""
    db = database.connect(db_path)
    lieu_id = get_lieu(db, slug).id
    since = DEMO_NOW.replace(tzinfo=None)
    found = (
        activities_db.count_current(db, lieu_id, since=since),
        activities_db.count_current_overrides(db, lieu_id, since=since),
    )
    db.close()
    return found


def fill(db_path, slug: str, *, activities: int = 0, dates: int = 0) -> None:
    """Add weekly series to the lieu until it holds `activities` current ones, and cancelled
    dates on new series until they hold `dates`, straight in the database."""
    db = database.connect(db_path)
    lieu_id = get_lieu(db, slug).id
    have, have_dates = current(db_path, slug)
    for n in range(activities - have):
        activities_db.insert_activity(
            db, lieu_id, weekly(f"Série {n}"), uid=f"f{n}@t", now=DEMO_NOW
        )
    n = 0
    while have_dates < dates:
        take = min(OVERRIDES_MAX, dates - have_dates)
        series = activities_db.insert_activity(
            db, lieu_id, weekly(f"Annulée {n}"), uid=f"d{n}@t", now=DEMO_NOW
        )
        wanted = {
            MONDAY.replace(hour=10) + timedelta(weeks=week): {
                "status": "cancelled",
                "starts_at": None,
                "ends_at": None,
                "title": None,
                "description": None,
            }
            for week in range(take)
        }
        overrides_db.set_overrides(db, series, wanted, now=DEMO_NOW)
        have_dates, n = have_dates + take, n + 1
    db.close()


def test_the_form_adds_no_activity_past_the_cap(client, seeded_path, manager):
    fill(seeded_path, LIEU_A, activities=CURRENT_ACTIVITIES_MAX - 1)
    create(client, manager, CAFE)  # the last one that fits
    before = count(seeded_path, "activities")
    response = post(client, manager, f"/manage/{LIEU_A}/activities", CAFE)
    assert response.status_code == 409
    assert FULL in response.text and "Café-papote du mardi" in response.text
    assert 'value="Café-papote du mardi"' in response.text  # what was typed is kept
    assert count(seeded_path, "activities") == before
    assert current(seeded_path, LIEU_A)[0] == CURRENT_ACTIVITIES_MAX


def test_a_date_is_not_changed_past_the_lieu_budget(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    fill(seeded_path, LIEU_A, dates=LIEU_OVERRIDES_MAX)
    path = f"/manage/{LIEU_A}/activities/{activity_id}/occurrence"
    first = f"{CAFE['day']}T14:00:00"
    for do, extra in [("cancel", {}), ("edit", {"title": "Autre titre"})]:
        response = post(client, manager, path, {"do": do, "recurrence_id": first, **extra})
        assert response.status_code == 409, do
        assert DATES_FULL in response.text
    assert current(seeded_path, LIEU_A)[1] == LIEU_OVERRIDES_MAX
    db = database.connect(seeded_path)
    assert activities_db.get_activity(db, activity_id).overrides == ()
    db.close()


def test_a_date_already_changed_may_change_again_at_the_cap(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    path = f"/manage/{LIEU_A}/activities/{activity_id}/occurrence"
    first = f"{CAFE['day']}T14:00:00"
    assert post(client, manager, path, {"do": "cancel", "recurrence_id": first}).status_code == 303
    fill(seeded_path, LIEU_A, dates=LIEU_OVERRIDES_MAX)
    response = post(client, manager, path, {"do": "restore", "recurrence_id": first})
    assert response.status_code == 303


def test_an_anonymous_proposal_is_refused_when_the_lieu_is_full(client, seeded_path, opened):  # noqa: F811
    fill(seeded_path, LIEU_B, activities=CURRENT_ACTIVITIES_MAX)
    response = client.post(
        f"/propose/{LIEU_B}", data={**IDEA, "_csrf_token": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 400
    assert FULL in response.text
    assert count(seeded_path, "proposals") == 0


def test_a_proposal_is_not_published_past_the_cap(client, seeded_path, manager):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    proposal_id = proposal_actions.propose(
        db, lieu, weekly("Proposée"), by=None, name="Quelqu'un", now=DEMO_NOW
    )
    db.close()
    fill(seeded_path, LIEU_A, activities=CURRENT_ACTIVITIES_MAX)
    path = f"/manage/{LIEU_A}/proposals/{proposal_id}/accept"
    response = post(client, manager, path, {"message": ""})
    assert response.status_code == 409
    assert FULL in response.text and "Proposée" in response.text
    db = database.connect(seeded_path)
    assert proposals_db.get_proposal(db, proposal_id).status == "pending"
    db.close()
    assert current(seeded_path, LIEU_A)[0] == CURRENT_ACTIVITIES_MAX


def test_the_lieu_page_lists_its_next_thirty_dates(client, seeded_path):
    have, _ = current(seeded_path, LIEU_A)
    fill(seeded_path, LIEU_A, activities=have + 40)  # 40 weekly series: 160 dates in 4 weeks
    page = client.get(f"/lieux/{LIEU_A}").text
    section = page[page.index('id="lieu-agenda"') :]
    section = section[: section.index("</section>")]
    assert section.count('<li class="occurrence') == 30
    assert "Seules les 30 prochaines sont montrées ici." in section
    assert f'href="/agenda?lieu={LIEU_A}"' in section
    assert page.count('"@type": "Event"') + page.count('"@type":"Event"') <= 30


def test_the_home_page_lists_at_most_fifteen_dates_a_day(client, seeded_path):
    have, _ = current(seeded_path, LIEU_A)
    fill(seeded_path, LIEU_A, activities=have + 40)  # 40 series, every Monday at 10:00
    day = MONDAY.date().isoformat()
    page = client.get("/", params={"at": f"{day}T08:00:00+01:00"}).text
    section = page[page.index(f'aria-labelledby="day-{day}"') :]
    section = section[: section.index("</section>")]
    assert section.count('<li class="occurrence') == 15
    assert "autres ce jour-là, dans l" in section
    assert f'href="/agenda?week={day}#day-{day}"' in section
