"""In Chromium, on a 360 px phone (and 1280 px where the layout changes), in French and Dutch, a
co-manager always knows what the last tap did and can undo it (issue 23): a date cancelled and
an activity deleted (asked first), the live status published with its note, invite cards, the
website field and the error banner, the readable log and its undo, activities in Dutch.
Screenshots go to var/screenshots/manage/ux-*.png."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db.activities import get_activity, is_deleted
from lieux.db.hours import get_hours
from lieux.db.lieux import get_lieu
from lieux.i18n import translations
from lieux.manage import actions
from lieux.manage.notices import NOTICES
from lieux.members.invites import issue_invite
from tests import screenshots
from tests.conftest import axe_violations
from tests.people import add_member, new_token_for

LIEU = "circuit"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ZONE = ZoneInfo("Europe/Brussels")
# The live server reads the real clock: dates are placed from today.
MONDAY = datetime.now(ZONE).date() + timedelta(days=7 - datetime.now(ZONE).weekday())


def say(lang: str, msgid: str) -> str:
    """`msgid` as the page in `lang` writes it."""
    return translations(lang).gettext(msgid)


def notice_text(lang: str, key: str) -> str:
    return say(lang, NOTICES[key].text)


@pytest.fixture
def co_manager(browser, live_server, seeded_path):
    """A page of a co-manager of Circuit signed in, in `lang` at `viewport`."""
    made = []

    def open_page(lang="fr", viewport=PHONE, javascript=True):
        member = add_member(seeded_path, f"Claire {len(made)}", {LIEU: "co-manager"})
        context = browser.new_context(
            locale={"fr": "fr-BE", "nl": "nl-BE"}[lang],
            viewport=viewport,
            java_script_enabled=javascript,
        )
        made.append(context)
        page = context.new_page()
        token = new_token_for(seeded_path, member, at=datetime.now(UTC))
        page.goto(f"{live_server.url}/signin/{token}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/me")
        assert page.locator("html").get_attribute("lang") == lang
        return page

    yield open_page
    for context in made:
        context.close()


def weekly_activity(seeded_path) -> int:
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU)
    write = ActivityWrite(
        kind="cafe-papote",
        title="Café-papote",
        starts_at=datetime.combine(MONDAY, datetime.min.time()).replace(hour=14),
        ends_at=datetime.combine(MONDAY, datetime.min.time()).replace(hour=16),
        rrule="FREQ=WEEKLY;BYDAY=MO",
    )
    activity_id = actions.create_activity(
        db, lieu, write, by=None, uid="cafe@test", zone=ZONE, now=datetime.now(UTC)
    )
    db.close()
    return activity_id


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def in_view(page, selector: str) -> bool:
    """Whether the element's top is on the screen (give or take a pixel of rounding)."""
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
             return box.top >= -2 && box.top < window.innerHeight; }""",
        selector,
    )


def shot(page, name: str, *, whole: bool = False) -> None:
    """What the person sees on arrival (or the `whole` page)."""
    width = page.viewport_size["width"]
    screenshots.shot(page, f"manage/ux-{name}-{width}", full_page=whole)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_cancelled_date_says_so_there_and_a_deletion_asks_first(
    co_manager, seeded_path, live_server, axe_source, lang
):
    activity_id = weekly_activity(seeded_path)
    page = co_manager(lang)
    page.goto(f"{live_server.url}/manage/{LIEU}/activities/{activity_id}")
    date_id = f"date-{MONDAY:%Y%m%d}t1400"
    page.locator(f"#{date_id} button[name=do][value=cancel]").click()
    page.wait_for_url("**done=date-cancelled**")
    # Scrolled to the date, the focus on it, the message there with its undo.
    assert focused(page) == date_id and in_view(page, f"#{date_id}")
    status = page.locator(f"#{date_id} [role=status]")
    assert notice_text(lang, "date-cancelled") in status.text_content()
    shot(page, f"date-cancelled-{lang}")
    assert axe_violations(page, axe_source) == []
    status.get_by_role("button").click()
    page.wait_for_url("**done=undone**")
    assert focused(page) == date_id
    assert notice_text(lang, "undone") in page.locator(f"#{date_id} [role=status]").text_content()
    db = database.connect(seeded_path)
    assert get_activity(db, activity_id).overrides[0].status == "confirmed"
    # Deleting: a first tap only opens what it will do.
    page.locator("#activity-status details.confirm summary").click()
    confirm = page.locator("#activity-status .confirm-box")
    assert confirm.is_visible() and not is_deleted(db, activity_id)
    shot(page, f"delete-confirm-{lang}")
    assert axe_violations(page, axe_source) == []
    confirm.get_by_role("button").click()
    page.wait_for_url("**done=activity-deleted**")
    assert focused(page) == f"deleted-{activity_id}" and is_deleted(db, activity_id)
    status = page.locator(f"#deleted-{activity_id} [role=status]")
    assert notice_text(lang, "activity-deleted") in status.text_content()
    shot(page, f"deleted-{lang}")
    status.get_by_role("button").click()
    page.wait_for_url(f"**/activities/{activity_id}?done=undone**")
    assert not is_deleted(db, activity_id)
    db.close()


def test_without_javascript_the_answer_still_lands_at_the_date(
    co_manager, seeded_path, live_server
):
    activity_id = weekly_activity(seeded_path)
    page = co_manager("fr", javascript=False)
    page.goto(f"{live_server.url}/manage/{LIEU}/activities/{activity_id}")
    date_id = f"date-{MONDAY:%Y%m%d}t1400"
    page.locator(f"#{date_id} button[name=do][value=cancel]").click()
    page.wait_for_url(f"**#{date_id}")
    assert in_view(page, f"#{date_id}")
    assert "Date annulée" in page.locator(f"#{date_id} [role=status]").text_content()
    # The confirmation opens without JavaScript too.
    page.locator("#activity-status details.confirm summary").click()
    assert page.locator("#activity-status .confirm-box button").is_visible()


@pytest.mark.parametrize(("lang", "viewport"), [("fr", PHONE), ("nl", PHONE), ("fr", DESKTOP)])
def test_the_live_status_note_and_end_come_before_publishing(
    co_manager, live_server, axe_source, lang, viewport
):
    page = co_manager(lang, viewport)
    page.goto(f"{live_server.url}/manage/{LIEU}")
    shot(page, f"live-form-{lang}")
    # Two taps for the usual case: choose, publish; the note and the end are in between.
    page.locator("label[for=live-closed]").click()
    page.locator("#live-until").fill((datetime.now(ZONE).date() + timedelta(days=2)).isoformat())
    page.locator("#live-note").fill("Fuite d'eau")
    page.locator("button.live-publish").click()
    page.wait_for_url("**done=status-set**")
    assert focused(page) == "live-status" and in_view(page, "#live-status")
    view = page.locator(".public-view").text_content()
    assert "Fuite d'eau" in view
    lieu = page.context.new_page()
    lieu.goto(f"{live_server.url}/lieux/{LIEU}")
    headline = lieu.locator(".live-state strong").text_content()
    lieu.close()
    assert headline in view  # the lieu page's own words
    shot(page, f"live-published-{lang}")
    assert axe_violations(page, axe_source) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_invites_read_as_cards_and_the_link_says_what_it_is_for(
    co_manager, seeded_path, live_server, axe_source, lang
):
    db = database.connect(seeded_path)
    lieu_id = get_lieu(db, LIEU).id
    for role, reusable in [("co-manager", False), ("member", True), ("member", False)]:
        issue_invite(db, lieu_id=lieu_id, role=role, base_url="", now=datetime.now(UTC),
                     reusable=reusable)  # fmt: skip
    db.close()
    page = co_manager(lang)
    page.goto(f"{live_server.url}/manage/{LIEU}/invites")
    # Nothing to scroll sideways: the page, the list and each card fit the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(
        """() => [...document.querySelectorAll('.invite-cards, .invite-cards > li')]
                 .every(el => el.scrollWidth <= el.clientWidth)"""
    )
    assert page.locator(".invite-cards > li").count() == 3
    shot(page, f"invites-{lang}", whole=True)
    assert axe_violations(page, axe_source) == []
    page.locator("input[name=role][value=co-manager]").check()
    page.locator("#invite-form button[type=submit]").click()
    page.locator("#invite-link").wait_for()
    said = page.locator("#invite-for").text_content()
    assert "Circuit" in said and say(lang, "co-gestionnaire") in said
    shot(page, f"invite-created-{lang}")
    assert axe_violations(page, axe_source) == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_website_gets_https_and_the_banner_leads_to_the_first_error(
    co_manager, seeded_path, live_server, axe_source, lang
):
    page = co_manager(lang)
    page.goto(f"{live_server.url}/manage/{LIEU}/profile")
    page.locator("#website").fill("maison-soleil.be")
    page.locator("form.profile button[type=submit]").click()
    page.wait_for_url("**done=profile-saved**")
    assert page.locator("#website").input_value() == "https://maison-soleil.be"
    assert focused(page) == "saved"
    page.locator("#postcode").fill("4000")
    page.locator("#website").fill("maison soleil")
    page.locator("form.profile button[type=submit]").click()
    page.locator(".form-errors a").wait_for()
    # Waited for by Playwright's own matcher: a string predicate would be an eval, which the
    # page's CSP refuses (and the wait then fails whenever the focus comes after the first poll).
    expect(page.locator("#postcode")).to_be_focused()
    assert in_view(page, "#postcode")
    assert page.locator(".form-errors a").get_attribute("href") == "#postcode"
    shot(page, f"profile-error-{lang}")
    assert axe_violations(page, axe_source) == []


def test_without_javascript_the_banner_is_a_link_to_the_field(co_manager, live_server):
    page = co_manager("fr", javascript=False)
    page.goto(f"{live_server.url}/manage/{LIEU}/profile")
    page.locator("#postcode").fill("4000")
    page.locator("form.profile button[type=submit]").click()
    page.locator(".form-errors a").click()
    assert page.url.endswith("#postcode") and in_view(page, "#postcode")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_log_reads_as_words_and_an_hours_change_is_undone_there(
    co_manager, seeded_path, live_server, axe_source, lang
):
    db = database.connect(seeded_path)
    lieu_id = get_lieu(db, LIEU).id
    before = get_hours(db, lieu_id)
    page = co_manager(lang)
    page.goto(f"{live_server.url}/manage/{LIEU}/hours")
    page.locator("#slot-5-0-opens").fill("11:00")
    page.locator("#slot-5-0-closes").fill("15:00")
    page.locator("form.hours-form button[type=submit]").click()
    page.wait_for_url("**done=hours-saved**")
    assert focused(page) == "hours-preview"
    assert get_hours(db, lieu_id) != before
    page.goto(f"{live_server.url}/manage/{LIEU}/audit")
    log = page.locator("#audit-entries").text_content()
    for raw in ('"slots"', '"weekday"', "{", "\\u00"):
        assert raw not in log
    entry = page.locator("#audit-entries > li").first
    assert "11:00–15:00" in entry.text_content()
    shot(page, f"log-{lang}")
    assert axe_violations(page, axe_source) == []
    entry.locator("form button").click()
    page.wait_for_url("**/audit?done=undone**")
    assert notice_text(lang, "undone") in page.locator("[role=status]").first.text_content()
    assert get_hours(db, lieu_id) == before
    db.close()


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_an_activity_written_in_dutch_shows_in_dutch(
    co_manager, seeded_path, live_server, browser, lang
):
    page = co_manager(lang)
    page.goto(f"{live_server.url}/manage/{LIEU}/activities/new")
    page.locator("#title").fill("Repas partagé")
    page.locator("#day").fill(MONDAY.isoformat())
    page.locator("#start").fill("12:00")
    page.locator("#end").fill("14:00")
    page.locator("#title_nl").fill("Gedeelde maaltijd")
    page.locator("#description_nl").fill("We koken samen.")
    page.locator("#activity-form button[type=submit]").click()
    page.wait_for_url("**done=activity-created**")
    activity_id = page.url.split("?")[0].rsplit("/", 1)[1]
    shot(page, f"activity-created-{lang}")
    dutch = browser.new_context(locale="nl-BE", viewport=PHONE)
    public = dutch.new_page()
    public.goto(f"{live_server.url}/agenda/{activity_id}")
    assert public.locator("h1").text_content() == "Gedeelde maaltijd"
    assert "We koken samen." in public.content()
    public.goto(f"{live_server.url}/lieux/{LIEU}/poster?week={MONDAY.isoformat()}")
    assert "Gedeelde maaltijd" in public.content() and "Repas partagé" not in public.content()
    dutch.close()
