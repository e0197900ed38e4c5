"""In Chromium on a 360 px phone: a co-manager gives an address on a Dutch /me page, the note
arrives in Dutch at the test's SMTP server, and its unsubscribe link works in a browser that
never signed in. The new pages pass axe-core in fr/nl/en."""

import re
import time
from datetime import UTC, datetime

import pytest

from lieux import db as database
from lieux.db import outbox as outbox_db
from lieux.i18n import translations
from tests.conftest import axe_violations
from tests.live_server import LiveServer
from tests.mail.conftest import MAIL_FROM, SMTP_PASSWORD, SMTP_USER
from tests.people import LIEU_A, add_member, new_token_for
from tests.screenshots import shot

PHONE = {"width": 360, "height": 740}


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


def _signed_in(browser, server, seeded_path, lang, name="Nadia", **member):
    context = browser.new_context(locale=f"{lang}-BE", viewport=PHONE)
    page = context.new_page()
    member_id = add_member(seeded_path, name, {LIEU_A: "co-manager"}, **member)
    token = new_token_for(seeded_path, member_id, at=datetime.now(UTC))
    page.goto(f"{server.url}/signin/{token}?lang={lang}")
    page.locator("form[action^='/signin/'] button").click()
    page.wait_for_url(re.compile(r".*/me$"))
    return context, page


def _t(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def test_an_address_given_in_dutch_and_its_unsubscribe_link(browser, mail_server, seeded_path):
    server, mailbox = mail_server
    context, page = _signed_in(browser, server, seeded_path, "nl")
    page.get_by_label(_t("nl", "Votre adresse e-mail")).fill("nadia@example.org")
    page.get_by_label(_t("nl", "les problèmes signalés par les visiteurs sur mes lieux")).uncheck()
    page.get_by_role("button", name=_t("nl", "Enregistrer")).click()
    page.get_by_role("status").wait_for()
    shot(page, "mail/phone-me-nl", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    deadline = time.monotonic() + 30
    while not mailbox.received and time.monotonic() < deadline:
        time.sleep(0.2)
    [note] = mailbox.received
    assert note["To"] == "nadia@example.org" and note["Content-Language"] == "nl"
    assert note["Subject"] == _t("nl", "Votre adresse e-mail est enregistrée")
    text = note.get_body(("plain",)).get_content()
    link = re.search(r"(http://\S+/unsubscribe/\S+)", text)[1]
    assert link.startswith(server.url) and link.endswith("?lang=nl")
    # Another browser, never signed in, opens the link from the mail.
    stranger = browser.new_context(locale="fr-BE", viewport=PHONE)
    page = stranger.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "n***@example.org" in page.content()
    page.get_by_role("button", name=_t("nl", "Confirmer")).click()
    page.get_by_role("heading", name=_t("nl", "C'est fait")).wait_for()
    shot(page, "mail/phone-unsubscribed-nl", full_page=True)
    assert stranger.cookies() == []  # neither page set a cookie
    stranger.close()
    db = database.connect(seeded_path)
    row = db.execute(
        "SELECT email, mail_campaigns, mail_reports FROM members WHERE display_name = 'Nadia'"
    ).fetchone()
    db.close()
    assert row == (None, 1, 0)  # the note's link removes the address; the choices stay


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_new_pages_pass_axe(browser, mail_server, seeded_path, axe_source, lang):
    server, mailbox = mail_server
    mailbox.refused["coord@example.org"] = "550 5.1.1 <coord@example.org>: no such user"
    context, page = _signed_in(browser, server, seeded_path, lang, name="Coord", admin=True)
    # a wrong address first: the form with its error must pass too
    page.get_by_label(_t(lang, "Votre adresse e-mail")).fill("coord example.org")
    page.locator("form[action='/me/email']").evaluate("form => { form.noValidate = true }")
    page.get_by_role("button", name=_t(lang, "Enregistrer")).click()
    page.locator("#email-error").wait_for()
    assert axe_violations(page, axe_source) == [], f"/me with an error ({lang})"
    assert _outbox(seeded_path) == []  # nothing queued for a refused address
    page.get_by_label(_t(lang, "Votre adresse e-mail")).fill("coord@example.org")
    page.get_by_role("button", name=_t(lang, "Enregistrer")).click()
    page.get_by_role("status").wait_for()
    assert axe_violations(page, axe_source) == [], f"/me ({lang})"
    # The server's own sender meets the refusal: the admin page shows it.
    deadline = time.monotonic() + 30
    while _outbox(seeded_path)[0].state != "undeliverable" and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = _outbox(seeded_path)
    assert message.state == "undeliverable"
    page.goto(f"{server.url}/admin")
    page.locator("#undelivered").wait_for()
    assert "coord@example.org" in page.locator("#undelivered").text_content()
    assert axe_violations(page, axe_source) == [], f"/admin with undelivered mail ({lang})"
    shot(page, f"mail/phone-admin-undelivered-{lang}", full_page=True)
    for done in (False, True):
        page.goto(f"{server.url}/unsubscribe/{message.unsubscribe_token}?lang={lang}")
        if done:
            page.locator("form[action^='/unsubscribe/'] button").click()
            page.get_by_role("status").wait_for()
        assert axe_violations(page, axe_source) == [], f"/unsubscribe done={done} ({lang})"
    context.close()


def _outbox(db_path):
    db = database.connect(db_path)
    try:
        return outbox_db.list_messages(db)
    finally:
        db.close()
