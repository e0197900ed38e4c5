"""In Chromium, in French and Dutch, at 360 px and 1280 px: a network admin archives a lieu and
removes a helpline (each asked first, then said where it happened, with its undo), and creates
a lieu, whose invites page says so and invites a co-manager first (issue 23). Screenshots go to
var/screenshots/admin/ux-*.png."""

from datetime import UTC, datetime

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu, list_helplines
from lieux.i18n import translations
from lieux.manage.notices import NOTICES
from tests import screenshots
from tests.conftest import axe_violations
from tests.people import add_member, new_token_for

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
CASES = [("fr", "phone"), ("nl", "phone"), ("fr", "desktop"), ("nl", "desktop")]


def notice_text(lang: str, key: str) -> str:
    return translations(lang).gettext(NOTICES[key].text)


@pytest.fixture
def admin_page(browser, live_server, seeded_path):
    made = []

    def open_page(lang, size):
        member = add_member(seeded_path, f"Coordination {len(made)}", admin=True)
        context = browser.new_context(
            locale={"fr": "fr-BE", "nl": "nl-BE"}[lang], viewport=SIZES[size]
        )
        made.append(context)
        page = context.new_page()
        page.goto(
            f"{live_server.url}/signin/{new_token_for(seeded_path, member, at=datetime.now(UTC))}"
        )
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/me")
        return page

    yield open_page
    for context in made:
        context.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
             return box.top >= -2 && box.top < window.innerHeight; }""",
        selector,
    )


def shot(page, name: str) -> None:
    screenshots.shot(page, f"admin/ux-{name}-{page.viewport_size['width']}")


def archived(db_path) -> bool:
    db = database.connect(db_path)
    try:
        return get_lieu(db, "circuit", archived=True).archived_at is not None
    finally:
        db.close()


@pytest.mark.parametrize(("lang", "size"), CASES)
def test_archiving_asks_first_says_it_in_the_card_and_undoes(
    admin_page, live_server, seeded_path, axe_source, lang, size
):
    page = admin_page(lang, size)
    page.goto(f"{live_server.url}/admin")
    card = page.locator("#lieu-circuit")
    card.locator("details.confirm summary").click()
    confirm = card.locator(".confirm-box")
    assert confirm.is_visible() and not archived(seeded_path)
    shot(page, f"archive-confirm-{lang}")
    assert axe_violations(page, axe_source) == []
    confirm.get_by_role("button").click()
    page.wait_for_url("**done=lieu-archived**")
    assert archived(seeded_path)
    # Not thrown back to the top: at the card, focused, saying it with its undo.
    assert focused(page) == "lieu-circuit" and in_view(page, "#lieu-circuit")
    status = page.locator("#lieu-circuit [role=status]")
    assert notice_text(lang, "lieu-archived") in status.text_content()
    shot(page, f"archived-{lang}")
    assert axe_violations(page, axe_source) == []
    status.get_by_role("button").click()
    page.wait_for_url("**done=version-restored**")
    assert not archived(seeded_path) and focused(page) == "lieu-circuit"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


@pytest.mark.parametrize(("lang", "size"), [("fr", "phone"), ("nl", "phone")])
def test_removing_a_helpline_asks_first_and_can_be_undone(
    admin_page, live_server, seeded_path, axe_source, lang, size
):
    page = admin_page(lang, size)
    page.goto(f"{live_server.url}/admin/helplines")
    row = page.locator("#helpline-2")
    row.locator("details.confirm summary").click()
    shot(page, f"helpline-confirm-{lang}")
    names = [h.name for h in list_helplines(database.connect(seeded_path))]
    assert "Tele-Onthaal" in names
    row.locator(".confirm-box button").click()
    page.wait_for_url("**done=helpline-removed**")
    # Its row is gone: the notice is on top, focused, with the undo.
    assert focused(page) == "notice" and in_view(page, "#notice")
    assert notice_text(lang, "helpline-removed") in page.locator("#notice").text_content()
    shot(page, f"helpline-removed-{lang}")
    assert axe_violations(page, axe_source) == []
    page.locator("#notice button").click()
    page.wait_for_url("**done=version-restored**")
    names = [h.name for h in list_helplines(database.connect(seeded_path))]
    assert "Tele-Onthaal" in names


@pytest.mark.parametrize(("lang", "size"), [("fr", "phone"), ("nl", "phone"), ("nl", "desktop")])
def test_a_new_lieu_says_so_and_invites_its_co_manager_first(
    admin_page, live_server, axe_source, lang, size
):
    page = admin_page(lang, size)
    page.goto(f"{live_server.url}/admin/lieux/new")
    page.locator("#name").fill("Le Phare")
    page.locator("#address").fill("Rue Haute 12")
    page.locator("#postcode").fill("1000")
    page.locator("#commune").select_option("Bruxelles")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/manage/le-phare/invites?done=lieu-created**")
    assert focused(page) == "invite-form"
    assert (
        notice_text(lang, "lieu-created")
        in page.locator("#invite-form [role=status]").text_content()
    )
    assert page.locator("input[name=role][value=co-manager]").is_checked()
    shot(page, f"lieu-created-{lang}")
    assert axe_violations(page, axe_source) == []
    page.locator("#invite-form button[type=submit]").click()
    said = page.locator("#invite-for")
    said.wait_for()
    assert "Le Phare" in said.text_content()
    assert translations(lang).gettext("co-gestionnaire") in said.text_content()
    shot(page, f"lieu-invite-{lang}")
