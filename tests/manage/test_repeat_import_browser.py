"""In Chromium, at 320 and 1280 px, light and dark: the calendar import page says what an
import did in a sentence that fits the screen, and the activity form shows a series' stored
repetition (the simple choice checked, or the advanced rule open and explained); a date just
cancelled offers its restore button once.
Screenshots go to var/screenshots/manage/repeat-import-*.png."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db.lieux import get_lieu
from lieux.manage import actions
from tests import screenshots
from tests.conftest import axe_violations
from tests.people import LIEU_A, add_member, new_token_for

ZONE = ZoneInfo("Europe/Brussels")
# The live server reads the real clock: dates are placed from today.
TODAY = datetime.now(ZONE).date()
TUESDAY = TODAY + timedelta(days=7 + (1 - TODAY.weekday()) % 7)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    + "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}@example.org\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Brussels:{TUESDAY:%Y%m%d}T{hour}0000\r\n"
        f"DTEND;TZID=Europe/Brussels:{TUESDAY:%Y%m%d}T{hour + 1}0000\r\n"
        f"SUMMARY:{title}\r\nEND:VEVENT\r\n"
        for uid, title, hour in (("a", "Atelier", 10), ("b", "Balade", 12))
    )
    + "END:VCALENDAR\r\n"
)
# Width of the page's content: nothing may make a 320 px screen scroll sideways.
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def series(seeded_path, rrule: str, uid: str) -> int:
    db = database.connect(seeded_path)
    starts = datetime.combine(TUESDAY, datetime.min.time()).replace(hour=14)
    write = ActivityWrite(
        kind="cafe-papote",
        title="Café-papote",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        rrule=rrule,
    )
    activity_id = actions.create_activity(
        db, get_lieu(db, LIEU_A), write, by=None, uid=uid, zone=ZONE, now=datetime.now(UTC)
    )
    db.close()
    return activity_id


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_import_sentence_and_repeat_choice_in_a_browser(
    browser, live_server, seeded_path, axe_source, width, scheme
):
    weekly = series(seeded_path, "FREQ=WEEKLY;COUNT=6;BYDAY=TU", "weekly@test")
    advanced = series(seeded_path, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "advanced@test")
    member = add_member(seeded_path, "Claire", {LIEU_A: "co-manager"})
    context = browser.new_context(
        locale="fr-BE", viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    page.goto(
        f"{live_server.url}/signin/{new_token_for(seeded_path, member, at=datetime.now(UTC))}"
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")
    name = f"manage/repeat-import-{{}}-{width}-{scheme}"

    page.goto(f"{live_server.url}/manage/{LIEU_A}/calendars")
    page.locator("#calendar-file").set_input_files(
        {"name": "lieu.ics", "mimeType": "text/calendar", "buffer": CALENDAR.encode()}
    )
    page.get_by_role("button", name="Importer le fichier").click()
    page.wait_for_url("**added=2**")
    said = page.locator("#import-done")
    assert said.is_visible()
    assert " ".join(said.inner_text().split()) == (
        "Import terminé : 2 activités ajoutées. Voir les activités du lieu"
    )
    assert page.evaluate(OVERFLOW) <= 0
    screenshots.shot(page, name.format("import"), full_page=True)
    if (width, scheme) == (320, "light"):
        assert axe_violations(page, axe_source) == []

    page.goto(f"{live_server.url}/manage/{LIEU_A}/activities/{weekly}")
    assert page.locator("input[name=repeat][value=weekly]").is_checked()
    assert page.locator("#count").input_value() == "6"
    assert page.locator("#rrule").input_value() == "" and not page.locator("#rrule").is_visible()
    assert page.evaluate(OVERFLOW) <= 0
    fieldset = page.locator("fieldset", has=page.locator("input[name=repeat]"))
    fieldset.scroll_into_view_if_needed()
    screenshots.shot(fieldset, name.format("weekly"))

    # A date cancelled: its row offers "Rétablir cette date" once, in the message.
    date_id = f"date-{TUESDAY:%Y%m%d}t1400"
    page.locator(f"#{date_id} button[name=do][value=cancel]").click()
    page.wait_for_url("**done=date-cancelled**")
    restore = page.locator(f"#{date_id}").get_by_role("button", name="Rétablir cette date")
    assert restore.count() == 1
    assert page.locator(f"#{date_id} [role=status]").get_by_role("button").count() == 1
    screenshots.shot(page.locator(f"#{date_id}"), name.format("date-cancelled"))

    page.goto(f"{live_server.url}/manage/{LIEU_A}/activities/{advanced}")
    assert page.locator("input[name=repeat][value=rule]").is_checked()
    assert page.locator("#repeat-rule-hint").is_visible()
    assert page.locator("#rrule").is_visible()
    assert page.locator("#rrule").input_value() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
    assert page.evaluate(OVERFLOW) <= 0
    fieldset.scroll_into_view_if_needed()
    screenshots.shot(fieldset, name.format("advanced"))
    if (width, scheme) == (320, "light"):
        assert axe_violations(page, axe_source) == []
    context.close()
