"""In Chromium: a network admin onboards a lieu from a phone (creates it, invites its first
co-manager, who joins with the link), and the admin pages pass axe-core in fr/nl/en.
Screenshots at 320 px and 1280 px, light and dark, go to var/screenshots/admin/."""

from datetime import UTC, datetime

import pytest

from tests.conftest import axe_violations
from tests.people import add_member, new_token_for
from tests.screenshots import shot

PHONE = {"width": 360, "height": 740}
PAGES = {
    "lieux": "/admin",
    "attention": "/admin?attention=1",
    "new": "/admin/lieux/new",
    "helplines": "/admin/helplines",
    "audit": "/admin/audit",
}


def _signed_in_context(browser, live_server, seeded_path, *, viewport, scheme="light"):
    context = browser.new_context(locale="fr-BE", viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    # the live server reads the real clock: the link must be valid now
    admin = add_member(seeded_path, "Coordination", admin=True)
    token = new_token_for(seeded_path, admin, at=datetime.now(UTC))
    page.goto(f"{live_server.url}/signin/{token}")
    page.get_by_role("button", name="Se connecter sur cet appareil").click()
    page.get_by_role("heading", name="Bonjour Coordination").wait_for()
    return context, page


def test_admin_creates_a_lieu_and_its_co_manager_joins(browser, live_server, seeded_path):
    context, page = _signed_in_context(browser, live_server, seeded_path, viewport=PHONE)
    page.get_by_role("link", name="Administration du réseau").click()
    page.get_by_role("heading", name="Les lieux du réseau").wait_for()
    page.get_by_role("link", name="Ajouter un lieu").click()
    page.get_by_role("heading", name="Nouveau lieu").wait_for()
    # a wrong postcode first: the error is next to the field, what was typed is kept
    page.get_by_label("Nom", exact=True).fill("Le Phare")
    page.get_by_label("Adresse (rue et numéro)").fill("Rue Haute 12")
    page.get_by_label("Code postal").fill("4000")
    page.get_by_label("Commune").select_option("Bruxelles")
    page.get_by_role("button", name="Créer le lieu").click()
    error = page.locator("#postcode-error")
    error.wait_for()
    assert "1000 à 1299" in error.text_content()
    assert page.get_by_label("Adresse (rue et numéro)").input_value() == "Rue Haute 12"
    shot(page, "admin/phone-new-lieu-errors", full_page=True)
    page.get_by_label("Code postal").fill("1000")
    page.get_by_role("button", name="Créer le lieu").click()
    page.get_by_role("heading", name="Invitations — Le Phare").wait_for()
    assert "/manage/le-phare/invites?done=lieu-created" in page.url
    page.get_by_label("co-gestionnaire (modifie l'agenda, les horaires, invite)").check()
    page.get_by_role("button", name="Créer le lien").click()
    link = page.locator("#invite-link").text_content().strip()
    assert link.startswith(f"{live_server.url}/join/")
    assert page.locator("figure.qr svg").count() == 1
    shot(page, "admin/phone-invite-created", full_page=True)
    # the co-manager, on their own phone
    other = browser.new_context(locale="fr-BE", viewport=PHONE)
    phone = other.new_page()
    phone.goto(link)
    phone.get_by_label("Votre nom").fill("Nadia")
    phone.get_by_role("button", name="Rejoindre").click()
    phone.get_by_role("heading", name="Bienvenue, Nadia").wait_for()
    phone.goto(f"{live_server.url}/me")
    phone.get_by_role("link", name="Le Phare").wait_for()
    other.close()
    # back on /admin the new lieu has its co-manager, and its hours are unknown
    page.goto(f"{live_server.url}/admin")
    card = page.locator("#lieu-le-phare")
    assert "inconnus" in card.text_content()
    assert card.locator("dt:has-text('Co-gestionnaires') + dd").text_content().strip() == "1"
    shot(page, "admin/phone-lieux-after", full_page=True)
    # the page fits the phone: nothing scrolls sideways
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_admin_pages_pass_axe(browser, live_server, seeded_path, axe_source, lang):
    context, page = _signed_in_context(
        browser, live_server, seeded_path, viewport={"width": 320, "height": 640}
    )
    for name, url in PAGES.items():
        sep = "&" if "?" in url else "?"
        page.goto(f"{live_server.url}{url}{sep}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page, axe_source) == [], (name, lang)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (name, width)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_admin_pages_screenshots(browser, live_server, seeded_path, scheme, width):
    context, page = _signed_in_context(
        browser, live_server, seeded_path, viewport={"width": width, "height": 800}, scheme=scheme
    )
    for name, url in PAGES.items():
        page.goto(f"{live_server.url}{url}")
        if name == "helplines":
            page.locator("details summary").first.click()
        shot(page, f"admin/{name}-{width}-{scheme}", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.goto(f"{live_server.url}/admin")
    page.get_by_role("button", name="Créer un lien d'invitation administrateur").click()
    page.get_by_role("heading", name="Invitation administrateur").wait_for()
    shot(page, f"admin/admin-invite-{width}-{scheme}", full_page=True)
    context.close()
