"""Queueing: in the caller's transaction, rendered in the recipient's language, only to people
who want that kind of mail, never without SMTP."""

import pytest

from lieux import db as database
from lieux.db import members as members_db
from lieux.db import outbox as outbox_db
from lieux.db.lieux import get_lieu
from lieux.mail.models import MailPrefs, Recipient
from lieux.mail.outbox import NotAnAddress, enqueue, lieu_recipients, unsubscribe
from lieux.mail.render import UnknownTemplate, render
from lieux.settings import SmtpConfig
from tests.conftest import DEMO_NOW, make_settings
from tests.mail.conftest import MAIL_FROM
from tests.people import LIEU_A, add_member

SMTP = SmtpConfig(host="127.0.0.1", port=2525, security="plain")


@pytest.fixture
def settings(seeded_path):
    return make_settings(seeded_path, smtp_url=SMTP, mail_from=MAIL_FROM)


@pytest.fixture
def sdb(seeded_path):
    connection = database.connect(seeded_path)
    yield connection
    connection.close()


def queue(db, settings, to, topic="reports", template="address_added"):
    context = {"name": "Zoé"}
    return enqueue(
        db,
        to=to,
        template=template,
        context=context,
        topic=topic,
        settings=settings,
        now=DEMO_NOW,
    )


def with_address(db_path, name, email, lang="fr", **choices) -> int:
    member_id = add_member(db_path, name, {LIEU_A: "co-manager"})
    db = database.connect(db_path)
    prefs = MailPrefs(email=email, email_lang=lang, **choices)
    members_db.set_mail_prefs(db, member_id, prefs)
    db.close()
    return member_id


def test_a_message_rolled_back_with_its_action_was_never_queued(sdb, settings):
    to = Recipient(address="zoe@example.org", lang="fr")

    class ActionFailed(Exception):
        pass

    with pytest.raises(ActionFailed), sdb.atomic():
        assert queue(sdb, settings, to) is not None
        raise ActionFailed
    assert outbox_db.list_messages(sdb) == []
    with sdb.atomic():
        message_id = queue(sdb, settings, to)
    assert [m.id for m in outbox_db.list_messages(sdb)] == [message_id]


def test_each_message_has_its_own_message_id_and_link(sdb, settings):
    to = Recipient(address="zoe@example.org", lang="fr")
    ids = [queue(sdb, settings, to) for _ in range(3)]
    messages = [outbox_db.get_message(sdb, i) for i in ids]
    assert len({m.message_id for m in messages}) == 3
    assert all(m.message_id.endswith("@example.org>") for m in messages)
    assert len({m.unsubscribe_token for m in messages}) == 3
    assert all(m.state == "pending" and m.next_attempt_at == DEMO_NOW for m in messages)


@pytest.mark.parametrize(
    ("lang", "subject"),
    [
        ("fr", "Votre adresse e-mail est enregistrée"),
        ("nl", "Uw e-mailadres is opgeslagen"),
        ("en", "Your e-mail address is saved"),
        ("xx", "Votre adresse e-mail est enregistrée"),  # not a language of the site: French
    ],
)
def test_rendered_in_the_recipients_language(lang, subject):
    rendered = render("address_added", lang, {"name": "Zoé", "base_url": "", "unsubscribe_url": ""})
    assert rendered.subject == subject
    assert rendered.html.startswith("<!DOCTYPE html>")


def test_the_html_body_escapes_what_people_typed():
    context = {"name": "<script>x</script>", "base_url": "https://l.be", "unsubscribe_url": "u"}
    rendered = render("address_added", "fr", context)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text  # plain text is not HTML


def test_a_subject_is_one_line_whatever_it_holds():
    assert (
        "\n"
        not in render(
            "address_added", "fr", {"name": "a\nb", "base_url": "", "unsubscribe_url": ""}
        ).subject
    )


def test_unknown_templates_are_refused():
    for name in ("../base", "nope", "Address"):
        with pytest.raises(UnknownTemplate):
            render(name, "fr", {})


def test_not_an_address_is_a_bug_upstream(sdb, settings):
    with pytest.raises(NotAnAddress):
        queue(sdb, settings, Recipient(address="zoe at example", lang="fr"))


def test_without_smtp_nothing_is_queued(sdb, seeded_path):
    settings = make_settings(seeded_path)
    assert queue(sdb, settings, Recipient(address="zoe@example.org", lang="fr")) is None
    settings = make_settings(seeded_path, smtp_url=SMTP)  # no LIEUX_MAIL_FROM: not enabled either
    assert queue(sdb, settings, Recipient(address="zoe@example.org", lang="fr")) is None
    assert outbox_db.list_messages(sdb) == []


def test_only_co_managers_with_an_address_who_want_it(sdb, seeded_path, settings):
    anne = with_address(seeded_path, "Anne", "anne@example.org", lang="nl")
    with_address(seeded_path, "Bob", "bob@example.org", mail_reports=False)
    add_member(seeded_path, "Chloé", {LIEU_A: "co-manager"})  # no address
    member = add_member(seeded_path, "Dan", {LIEU_A: "member"})
    members_db.set_mail_prefs(sdb, member, MailPrefs(email="dan@example.org"))
    lieu = get_lieu(sdb, LIEU_A)
    assert lieu_recipients(sdb, lieu.id, "reports") == [
        Recipient(address="anne@example.org", lang="nl", member_id=anne)
    ]
    assert len(lieu_recipients(sdb, lieu.id, "campaigns")) == 2  # Anne and Bob


def test_a_member_who_turned_a_topic_off_gets_none_of_it(sdb, seeded_path, settings):
    bob = with_address(seeded_path, "Bob", "bob@example.org", mail_reports=False)
    to = Recipient(address="bob@example.org", lang="fr", member_id=bob)
    assert queue(sdb, settings, to, topic="reports") is None
    assert queue(sdb, settings, to, topic="campaigns") is not None
    # An address the member no longer has is not written to in their name.
    old = Recipient(address="old@example.org", lang="fr", member_id=bob)
    assert queue(sdb, settings, old, topic="campaigns") is None


def test_unsubscribing_a_member_turns_that_topic_off(sdb, seeded_path, settings):
    anne = with_address(seeded_path, "Anne", "anne@example.org")
    to = Recipient(address="anne@example.org", lang="fr", member_id=anne)
    message = outbox_db.get_message(sdb, queue(sdb, settings, to, topic="campaigns"))
    unsubscribe(sdb, message, now=DEMO_NOW)
    prefs = members_db.mail_prefs(sdb, anne)
    assert (prefs.mail_campaigns, prefs.mail_reports, prefs.mail_digest) == (False, True, True)
    assert prefs.email == "anne@example.org"
    assert queue(sdb, settings, to, topic="campaigns") is None
    assert queue(sdb, settings, to, topic="reports") is not None


def test_the_link_of_a_message_with_no_topic_removes_the_address(sdb, seeded_path, settings):
    anne = with_address(seeded_path, "Anne", "anne@example.org")
    to = Recipient(address="anne@example.org", lang="fr", member_id=anne)
    message = outbox_db.get_message(sdb, queue(sdb, settings, to, topic=None))
    unsubscribe(sdb, message, now=DEMO_NOW)
    assert members_db.mail_prefs(sdb, anne).email is None
    assert lieu_recipients(sdb, get_lieu(sdb, LIEU_A).id, "reports") == []


def test_an_address_that_is_no_members_is_suppressed(sdb, settings):
    lieu_address = Recipient(address="Contact@Lieu.example.org", lang="fr")
    message = outbox_db.get_message(sdb, queue(sdb, settings, lieu_address, topic="campaigns"))
    unsubscribe(sdb, message, now=DEMO_NOW)
    unsubscribe(sdb, message, now=DEMO_NOW)  # twice: nothing more
    assert queue(sdb, settings, lieu_address, topic="campaigns") is None
    other_case = Recipient(address="contact@lieu.example.org", lang="fr")
    assert queue(sdb, settings, other_case, topic="campaigns") is None
    assert queue(sdb, settings, lieu_address, topic="reports") is not None
