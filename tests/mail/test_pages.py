"""The member's address and choices on /me, the unsubscribe link without signing in, and the
undelivered mail on /admin."""

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import members as members_db
from lieux.db import outbox as outbox_db
from lieux.mail.models import MailPrefs, Recipient
from lieux.mail.outbox import enqueue
from lieux.settings import SmtpConfig
from tests.conftest import DEMO_NOW, make_app, make_settings
from tests.mail.conftest import MAIL_FROM
from tests.people import LIEU_A, add_member, post, sign_in

SMTP = SmtpConfig(host="127.0.0.1", port=2525, security="plain")


@pytest.fixture
def mail_client(seeded_path, clock):
    """A client on an app whose mail is on (an SMTP server nobody reaches: nothing is sent
    here, only queued)."""
    with TestClient(app=make_app(seeded_path, clock, smtp_url=SMTP, mail_from=MAIL_FROM)) as client:
        yield client


def outbox(db_path):
    db = database.connect(db_path)
    try:
        return outbox_db.list_messages(db)
    finally:
        db.close()


def prefs_of(db_path, member_id) -> MailPrefs:
    db = database.connect(db_path)
    try:
        return members_db.mail_prefs(db, member_id)
    finally:
        db.close()


def signed_in(client, db_path, name="Anne"):
    member_id = add_member(db_path, name, {LIEU_A: "co-manager"})
    return member_id, sign_in(client, db_path, member_id)


def test_me_offers_an_optional_address_with_everything_ticked(client, seeded_path):
    signed_in(client, seeded_path)
    page = client.get("/me").text
    assert (
        'name="email"' in page
        and 'type="email"' in page
        and "required" not in page.split('name="email"')[1].split(">")[0]
    )
    for topic in ("campaigns", "reports"):
        assert f'type="checkbox" name="mail_{topic}" value="1" checked' in page
    # The weekly digest goes to the network's admins only: its choice is kept, not shown.
    assert '<input type="hidden" name="mail_digest" value="1">' in page
    assert "Ce site n'envoie pas encore d'e-mails" in page  # no SMTP in this app


def test_an_address_given_on_a_dutch_page_gets_dutch_mail(mail_client, seeded_path):
    member_id, token = signed_in(mail_client, seeded_path)
    data = {"email": " anne@example.org ", "mail_campaigns": "1", "mail_digest": "1"}
    response = post(mail_client, token, "/me/email?lang=nl", data)
    assert response.status_code == 303 and response.headers["location"] == "/me?saved=email#email"
    prefs = prefs_of(seeded_path, member_id)
    assert prefs == MailPrefs(
        email="anne@example.org",
        email_lang="nl",
        mail_campaigns=True,
        mail_reports=False,  # unticked
        mail_digest=True,
    )
    [note] = outbox(seeded_path)
    assert (note.recipient, note.lang, note.member_id) == ("anne@example.org", "nl", member_id)
    assert note.subject == "Uw e-mailadres is opgeslagen" and note.topic is None
    # Saving the same address again writes no second note.
    assert post(mail_client, token, "/me/email", data).status_code == 303
    assert len(outbox(seeded_path)) == 1
    assert "anne@example.org" in mail_client.get("/me").text  # to the member themself


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("anne example.org", "Adresse e-mail invalide"),
        ("anne@example", "Adresse e-mail invalide"),
        ("anne@@example.org", "Adresse e-mail invalide"),
        ("anne@exa mple.org", "Adresse e-mail invalide"),
        ('"anne"@example.org', "Adresse e-mail invalide"),
        ("<b>anne</b>@example.org", "Pas de balises HTML ici."),
        ("a" * 250 + "@example.org", "Trop long"),
    ],
)
def test_a_wrong_address_is_refused_and_nothing_changes(mail_client, seeded_path, address, message):
    member_id, token = signed_in(mail_client, seeded_path)
    response = post(mail_client, token, "/me/email", {"email": address})
    assert response.status_code == 400 and message in response.text
    assert 'aria-invalid="true"' in response.text
    assert prefs_of(seeded_path, member_id) == MailPrefs()
    assert outbox(seeded_path) == []


def test_an_unknown_field_is_refused(mail_client, seeded_path):
    _member_id, token = signed_in(mail_client, seeded_path)
    response = post(mail_client, token, "/me/email", {"email": "", "is_admin": "1"})
    assert response.status_code == 400 and "Champ inconnu." in response.text


def test_an_address_can_be_removed(mail_client, seeded_path):
    member_id, token = signed_in(mail_client, seeded_path)
    post(mail_client, token, "/me/email", {"email": "anne@example.org", "mail_reports": "1"})
    assert post(mail_client, token, "/me/email", {"email": ""}).status_code == 303
    assert prefs_of(seeded_path, member_id).email is None


def test_the_address_is_nowhere_public(mail_client, seeded_path):
    _member_id, token = signed_in(mail_client, seeded_path)
    post(mail_client, token, "/me/email", {"email": "anne.private@example.org"})
    visitor = TestClient(app=make_app(seeded_path))
    with visitor:
        for path in ("/", f"/lieux/{LIEU_A}", "/api/lieux", f"/api/lieux/{LIEU_A}", "/agenda"):
            response = visitor.get(path)
            assert response.status_code == 200, path
            assert "anne.private" not in response.text, path


def queued(db_path, *, topic="reports", member_id=None, address="anne@example.org") -> str:
    """A queued message's unsubscribe token."""
    db = database.connect(db_path)
    settings = make_settings(db_path, smtp_url=SMTP, mail_from=MAIL_FROM)
    to = Recipient(address=address, lang="nl", member_id=member_id)
    message_id = enqueue(
        db,
        to=to,
        template="address_added",
        context={"name": "Anne"},
        topic=topic,
        settings=settings,
        now=DEMO_NOW,
    )
    token = outbox_db.get_message(db, message_id).unsubscribe_token
    db.close()
    return token


def with_address(db_path, email="anne@example.org") -> int:
    member_id = add_member(db_path, "Anne", {LIEU_A: "co-manager"})
    db = database.connect(db_path)
    members_db.set_mail_prefs(db, member_id, MailPrefs(email=email))
    db.close()
    return member_id


def test_the_unsubscribe_link_works_without_signing_in_and_sets_no_cookie(client, seeded_path):
    member_id = with_address(seeded_path)
    token = queued(seeded_path, member_id=member_id)
    page = client.get(f"/unsubscribe/{token}?lang=nl")
    assert page.status_code == 200
    assert page.headers.get_list("set-cookie") == []
    assert "a***@example.org" in page.text and "anne@example.org" not in page.text
    assert 'lang="nl"' in page.text
    assert prefs_of(seeded_path, member_id).mail_reports  # opening it changes nothing
    # The confirm button: no session, no CSRF cookie or token.
    done = client.post(f"/unsubscribe/{token}?lang=nl")
    assert done.status_code == 200 and done.headers.get_list("set-cookie") == []
    assert "Gedaan" in done.text
    prefs = prefs_of(seeded_path, member_id)
    assert (prefs.mail_reports, prefs.mail_campaigns, prefs.email) == (
        False,
        True,
        "anne@example.org",
    )


def test_a_mail_apps_one_click_post_unsubscribes(client, seeded_path):
    member_id = with_address(seeded_path)
    token = queued(seeded_path, topic="campaigns", member_id=member_id)
    response = client.post(
        f"/unsubscribe/{token}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert not prefs_of(seeded_path, member_id).mail_campaigns


def test_a_lieus_own_address_is_suppressed_by_its_link(client, seeded_path):
    token = queued(seeded_path, topic="campaigns", address="contact@lieu.example.org")
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    db = database.connect(seeded_path)
    assert outbox_db.is_suppressed(db, "contact@lieu.example.org", "campaigns")
    db.close()


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300])
def test_an_unknown_unsubscribe_link_is_a_404_page(client, token):
    for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
        assert response.status_code == 404
        assert "<html" in response.text and "Ce lien de désinscription" in response.text


def test_the_admin_sees_undelivered_mail(client, seeded_path):
    admin = add_member(seeded_path, "Admin", admin=True)
    sign_in(client, seeded_path, admin)
    assert 'id="undelivered"' not in client.get("/admin").text  # nothing to show: no section
    queued(seeded_path, address="gone@example.org")
    token_ok = queued(seeded_path, address="fine@example.org")
    assert token_ok
    db = database.connect(seeded_path)
    [gone, _fine] = sorted(outbox_db.list_messages(db), key=lambda m: m.id)
    claimed = outbox_db.claim_next(db, holder="h", now=DEMO_NOW)
    assert claimed.id == gone.id
    error = "550 5.1.1 <gone@example.org>: no such user"
    outbox_db.mark_given_up(db, gone.id, "h", state="undeliverable", error=error)
    db.close()
    page = client.get("/admin").text
    section = page.split('id="undelivered"')[1].split("</section>")[0]
    assert "gone@example.org" in section and "refusé par le serveur" in section
    assert "550 5.1.1 &lt;gone@example.org&gt;: no such user" in section
    assert "fine@example.org" not in section
    assert "lieux outbox retry" in section
