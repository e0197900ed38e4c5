"""In Chromium on a 360 px phone: a co-manager enters summer hours as a period in the hours
editor; the preview says when they begin, the public pages announce them (10 days ahead, within
LIEUX_ANNOUNCE_DAYS). The live server runs on the real clock: the dates are drawn from it.
Screenshots (360 and 1280 px) go to var/screenshots/hours/."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from tests.conftest import axe_violations
from tests.screenshots import shot

LIEU = "circuit"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def test_a_co_manager_enters_summer_hours_at_360px(live_server, seeded_path, browser, axe_source):
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Europe/Brussels")).date()
    start, end = today + timedelta(days=10), today + timedelta(days=40)
    db = database.connect(seeded_path)
    link = issue_invite(
        db, lieu_id=get_lieu(db, LIEU).id, role="co-manager", base_url=live_server.url, now=now
    )
    db.close()
    context = browser.new_context(locale="fr-BE", viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Votre nom").fill("Claire")
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_role("heading", name="Bienvenue, Claire").wait_for()

    page.goto(f"{live_server.url}/manage/{LIEU}/hours")
    page.locator("summary", has_text="Ajouter une période").first.click()
    page.get_by_label("Nom (ex. Horaires d'été, Pendant les travaux)").first.fill("Horaires d'été")
    page.get_by_label("Premier jour").first.fill(start.isoformat())
    page.get_by_label("Dernier jour").first.fill(end.isoformat())
    for day in ("mardi", "mercredi"):
        page.get_by_label(f"{day}, ouverture 1").nth(1).fill("10:00")
        page.get_by_label(f"{day}, fermeture 1").nth(1).fill("14:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "hours/hours-period-360-typed", full_page=True)
    page.get_by_role("button", name="Enregistrer les horaires").click()
    page.wait_for_load_state()

    first_day = format_date(start, "d MMMM", locale="fr_BE")
    changes = page.locator(".hour-changes").text_content()
    assert "Horaires d'été" in changes and "mardi 10:00–14:00" in changes
    assert page.locator("summary", has_text="Horaires d'été").count() == 1
    problems = {}
    for width, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(viewport)
        for name, path in (
            ("editor", f"/manage/{LIEU}/hours"),
            ("lieu", f"/lieux/{LIEU}"),
            ("directory", "/lieux"),
            ("home", "/"),  # the widget and the helplines (which answer now, which apart)
        ):
            page.goto(live_server.url + path)
            if name in ("lieu", "directory"):
                said = " ".join(page.locator("main").inner_text().split())
                assert f"Horaires d'été à partir du {first_day}" in said.replace("1er", "1"), path
            shot(page, f"hours/hours-period-{width}-{name}", full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            found = axe_violations(page, axe_source)
            if found or scroll > viewport["width"]:
                problems[(width, path)] = (found, scroll)
    assert problems == {}
    context.close()
