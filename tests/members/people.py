"""Test helpers: people with roles, signed in through the real sign-in link flow."""

from datetime import timedelta
from pathlib import Path

from litestar.testing import TestClient

from lieux import db as database
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu
from lieux.members.tokens import hash_token, new_token
from tests.conftest import DEMO_NOW

LIEU_A = "babel-zin"
LIEU_B = "circuit"


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


def sign_in(client: TestClient, db_path: Path, member_id: int, *, at=DEMO_NOW) -> str:
    """Sign `client` in as `member_id` through /signin/{token}; returns the CSRF token.

    `at`: the app's clock when this runs, if a test moved it (the link lasts a day from then)."""
    token = new_token()
    db = database.connect(db_path)
    now = at
    members_db.create_sign_in(
        db, hash_token(token), member_id, now=now, expires_at=now + timedelta(days=1)
    )
    db.close()
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
