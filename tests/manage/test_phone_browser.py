"""In Chromium on a 320 px phone: links to hand over (personal sign-in link, invite) are shown
whole and offer "Copier" / "Partager" where the browser can; the activity form says which
weekday a repetition takes as the date changes. Screenshots go to var/screenshots/manage/."""

from datetime import UTC, datetime

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from tests.conftest import axe_violations
from tests.screenshots import shot

LIEU = "circuit"
PHONE = {"width": 320, "height": 640}
# Web Share as a phone has it: records what was shared instead of opening a share sheet.
FAKE_SHARE = """
  navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };
  navigator.canShare = () => true;
"""
# A desktop Chromium on Linux has no Web Share: make sure of it whatever the build.
NO_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"


def new_invite(seeded_path, base_url: str, role="co-manager") -> str:
    db = database.connect(seeded_path)
    link = issue_invite(
        db, lieu_id=get_lieu(db, LIEU).id, role=role, base_url=base_url, now=datetime.now(UTC)
    )
    db.close()
    return link


@pytest.fixture
def phone(browser, live_server):
    made = []

    def open_page(*, script: str = "", javascript: bool = True):
        context = browser.new_context(
            locale="fr-BE", viewport=PHONE, java_script_enabled=javascript
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        if script:
            context.add_init_script(script)
        made.append(context)
        return context.new_page()

    yield open_page
    for context in made:
        context.close()


def join(page, link: str, name: str) -> None:
    page.goto(link)
    page.get_by_label("Votre nom").fill(name)
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_role("heading", name=f"Bienvenue, {name}").wait_for()


def fits(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
          const el = document.querySelector(selector), box = el.getBoundingClientRect();
          return {right: box.right, cut: el.scrollWidth - el.clientWidth,
                  page: document.documentElement.scrollWidth};
        }""",
        selector,
    )


def test_the_personal_link_is_whole_and_copied_with_feedback(
    live_server, seeded_path, phone, axe_source
):
    page = phone(script=NO_SHARE)
    join(page, new_invite(seeded_path, live_server.url), "Claire")
    link = page.locator("#sign-in-link")
    text = link.text_content().strip()
    assert text.startswith(f"{live_server.url}/signin/") and len(text) > 60
    # Whole and wrapped inside a 320 px screen: nothing cut, nothing to scroll sideways.
    geometry = fits(page, "#sign-in-link")
    assert geometry["cut"] == 0 and geometry["right"] <= 320 and geometry["page"] <= 320
    assert link.bounding_box()["height"] > 40  # on several lines
    assert not page.get_by_role("button", name="Partager le lien").is_visible()
    copy = page.get_by_role("button", name="Copier le lien")
    assert copy.is_visible() and copy.bounding_box()["height"] >= 40
    shot(page, "manage/welcome-320-before-copy", full_page=True)
    copy.click()
    page.get_by_role("status").filter(has_text="Lien copié").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text
    shot(page, "manage/welcome-320-copied", full_page=True)
    assert axe_violations(page, axe_source) == []


def test_where_web_share_exists_the_link_is_shared(live_server, seeded_path, phone):
    page = phone(script=FAKE_SHARE)
    join(page, new_invite(seeded_path, live_server.url), "Claire")
    text = page.locator("#sign-in-link").text_content().strip()
    page.get_by_role("button", name="Partager le lien").click()
    page.get_by_role("status").filter(has_text="Lien partagé").wait_for()
    shared = page.evaluate("window.__shared")
    assert shared == {"title": "Mon lien personnel de connexion", "url": text}
    assert page.get_by_role("button", name="Copier le lien").is_visible()


def test_an_invite_created_in_the_page_offers_copy_too(live_server, seeded_path, phone):
    # The invite form is boosted by htmx: the new page is swapped in, its buttons shown all the
    # same.
    page = phone(script=NO_SHARE)
    join(page, new_invite(seeded_path, live_server.url), "Claire")
    page.goto(f"{live_server.url}/manage/{LIEU}/invites")
    page.get_by_label("membre (propose des activités)").check()
    page.get_by_role("button", name="Créer le lien").click()
    link = page.locator("#invite-link")
    link.wait_for()
    assert link.text_content().strip().startswith(f"{live_server.url}/join/")
    assert fits(page, "#invite-link")["cut"] == 0
    page.get_by_role("button", name="Copier le lien").click()
    page.get_by_role("status").filter(has_text="Lien copié").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link.text_content().strip()
    shot(page, "manage/invite-created-320", full_page=True)


def test_without_javascript_the_link_is_there_and_no_dead_button(live_server, seeded_path, phone):
    page = phone(javascript=False)
    join(page, new_invite(seeded_path, live_server.url), "Claire")
    assert page.locator("#sign-in-link").text_content().strip().startswith(live_server.url)
    assert fits(page, "#sign-in-link")["cut"] == 0
    for name in ("Copier le lien", "Partager le lien"):
        assert not page.get_by_role("button", name=name).is_visible()


def test_the_activity_form_says_the_weekday_as_the_date_changes(live_server, seeded_path, phone):
    page = phone()
    join(page, new_invite(seeded_path, live_server.url), "Claire")
    page.goto(f"{live_server.url}/manage/{LIEU}/activities/new")
    assert page.locator("#day-hint").text_content() == ""
    page.get_by_label("Jour", exact=True).fill("2026-12-01")
    page.locator("#day-hint").filter(has_text="C'est un mardi.").wait_for()
    assert page.locator("#repeat-weekly").text_content() == " — chaque mardi"
    assert page.locator("#repeat-monthly").text_content() == " — le 1er mardi du mois"
    page.get_by_label("Toutes les N semaines", exact=True).fill("2")
    assert page.locator("#repeat-weekly").text_content() == " — un mardi sur deux"
    page.get_by_label("Jour", exact=True).fill("2026-12-31")
    assert page.locator("#day-hint").text_content() == "C'est un jeudi."
    assert page.locator("#repeat-monthly").text_content() == " — le dernier jeudi du mois"
    shot(page, "manage/activity-new-320-weekday", full_page=True)


def test_the_new_parts_are_accessible_and_fit_320px(live_server, seeded_path, phone, axe_source):
    # Club 55's demo hours have a winter closure with its café and meals inside; Claire is its
    # only co-manager.
    db = database.connect(seeded_path)
    link = issue_invite(
        db,
        lieu_id=get_lieu(db, "club-55").id,
        role="co-manager",
        base_url=live_server.url,
        now=datetime.now(UTC),
    )
    db.close()
    page = phone()
    join(page, link, "Claire")
    problems = {}
    for path in ("/manage/club-55", "/manage/club-55/hours", "/manage/club-55/settings", link):
        page.goto(path if path.startswith("http") else live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        found = axe_violations(page, axe_source)
        if found or width > 320:
            problems[path] = (found, width)
    assert problems == {}
    # The used invite, reopened: it says so and leads to the lieu.
    page.get_by_role("heading", name="Cette invitation a déjà été utilisée").wait_for()
    page.get_by_role("link", name="Aller à la page de Club 55").click()
    page.wait_for_url(f"{live_server.url}/manage/club-55")
    assert page.get_by_text("Vous êtes la seule personne co-gestionnaire").is_visible()
    assert page.get_by_role("button", name="Rendre membre").count() == 0
