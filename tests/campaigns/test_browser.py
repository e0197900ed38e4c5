"""In Chromium on a 360 px phone, against a real `lieux serve` and a real SMTP server on
127.0.0.1: the coordinator starts a campaign, the e-mail arrives, its link opens the check page
in a browser that never signed in, "Tout est juste", and the coordinator's page says
"confirmé" while /api/lieux carries the new verified date. Every new page passes axe-core in
French, Dutch and English; screenshots at 360 and 1280 px land in var/screenshots/campaigns/."""

import re
import time
from datetime import UTC, datetime

import httpx
import pytest

from lieux.i18n import translations
from tests.campaigns.conftest import LINK, with_address
from tests.conftest import axe_violations
from tests.live_server import LiveServer
from tests.mail.conftest import MAIL_FROM, SMTP_PASSWORD, SMTP_USER
from tests.people import LIEU_A, add_member, new_token_for
from tests.screenshots import shot

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The server's sender looks at the outbox every 5 seconds.
MAIL_WAIT_S = 30


def _t(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


@pytest.fixture
def mail_server(seeded_path, smtp_server):
    mailbox, config = smtp_server
    env = {
        "LIEUX_SMTP_URL": f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{config.port}",
        "LIEUX_MAIL_FROM": MAIL_FROM,
    }
    server = LiveServer(seeded_path, env=env)
    yield server, mailbox
    server.stop()


def _admin(browser, server, seeded_path, lang: str, viewport=PHONE):
    """A browser context signed in as a network admin, in `lang`."""
    context = browser.new_context(locale=f"{lang}-BE", viewport=viewport)
    page = context.new_page()
    member_id = add_member(seeded_path, f"Coordination {lang}", admin=True)
    token = new_token_for(seeded_path, member_id, at=datetime.now(UTC))
    page.goto(f"{server.url}/signin/{token}?lang={lang}")
    page.locator("form[action^='/signin/'] button").click()
    page.wait_for_url(re.compile(r".*/me$"))
    return context, page


def _fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_campaign_by_e_mail_answered_from_a_phone(browser, mail_server, seeded_path):
    server, mailbox = mail_server
    with_address(seeded_path, "Ana", "ana@example.org")
    context, page = _admin(browser, server, seeded_path, "fr")
    page.goto(f"{server.url}/admin/campaigns")
    page.get_by_role("link", name="Nouvelle campagne").click()
    page.get_by_label("Nom de la campagne").fill("Horaires de fin d'année")
    shot(page, "campaigns/phone-new-fr", full_page=True)
    _fits(page)
    started = time.monotonic()
    page.get_by_role("button", name="Lancer la campagne").click()
    page.get_by_role("status").wait_for()
    assert "Campagne lancée" in page.get_by_role("status").text_content()
    shot(page, "campaigns/phone-campaign-fr", full_page=True)
    _fits(page)
    # The e-mail arrives at the SMTP server, sent by the server's own sender.
    deadline = time.monotonic() + MAIL_WAIT_S
    while not mailbox.received and time.monotonic() < deadline:
        time.sleep(0.2)
    [mail] = mailbox.received
    assert mail["To"] == "ana@example.org"
    assert mail["Subject"] == "Horaires de fin d'année : vérifiez les informations de Babel'Zin"
    found = LINK.search(mail.get_body(("plain",)).get_content())
    link = f"{server.url}{found[1]}?lang={found[2]}"
    # A phone that never signed in opens it.
    phone = browser.new_context(locale="fr-BE", viewport=PHONE)
    check = phone.new_page()
    check.goto(link)
    check.get_by_role("heading", name="Babel'Zin", level=1).wait_for()
    shot(check, "campaigns/phone-check-fr", full_page=True)
    _fits(check)
    check.get_by_role("button", name="Tout est juste").click()
    check.get_by_role("status").wait_for()
    assert "Merci" in check.get_by_role("status").text_content()
    shot(check, "campaigns/phone-check-done-fr", full_page=True)
    assert phone.cookies() == []  # no session, no CSRF cookie, nothing
    phone.close()
    answered_in = time.monotonic() - started
    # The coordinator sees it.
    page.goto(f"{server.url}/admin/campaigns/1")
    card = page.locator(f"#lieu-{LIEU_A}")
    assert "confirmé" in card.text_content()
    shot(page, "campaigns/phone-campaign-answered-fr", full_page=True)
    context.close()
    lieux = {lieu["slug"]: lieu for lieu in httpx.get(f"{server.url}/api/lieux").json()}
    verified = datetime.fromisoformat(lieux[LIEU_A]["hours_verified_at"])
    assert abs((datetime.now(UTC) - verified).total_seconds()) < 120
    # Launch to answer, mail delivery included: well within the two minutes.
    assert answered_in < 60, answered_in


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_new_pages_pass_axe(browser, live_server, seeded_path, axe_source, lang):
    server = live_server
    context, page = _admin(browser, server, seeded_path, lang)
    checked = []

    def audit(name: str, target=None) -> None:
        target = target or page
        assert axe_violations(target, axe_source) == [], f"{name} ({lang})"
        _fits(target)
        shot(target, f"campaigns/phone-{name}-{lang}", full_page=True)
        checked.append(name)

    page.goto(f"{server.url}/admin/campaigns/new?lang={lang}")
    audit("new")
    # the form with its errors: no name, no section
    page.get_by_label(_t(lang, "Nom de la campagne")).fill("")
    for box in page.locator("input[name=sections]").all():
        box.uncheck()
    page.get_by_role("button", name=_t(lang, "Lancer la campagne")).click()
    page.locator("#name-error").wait_for()
    audit("new-errors")
    page.get_by_label(_t(lang, "Nom de la campagne")).fill("Horaires d'hiver")
    page.locator("input[name=sections]").first.check()
    page.locator("input[name=sections][value=facts]").check()
    page.get_by_role("button", name=_t(lang, "Lancer la campagne")).click()
    page.get_by_role("status").wait_for()
    audit("campaign")
    page.get_by_role("button", name=_t(lang, "Créer les liens à copier")).click()
    page.locator(".copy-links").wait_for()
    audit("links")
    link = page.locator(".copy-links .link").first.text_content().strip()
    page.goto(f"{server.url}/admin/campaigns?lang={lang}")
    audit("list")
    page.goto(f"{server.url}/admin/campaigns/1/lieux/{LIEU_A}?lang={lang}")
    page.get_by_role("button", name=_t(lang, "Noter la réponse")).click()
    page.locator("#outcome-error").wait_for()
    audit("lieu-errors")
    # The pages a link opens, in a browser that never signed in.
    phone = browser.new_context(locale=f"{lang}-BE", viewport=PHONE)
    check = phone.new_page()
    for suffix, name in [("", "check"), ("/hours", "check-hours"), ("/facts", "check-facts")]:
        check.goto(f"{link}{suffix}?lang={lang}")
        audit(name, check)
    check.get_by_label(_t(lang, "Code postal")).fill("99")
    check.locator("form.profile button[type=submit]").click()
    check.locator("#postcode-error").wait_for()
    audit("check-facts-errors", check)
    check.goto(f"{server.url}/check/{'z' * 43}?lang={lang}")
    audit("check-refused", check)
    assert phone.cookies() == []
    phone.close()
    context.close()
    assert len(checked) == 11


def test_the_pages_at_1280_px(browser, live_server, seeded_path):
    """The coordinator works at a desk too: the same pages, wide."""
    context, page = _admin(browser, live_server, seeded_path, "fr", viewport=DESKTOP)
    page.goto(f"{live_server.url}/admin/campaigns/new")
    shot(page, "campaigns/desktop-new-fr", full_page=True)
    page.get_by_label("Nom de la campagne").fill("Horaires d'été")
    page.get_by_role("button", name="Lancer la campagne").click()
    page.get_by_role("status").wait_for()
    shot(page, "campaigns/desktop-campaign-fr", full_page=True)
    page.get_by_role("button", name="Créer les liens à copier").click()
    link = page.locator(".copy-links .link").first.text_content().strip()
    shot(page, "campaigns/desktop-links-fr", full_page=True)
    page.goto(link)
    shot(page, "campaigns/desktop-check-fr", full_page=True)
    _fits(page)
    context.close()
