"""In Chromium: a co-manager joins from an invite on a 320 px phone, fills the lieu profile with
a Dutch description, meets an inline error, saves, and the Dutch lieu page shows the Dutch text;
the profile form and the lieu page pass axe-core in FR/NL/EN and fit 320 px. Screenshots (light
and dark, 320 px and 1280 px) go to var/screenshots/profile/."""

from datetime import UTC, datetime

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from tests.conftest import axe_violations
from tests.screenshots import shot

LIEU = "babel-zin"
SIZES = {"320": {"width": 320, "height": 640}, "1280": {"width": 1280, "height": 900}}


def invite(seeded_path, base_url: str) -> str:
    db = database.connect(seeded_path)
    link = issue_invite(
        db, lieu_id=get_lieu(db, LIEU).id, role="co-manager", base_url=base_url,
        now=datetime.now(UTC),
    )  # fmt: skip
    db.close()
    return link


@pytest.fixture
def joined(browser, live_server, seeded_path):
    """A 320 px phone context signed in as a new co-manager of LIEU (its storage state)."""
    context = browser.new_context(locale="fr-BE", viewport=SIZES["320"])
    page = context.new_page()
    page.goto(invite(seeded_path, live_server.url))
    page.get_by_label("Votre nom").fill("Nadia")
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_role("heading", name="Bienvenue, Nadia").wait_for()
    yield context, page
    context.close()


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_co_manager_fills_the_profile_on_a_phone(live_server, joined, axe_source, browser):
    context, page = joined
    page.goto(f"{live_server.url}/manage/{LIEU}")
    page.get_by_role("link", name="Fiche du lieu").click()
    page.get_by_role("heading", name="Fiche du lieu — Babel'Zin").wait_for()
    page.get_by_label("Description en néerlandais (facultatif)").fill("Een plek om te landen.")
    page.get_by_label("Code postal").fill("7000")
    page.get_by_label("Arabe").check()
    page.get_by_role("radio", name="gratuit").check()
    page.get_by_role("button", name="Enregistrer la fiche").click()
    error = page.locator("#postcode-error")
    error.wait_for()
    assert error.inner_text() == "Un code postal bruxellois : de 1000 à 1299."
    # What was typed is kept, the field says it is invalid and is described by its error.
    field = page.get_by_label("Code postal")
    assert field.input_value() == "7000"
    assert field.get_attribute("aria-invalid") == "true"
    assert "postcode-error" in field.get_attribute("aria-describedby")
    assert page.get_by_label("Description en néerlandais (facultatif)").input_value() == (
        "Een plek om te landen."
    )
    assert page.get_by_label("Arabe").is_checked()
    assert width(page) <= 320
    assert axe_violations(page, axe_source) == []
    shot(page, "profile/profile-errors-320-light", full_page=True)
    state = context.storage_state()
    for scheme in ("light", "dark"):
        for size, viewport in SIZES.items():
            if (scheme, size) == ("light", "320"):
                continue
            other = browser.new_context(
                locale="fr-BE", viewport=viewport, color_scheme=scheme, storage_state=state
            )
            look = other.new_page()
            look.goto(f"{live_server.url}/manage/{LIEU}/profile")
            look.get_by_label("Code postal").fill("7000")
            look.get_by_label("Site web").fill("ftp://exemple")
            look.get_by_role("button", name="Enregistrer la fiche").click()
            look.locator("#website-error").wait_for()
            shot(look, f"profile/profile-errors-{size}-{scheme}", full_page=True)
            other.close()
    field.fill("1160")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.get_by_text("Fiche enregistrée.").wait_for()
    page.goto(f"{live_server.url}/lieux/{LIEU}?lang=nl")
    assert page.locator("p.lead").inner_text() == "Een plek om te landen."
    assert page.get_by_text("Arabisch").is_visible()
    assert page.get_by_text("gratis", exact=True).is_visible()
    assert width(page) <= 320
    for scheme in ("light", "dark"):
        for size, viewport in SIZES.items():
            other = browser.new_context(locale="nl-BE", viewport=viewport, color_scheme=scheme)
            look = other.new_page()
            look.goto(f"{live_server.url}/lieux/{LIEU}?lang=nl")
            shot(look, f"profile/lieu-nl-{size}-{scheme}", full_page=True)
            other.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_profile_and_lieu_pages_are_accessible(live_server, joined, axe_source, lang):
    _context, page = joined
    problems = {}
    for path in (f"/manage/{LIEU}/profile", f"/manage/{LIEU}/hours", f"/lieux/{LIEU}"):
        page.goto(f"{live_server.url}{path}?lang={lang}")
        found = axe_violations(page, axe_source)
        if found or width(page) > 320:
            problems[path] = (found, width(page))
    assert problems == {}


def test_the_stale_reminder_is_one_tap_on_the_dashboard(live_server, browser, seeded_path):
    """Le Delta's demo hours were confirmed long ago: its dashboard asks, one tap answers."""
    db = database.connect(seeded_path)
    link = issue_invite(
        db, lieu_id=get_lieu(db, "le-delta").id, role="co-manager", base_url=live_server.url,
        now=datetime.now(UTC),
    )  # fmt: skip
    db.close()
    context = browser.new_context(locale="fr-BE", viewport=SIZES["320"])
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Votre nom").fill("Omar")
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_role("heading", name="Bienvenue, Omar").wait_for()
    page.goto(f"{live_server.url}/manage/le-delta")
    reminder = page.locator("#hours-reminder")
    assert "Horaires à confirmer" in reminder.inner_text()
    shot(page, "profile/dashboard-reminder-320-light", full_page=True)
    page.get_by_role("button", name="Les horaires sont toujours justes").click()
    page.get_by_text("les horaires sont notés comme vérifiés").wait_for()
    assert page.locator("#hours-reminder").count() == 0
    page.goto(f"{live_server.url}/lieux/le-delta")
    assert "Horaires vérifiés le" in page.locator(".hours-verified").inner_text()
    context.close()
