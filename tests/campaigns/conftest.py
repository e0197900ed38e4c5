"""The campaigns' tests: an admin who starts campaigns through the real form, an app that
queues e-mail (to an SMTP server that need not run: the outbox is what these tests read), and
the links a campaign hands out."""

import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import members as members_db
from lieux.db import outbox as outbox_db
from lieux.db.lieux import get_lieu
from lieux.mail.models import MailPrefs
from lieux.settings import SmtpConfig
from tests.conftest import make_app
from tests.mail.conftest import MAIL_FROM, smtp_server  # noqa: F401 (a fixture, for the sender)
from tests.people import LIEU_A, add_member, sign_in

# Nothing listens there: e-mail is only queued unless a test runs the sender to its own server.
NOWHERE = SmtpConfig(host="127.0.0.1", port=9, security="plain")
LINK = re.compile(r"https?://[^/\s]+(/check/[A-Za-z0-9_-]+)\?lang=(\w\w)")


@pytest.fixture
def mail_client(seeded_path, clock) -> TestClient:
    """A client on an app that queues e-mail (LIEUX_SMTP_URL set). Its lifespan does not run:
    no sender of its own takes the queue away from the test, which runs rounds itself."""
    return TestClient(app=make_app(seeded_path, clock, smtp_url=NOWHERE, mail_from=MAIL_FROM))


@pytest.fixture
def admin(client, seeded_path) -> str:
    """`client` signed in as a network admin; the CSRF token."""
    return sign_in(client, seeded_path, add_member(seeded_path, "Coordination", admin=True))


@pytest.fixture
def mail_admin(mail_client, seeded_path, clock) -> str:
    """`mail_client` signed in as a network admin; the CSRF token."""
    member_id = add_member(seeded_path, "Coordination", admin=True)
    return sign_in(mail_client, seeded_path, member_id, at=clock())


CAMPAIGN = {
    "name": "Horaires de fin d'année",
    "scope": "all",
    "sections": ["hours", "closures"],
    "start": "now",
    "reminder_days": "7",
}


def start(client: TestClient, token: str, **fields) -> int:
    """Start a campaign through the form (CAMPAIGN, changed by `fields`); its id."""
    data = {**CAMPAIGN, **fields, "_csrf_token": token}
    response = client.post("/admin/campaigns", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[-1500:]
    return int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])


def copied_links(client: TestClient, token: str, campaign_id: int) -> dict[str, str]:
    """{lieu name: path of its link} from "Créer les liens à copier"."""
    page = client.post(f"/admin/campaigns/{campaign_id}/links", data={"_csrf_token": token})
    assert page.status_code == 200, page.text[-1500:]
    names = re.findall(r"<h2>([^<]+)</h2>", page.text)
    links = re.findall(r"http://testserver(/check/[A-Za-z0-9_-]+)", page.text)
    assert len(names) == len(links)
    return dict(zip((n.replace("&#39;", "'") for n in names), links, strict=True))


def with_address(db_path, name, email, *, slug=LIEU_A, role="co-manager", lang="fr", **choices):
    """A member of `slug` who gave `email`; their id."""
    member_id = add_member(db_path, name, {slug: role})
    db = database.connect(db_path)
    members_db.set_mail_prefs(db, member_id, MailPrefs(email=email, email_lang=lang, **choices))
    db.close()
    return member_id


def outbox(db_path):
    """Every queued message, oldest first."""
    db = database.connect(db_path)
    try:
        return list(reversed(outbox_db.list_messages(db, limit=1000)))
    finally:
        db.close()


def link_of(message) -> str:
    """The path of the check link a campaign e-mail carries."""
    found = LINK.search(message.body_text)
    assert found, message.body_text
    return found[1]


def query(db_path, sql: str, params=()):
    """Run one statement on its own connection (autocommitted); its rows."""
    db = database.connect(db_path)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def lieu_of(db_path, slug: str):
    db = database.connect(db_path)
    try:
        return get_lieu(db, slug, archived=True)
    finally:
        db.close()


@pytest.fixture
def visitor(seeded_path, clock) -> Iterator[TestClient]:
    """Another browser, never signed in, over the same database and clock."""
    with TestClient(app=make_app(seeded_path, clock)) as test_client:
        yield test_client
