"""The one module of shared test helpers: people with roles, signed in through the real
sign-in link flow, and the forms they post.

Like the flask tutorial's `AuthActions`, `Actions` (the `actions` fixture of tests/conftest.py)
holds a client and the database: `actions.sign_in()`, then `actions.post(...)`. The plain
functions below are what it is made of, for tests that handle several clients or people.
"""

from datetime import timedelta
from pathlib import Path

from litestar.testing import TestClient

from lieux import db as database
from lieux.db import members as members_db
from lieux.db.activities import get_activity
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from lieux.members.tokens import hash_token, new_token
from tests.conftest import DEMO_NOW, DEMO_TODAY

LIEU_A = "babel-zin"
LIEU_B = "circuit"
# A weekly café-papote from a week ahead, as the activity form posts it (FIRST: its first date).
FIRST = DEMO_TODAY + timedelta(days=7)
WEEKLY = {
    "title": "Café-papote",
    "kind": "cafe-papote",
    "day": FIRST.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "repeat": "weekly",
}
# The tables a write can touch: a refused write leaves their row counts as they were.
WRITE_TABLES = (
    "opening_slots",
    "opening_exceptions",
    "holiday_rules",
    "activities",
    "activity_overrides",
    "proposals",
    "supports",
    "invites",
    "members",
    "roles",
    "audit_log",
    "live_status",
)


def add_member(
    db_path: Path, name: str, roles: dict[str, str] | None = None, *, admin=False
) -> int:
    """A member with `roles` ({lieu slug: role}); returns their id."""
    db = database.connect(db_path)
    now = DEMO_NOW
    member_id = members_db.create_member(db, name, now=now, is_admin=admin)
    for slug, role in (roles or {}).items():
        members_db.set_role(db, member_id, get_lieu(db, slug).id, role, now=now)
    db.close()
    return member_id


def new_token_for(db_path: Path, member_id: int, *, at=DEMO_NOW) -> str:
    """A fresh personal sign-in token of `member_id`, valid a day from `at`."""
    token = new_token()
    db = database.connect(db_path)
    members_db.create_sign_in(
        db, hash_token(token), member_id, now=at, expires_at=at + timedelta(days=1)
    )
    db.close()
    return token


def sign_in(client: TestClient, db_path: Path, member_id: int, *, at=DEMO_NOW) -> str:
    """Sign `client` in as `member_id` through /signin/{token}; returns the CSRF token.

    `at`: the app's clock when this runs, if a test moved it (the link lasts a day from then)."""
    token = new_token_for(db_path, member_id, at=at)
    assert client.get(f"/signin/{token}").status_code == 200
    csrf = client.cookies.get("csrftoken")
    response = client.post(f"/signin/{token}", data={"_csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf


def csrf(client: TestClient) -> str:
    """A CSRF token for `client` (any form page sets the cookie)."""
    if not client.cookies.get("csrftoken"):
        client.get("/me")
    return client.cookies.get("csrftoken")


def count(db_path: Path, table: str) -> int:
    db = database.connect(db_path)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def invite(db_path, role="co-manager", *, slug=LIEU_A, reusable=False, now=None) -> str:
    """An invite link to `slug` (None: an admin invite), as a path."""
    db = database.connect(db_path)
    lieu_id = get_lieu(db, slug).id if slug else None
    link = issue_invite(
        db,
        lieu_id=lieu_id,
        role=role,
        base_url="http://testserver",
        now=now or DEMO_NOW,
        reusable=reusable,
    )
    db.close()
    return link.removeprefix("http://testserver")


def join(client, path, name="Anne"):
    """Open an invite link and join under `name`."""
    client.get(path)
    return client.post(path, data={"display_name": name, "_csrf_token": csrf(client)})


def post(client: TestClient, token: str, path: str, data: dict, **kwargs):
    """Post a form with its CSRF token, not following the redirect."""
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False, **kwargs)


def create(client: TestClient, token: str, data: dict, *, slug: str = LIEU_A) -> int:
    """Create an activity through the form; its id."""
    response = post(client, token, f"/manage/{slug}/activities", data)
    assert response.status_code == 303, response.text[-800:]
    return int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])


def snapshot(db_path: Path) -> dict:
    """Row counts of WRITE_TABLES, and every activity's version."""
    db = database.connect(db_path)
    try:
        versions = db.execute("SELECT group_concat(version) FROM activities").fetchone()[0]
    finally:
        db.close()
    return {table: count(db_path, table) for table in WRITE_TABLES} | {"updated": versions}


def check_refused(client, seeded_path, path, data, token, message):
    """Posting `data` is a 400 naming `message`, executes nothing, and stores nothing."""
    before = snapshot(seeded_path)
    response = client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert snapshot(seeded_path) == before


class Actions:
    """What a person does in tests, for one client over one database (flask's AuthActions)."""

    def __init__(self, client: TestClient, db_path: Path):
        self.client = client
        self.db_path = db_path
        self.token = ""

    def sign_in(self, name="Co A", roles: dict[str, str] | None = None, *, admin=False) -> str:
        """Sign in as a new member (co-manager of LIEU_A unless told); the CSRF token."""
        member_id = add_member(self.db_path, name, roles or {LIEU_A: "co-manager"}, admin=admin)
        self.token = sign_in(self.client, self.db_path, member_id)
        return self.token

    def post(self, path: str, data: dict, **kwargs):
        return post(self.client, self.token or csrf(self.client), path, data, **kwargs)

    def create(self, data: dict, *, slug: str = LIEU_A) -> int:
        return create(self.client, self.token, data, slug=slug)


def stored(db_path: Path, activity_id: int):
    """The activity as the database holds it now."""
    db = database.connect(db_path)
    try:
        return get_activity(db, activity_id)
    finally:
        db.close()
