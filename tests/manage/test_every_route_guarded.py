"""Every route the app registers under /manage and /admin, walked from the app itself (not from
a list someone keeps): a visitor who is not signed in gets 401, a member of another lieu (or,
for /admin, anyone not a network admin) gets 403, and neither changes a row. A new handler that
forgets its controller's `by` dependency fails here.

The finer table of who may do what is tests/manage/test_authorization.py.
"""

import re

import pytest

from tests.people import LIEU_A, LIEU_B, WRITE_TABLES, add_member, count, csrf, sign_in

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
AREAS = ("/manage/", "/admin")
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _url(path: str) -> str:
    """`path` with its parameters filled: the lieu is A, any id is 1, any other text "x"."""

    def value(match: re.Match) -> str:
        name, kind = match.groups()
        if name == "slug":
            return LIEU_A
        return "1" if kind == "int" else "x"

    return _PARAM.sub(value, path)


def _guarded_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not route.path.startswith(AREAS):
            continue
        for method in sorted(set(getattr(route, "methods", ())) & METHODS):
            found.append((method, route.path))
    return found


def test_the_walk_finds_both_areas(client):
    paths = {path for _method, path in _guarded_routes(client.app)}
    assert any(p.startswith("/manage/") for p in paths) and "/admin" in paths
    # the calendar import and the reports live in other packages, under /manage too
    assert "/manage/{slug:str}/calendars" in paths


def _snapshot(db_path):
    return {table: count(db_path, table) for table in WRITE_TABLES}


@pytest.mark.parametrize("persona", ["anonymous", "wrong_lieu"])
def test_every_manage_and_admin_route_refuses_strangers(client, seeded_path, persona):
    if persona == "wrong_lieu":
        # A co-manager of B: signed in, a manager somewhere, but not of A nor a network admin.
        sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_B: "co-manager"}))
    expected = 401 if persona == "anonymous" else 403
    token = csrf(client)
    before = _snapshot(seeded_path)
    wrong = []
    for method, path in _guarded_routes(client.app):
        data = {"_csrf_token": token} if method != "GET" else None
        response = client.request(method, _url(path), data=data, follow_redirects=False)
        if response.status_code != expected:
            wrong.append((method, path, response.status_code))
    assert wrong == []
    assert _snapshot(seeded_path) == before
