"""A campaign's e-mails: to the co-managers who take campaign mail, else the lieu's public
address; each with its own link, in its reader's language; what the sender's fate of them
makes of the progress (sent, bounced); reminders after the delay; a start set for later."""

from datetime import timedelta
from html import unescape

import pytest

from lieux import db as database
from lieux.campaigns import progress
from lieux.campaigns.rounds import run_round
from lieux.db import campaigns as campaigns_db
from lieux.mail.sender import send_due
from tests.campaigns.conftest import (
    copied_links,
    lieu_of,
    link_of,
    outbox,
    query,
    start,
    with_address,
)
from tests.conftest import DEMO_NOW, make_settings
from tests.mail.conftest import MAIL_FROM
from tests.people import LIEU_A, LIEU_B

LIEU_C = "club-55"


@pytest.fixture
def addresses(seeded_path):
    """Lieu A: two co-managers who take campaign mail (fr, nl), one who does not, a member;
    lieu B: no co-manager with an address, a public address; lieu C: a co-manager who said no
    to campaigns, and a public address (not written to: he has an address)."""
    people = {
        "ana": with_address(seeded_path, "Ana", "ana@example.org"),
        "bram": with_address(seeded_path, "Bram", "bram@example.org", lang="nl"),
        "no": with_address(seeded_path, "Nope", "no@example.org", mail_campaigns=False),
        "member": with_address(seeded_path, "Mia", "mia@example.org", role="member"),
        "cleo": with_address(
            seeded_path, "Cléo", "cleo@example.org", slug=LIEU_C, mail_campaigns=False
        ),
    }
    query(
        seeded_path, "UPDATE lieux SET email = 'contact@circuit.example' WHERE slug = ?", [LIEU_B]
    )
    query(seeded_path, "UPDATE lieux SET email = 'club55@example.org' WHERE slug = ?", [LIEU_C])
    return people


def states(db_path, campaign_id=1) -> dict[str, str]:
    """{slug: progress} as the campaign's page and CSV say it."""
    db = database.connect(db_path)
    try:
        found = progress.progress(campaigns_db.rows_of(db, campaign_id))
    finally:
        db.close()
    return {item.lieu.slug: item.state for item in found}


def test_the_first_e_mails_go_to_whoever_can_answer(
    mail_client, mail_admin, addresses, seeded_path, visitor
):
    start(mail_client, mail_admin)
    sent = {m.recipient: m for m in outbox(seeded_path)}
    assert set(sent) == {"ana@example.org", "bram@example.org", "contact@circuit.example"}
    assert all(m.topic == "campaigns" and m.template == "campaign" for m in sent.values())
    ana, bram = sent["ana@example.org"], sent["bram@example.org"]
    assert ana.subject == "Horaires de fin d'année : vérifiez les informations de Babel'Zin"
    assert ana.lang == "fr" and bram.lang == "nl" and "Bram" in bram.body_text
    assert "Tout est juste" in ana.body_text and "les horaires habituels" in ana.body_text
    assert "jusqu'au 23 décembre 2026" in ana.body_text  # 30 days, the last one included
    # one personal link each, for one lieu; the HTML carries the same
    links = {address: link_of(m) for address, m in sent.items()}
    assert len(set(links.values())) == 3
    assert links["ana@example.org"] in ana.body_html
    assert "?lang=nl" in bram.body_text
    page = visitor.get(links["bram@example.org"] + "?lang=nl")
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert "Babel'Zin" in unescape(page.text)
    circuit = visitor.get(links["contact@circuit.example"])
    assert "Circuit" in circuit.text
    found = states(seeded_path)
    assert found[LIEU_A] == found[LIEU_B] == "opened" and found[LIEU_C] == "not_sent"
    assert found["le-delta"] == "not_sent"
    # The campaign page offers links to copy for the others, C among them.
    page = unescape(mail_client.get("/admin/campaigns/1").text)
    assert "9 lieux sans e-mail" in page and "Club 55" in page.split("lieux sans e-mail")[1]


def test_an_answer_through_a_members_link_is_audited_as_theirs(
    mail_client, mail_admin, addresses, seeded_path, visitor
):
    start(mail_client, mail_admin)
    ana = next(m for m in outbox(seeded_path) if m.recipient == "ana@example.org")
    assert visitor.post(link_of(ana) + "/confirm", follow_redirects=False).status_code == 303
    [(member, actor)] = query(
        seeded_path,
        "SELECT member_id, actor FROM audit_log WHERE entity = 'hours' AND lieu_id = ?",
        [lieu_of(seeded_path, LIEU_A).id],
    )
    assert (member, actor) == (addresses["ana"], "campaign")
    assert query(seeded_path, "SELECT answered_by, answer_via FROM campaign_checks WHERE id = 1")
    assert states(seeded_path)[LIEU_A] == "confirmed"


def test_no_smtp_no_e_mail_and_every_lieu_has_a_link_to_copy(client, admin, addresses, seeded_path):
    start(client, admin)
    assert outbox(seeded_path) == []
    assert len(copied_links(client, admin, 1)) == 11


def test_a_message_the_server_refuses_shows_as_bounced(
    mail_client, mail_admin, addresses, seeded_path, smtp_server, clock
):
    mailbox, config = smtp_server
    mailbox.refused["contact@circuit.example"] = "550 5.1.1 <contact@circuit.example>: unknown"
    start(mail_client, mail_admin)
    settings = make_settings(seeded_path, smtp_url=config, mail_from=MAIL_FROM)
    report = send_due(str(seeded_path), settings, clock=clock, holder="test")
    assert (report.sent, report.given_up) == (2, 1)
    found = states(seeded_path)
    assert found[LIEU_B] == "bounced" and found[LIEU_A] == "sent"
    page = unescape(mail_client.get(f"/admin/campaigns/1/lieux/{LIEU_B}").text)
    assert "non distribué" in page and "contact@circuit.example" in page
    # a bounced lieu is among those to reach by hand
    links = copied_links(mail_client, mail_admin, 1)
    assert "Circuit" in links and "Babel'Zin" not in links
    csv_rows = mail_client.get("/admin/campaigns/1.csv").content.decode("utf-8-sig")
    assert "Circuit,Bruxelles,non distribué" in csv_rows


def test_reminders_after_the_delay_to_the_lieux_that_did_not_answer(
    mail_client, mail_admin, addresses, seeded_path, visitor, clock
):
    start(mail_client, mail_admin, reminder_days="3")
    first = {m.recipient: link_of(m) for m in outbox(seeded_path)}
    visitor.post(first["contact@circuit.example"] + "/confirm")  # Circuit answers
    settings = mail_client.app.state.settings
    db = database.connect(seeded_path)
    try:
        clock.now = DEMO_NOW + timedelta(days=3) - timedelta(minutes=1)
        assert run_round(db, settings, now=clock()).reminded == 0  # not yet
        clock.now = DEMO_NOW + timedelta(days=3)
        assert run_round(db, settings, now=clock()).reminded == 2  # Ana and Bram
        assert run_round(db, settings, now=clock()).reminded == 0  # not twice
        reminders = outbox(seeded_path)[3:]
        assert all(m.subject.startswith("Rappel") for m in reminders if m.lang == "fr")
        assert {m.recipient for m in reminders} == {"ana@example.org", "bram@example.org"}
        fresh = {m.recipient: link_of(m) for m in reminders}
        assert fresh["ana@example.org"] != first["ana@example.org"]
        assert visitor.get(first["ana@example.org"]).status_code == 200  # the old still works
        assert visitor.get(fresh["ana@example.org"]).status_code == 200
        clock.now = DEMO_NOW + timedelta(days=6)
        assert run_round(db, settings, now=clock()).reminded == 2  # the second, and last
        clock.now = DEMO_NOW + timedelta(days=20)
        assert run_round(db, settings, now=clock()).reminded == 0
    finally:
        db.close()
    assert query(seeded_path, "SELECT reminders FROM campaign_checks c JOIN lieux l "
                 "ON l.id = c.lieu_id WHERE l.slug = ?", [LIEU_A]) == [(2,)]  # fmt: skip
    page = unescape(mail_client.get("/admin/campaigns/1").text)
    assert "2 rappels" in page


def test_a_campaign_set_for_later_starts_with_the_round_after_its_start(
    mail_client, mail_admin, addresses, seeded_path, clock
):
    later = (DEMO_NOW + timedelta(days=2)).astimezone(mail_client.app.state.settings.zone)
    start(mail_client, mail_admin, start="later", starts_at=later.strftime("%Y-%m-%dT09:00"))
    assert outbox(seeded_path) == []
    settings = mail_client.app.state.settings
    db = database.connect(seeded_path)
    try:
        clock.now = later.replace(hour=8, minute=59)
        assert run_round(db, settings, now=clock()).invited == 0
        clock.now = later.replace(hour=9, minute=2)
        assert run_round(db, settings, now=clock()).invited == 3
        assert run_round(db, settings, now=clock()).invited == 0  # decided once
    finally:
        db.close()
    assert len(outbox(seeded_path)) == 3


def test_sending_again_makes_fresh_links_for_the_recipients_of_now(
    mail_client, mail_admin, addresses, seeded_path
):
    start(mail_client, mail_admin)
    with_address(seeded_path, "Noor", "noor@example.org", slug=LIEU_B)  # a co-manager arrives
    response = mail_client.post(
        f"/admin/campaigns/1/lieux/{LIEU_B}/send",
        data={"_csrf_token": mail_admin},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].endswith("sent=1")
    assert outbox(seeded_path)[-1].recipient == "noor@example.org"
    assert query(seeded_path, "SELECT count(*) FROM audit_log WHERE action = 'send'") == [(1,)]
