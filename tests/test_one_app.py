"""The one app of a test process (tests/conftest.py `client`): whatever a test leaves behind on
it (a signed-in cookie, a moved clock, a spent rate limit, a cached fragment, a header), the
reset before the next test takes away."""

import sqlite3

from litestar.testing import TestClient

from lieux.members.session import SIGN_IN_RATE
from tests.conftest import DEMO_NOW, Clock, copy_database, make_app, reset
from tests.people import csrf, post

RENAMED = "Babel'Zin renommé"


def test_the_client_is_the_one_app_of_the_process(client, _one_app, seeded_path):
    assert client is _one_app
    assert client.app.state.settings.db == str(seeded_path)
    assert client.app.state.clock() == DEMO_NOW


def test_nothing_a_test_leaves_behind_reaches_the_next(
    client, actions, clock, seeded_path, seeded_template, tmp_path, _one_app, _client_defaults
):
    # A test that leaves everything behind: signed in, its clock moved, headers and options
    # changed,
    assert RENAMED not in client.get("/api/open-now").text
    actions.sign_in()
    assert client.get("/me").status_code == 200
    clock.now = DEMO_NOW.replace(year=2030)
    client.headers["X-Left-Behind"] = "yes"
    client.follow_redirects = False
    # the sign-in rate limit spent (signing in was one),
    limit = SIGN_IN_RATE.rate_limit[1]
    answers = [actions.post("/signin/not-a-token", {}).status_code for _ in range(limit)]
    assert answers[-1] == 429
    # and the fragments cached from data that the next test's database does not have.
    with sqlite3.connect(seeded_path) as connection:
        connection.execute("UPDATE lieux SET name = ? WHERE slug = 'babel-zin'", [RENAMED])
    client.app.state.open_now.snapshot(clock(), fresh=True)
    assert RENAMED in client.get("/api/open-now").text

    following = tmp_path / "following.sqlite3"
    copy_database(seeded_template, following)
    reset(_one_app, following, Clock(), _client_defaults)

    assert client.app.state.settings.db == str(following)
    assert client.app.state.clock() == DEMO_NOW
    assert not client.cookies
    assert "X-Left-Behind" not in client.headers
    assert client.follow_redirects is True
    assert client.get("/me", follow_redirects=False).status_code == 401
    assert post(client, csrf(client), "/signin/not-a-token", {}).status_code != 429
    assert RENAMED not in client.get("/api/open-now").text
    assert RENAMED not in client.get("/lieux/babel-zin").text


def test_a_fresh_app_answers_as_the_reset_one(client, seeded_path):
    """The reset app and one built anew answer alike (no state the reset would miss)."""
    paths = ["/", "/lieux/babel-zin", "/widget/open-now", "/ical/network.ics", "/api/open-now"]
    shared = {path: client.get(path).content for path in paths}
    with TestClient(app=make_app(seeded_path)) as fresh:
        assert {path: fresh.get(path).content for path in paths} == shared
