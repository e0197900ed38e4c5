"""A visitor's report e-mails the lieu's co-managers: through the real form, the outbox and a
real SMTP server on 127.0.0.1, read back with the stdlib `email` package. Who gets it (a
co-manager who takes "reports" mail, in their language) and who does not; the visitor's
message as text in the HTML part; mail off: the report is stored, nothing is queued."""

import re
from html.parser import HTMLParser

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.mail.sender import send_due
from lieux.reports import actions
from lieux.reports.models import ReportForm, Shown
from tests.campaigns.conftest import outbox, with_address
from tests.conftest import DEMO_NOW, make_app
from tests.mail.conftest import MAIL_FROM, mail_settings, smtp_server  # noqa: F401 (a fixture)
from tests.people import LIEU_A, LIEU_B
from tests.reports.conftest import stored
from tests.reports.test_report_form import send


class _Text(HTMLParser):
    """The text a mail app shows of an HTML part, and the tags it would draw."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def shown_text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.text).split()), parser.tags


def parts(message) -> tuple[str, str]:
    """The plain text and the HTML of a received message."""
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


@pytest.fixture
def circuit_team(seeded_path) -> dict[str, int]:
    """Circuit (LIEU_B): Ana (French) and Bram (Dutch) take reports mail, Nope unticked it, Mia
    is a plain member; Zed is a co-manager of another lieu."""
    return {
        "ana": with_address(seeded_path, "Ana", "ana@example.org", slug=LIEU_B),
        "bram": with_address(seeded_path, "Bram", "bram@example.org", slug=LIEU_B, lang="nl"),
        "nope": with_address(
            seeded_path, "Nope", "nope@example.org", slug=LIEU_B, mail_reports=False
        ),
        "mia": with_address(seeded_path, "Mia", "mia@example.org", slug=LIEU_B, role="member"),
        "zed": with_address(seeded_path, "Zed", "zed@example.org", slug=LIEU_A),
    }


@pytest.fixture
def smtp(seeded_path, smtp_server):  # noqa: F811 (the fixture imported above)
    """The test's SMTP server, and settings that send to it."""
    mailbox, config = smtp_server
    return mailbox, mail_settings(seeded_path, config)


@pytest.fixture
def mail_visitor(seeded_path, clock, smtp) -> TestClient:
    """A visitor's browser on an app that queues mail. Its lifespan does not run, so no sender
    of its own empties the outbox: the test runs the sender's round itself."""
    return TestClient(
        app=make_app(seeded_path, clock, smtp_url=smtp[1].smtp_url, mail_from=MAIL_FROM)
    )


def test_a_visitors_report_reaches_the_co_managers_in_their_language(
    mail_visitor, circuit_team, seeded_path, smtp, clock
):
    mailbox, settings = smtp
    message = "Porte close à 14h & personne ne répond, 3 < 5"
    data = {"kind": "found-closed", "message": message, "contact": "0470 12 34 56"}
    assert send(mail_visitor, data).status_code == 303
    [report] = stored(seeded_path)
    assert send_due(str(seeded_path), settings, clock=clock, holder="test").sent == 2
    received = {m["To"]: m for m in mailbox.received}
    # Only the co-managers who take reports mail: not Nope, not the member, not another lieu's.
    assert set(received) == {"ana@example.org", "bram@example.org"}
    ana, bram = received["ana@example.org"], received["bram@example.org"]
    assert ana["From"] == MAIL_FROM
    assert ana["Subject"] == "Signalement pour Circuit : Fermé alors qu'affiché ouvert"
    assert bram["Subject"] == "Melding voor Circuit: Gesloten terwijl open aangegeven"
    assert ana["Content-Language"] == "fr" and bram["Content-Language"] == "nl"
    # The visitor's contact stays behind the sign-in: not in the subject, not in the mail.
    for mail in (ana, bram):
        assert "0470" not in mail.as_string()
    text, html = parts(ana)
    link = f"http://testserver/manage/{LIEU_B}/reports?lang=fr#report-{report.id}"
    assert link in text and f'href="{link}"' in html
    assert "Bonjour Ana," in text
    assert "le 23/11/2026 à 12:00" in text
    assert "Ce qui ne va pas : Fermé alors qu'affiché ouvert" in text
    # what the site said at that instant: Circuit opens 10:00-16:00 on Mondays (demo hours)
    assert "Le site affichait alors : ouvert jusqu'à 16:00 (horaires habituels)" in text
    assert f"> {message}" in text  # plain text: the message as typed, quoted
    assert "a laissé un contact" in text
    shown, _tags = shown_text(html)
    assert message in shown and "Le site affichait alors : ouvert jusqu'à 16:00" in shown
    assert "Ne plus recevoir les signalements par e-mail" in text
    assert ana["List-Unsubscribe"]
    bram_text, bram_html = parts(bram)
    assert "Hallo Bram," in bram_text and 'lang="nl"' in bram_html
    assert f"/manage/{LIEU_B}/reports?lang=nl#report-{report.id}" in bram_text


def test_markup_in_the_message_arrives_as_text(seeded_path, circuit_team, smtp, clock):
    """The form refuses markup (tests/reports/test_report_form.py); the e-mail does not count
    on it: whatever the stored message holds, the HTML part shows it as text."""
    mailbox, settings = smtp
    db = database.connect(seeded_path)
    try:
        form = ReportForm(kind="other", message='<b>gras</b> <a href="http://evil">ici</a>')
        actions.report(
            db,
            get_lieu(db, LIEU_B),
            form,
            shown=Shown(state="closed"),
            lang="fr",
            settings=settings,
            now=DEMO_NOW,
        )
    finally:
        db.close()
    assert send_due(str(seeded_path), settings, clock=clock, holder="test").sent == 2
    ana = next(m for m in mailbox.received if m["To"] == "ana@example.org")
    text, html = parts(ana)
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    shown, tags = shown_text(html)
    assert '<b>gras</b> <a href="http://evil">ici</a>' in shown  # read as text
    assert "b" not in tags and "http://evil" not in re.findall(r'href="([^"]+)"', html)
    assert '> <b>gras</b> <a href="http://evil">ici</a>' in text  # plain text is not HTML
    assert ana["Subject"] == "Signalement pour Circuit : Autre chose"


def test_a_long_message_is_quoted_short():
    long = "mot " * 400
    quoted = actions.excerpt(long)
    assert len(quoted) <= actions.EXCERPT_CHARS + 1 and quoted.endswith("mot…")
    lines = "\n\n".join(f"ligne {n}" for n in range(20))
    assert actions.excerpt(lines).splitlines() == [f"ligne {n}" for n in range(7)] + ["ligne 7…"]
    assert actions.excerpt("Porte close\n\n") == "Porte close"
    assert actions.excerpt("") == ""


def test_a_lieu_no_co_manager_can_be_written_to_gets_no_mail(
    mail_visitor, circuit_team, seeded_path
):
    """Le Delta: no co-manager gave an address. The report is kept, for its dashboard and the
    admins' list."""
    path = "/lieux/le-delta/report"
    response = send(mail_visitor, {"kind": "wrong-hours"}, path=path)
    assert response.status_code == 303
    assert [r.lieu_slug for r in stored(seeded_path)] == ["le-delta"]
    assert outbox(seeded_path) == []


def test_with_mail_off_the_report_is_stored_and_nothing_queued(client, circuit_team, seeded_path):
    assert send(client, {"kind": "found-closed", "message": "Fermé"}).status_code == 303
    assert [r.message for r in stored(seeded_path, LIEU_B)] == ["Fermé"]
    assert outbox(seeded_path) == []
