"""The clear 503s (lieux/web/errors.py): a database another connection keeps locked, and a
request over its compute budget (lieux/budget.py), for people (a page in their language) and for
the API (a JSON error), with Retry-After, a log line, and never a traceback."""

import logging
import sqlite3
import time
from contextlib import closing
from threading import get_ident

import pytest
from litestar import get, post
from litestar.testing import TestClient

from lieux import budget
from lieux.db import connection
from lieux.security import WRITE_BUDGET_S
from lieux.web.errors import RETRY_AFTER_S
from tests.conftest import make_app
from tests.people import LIEU_A

STATUS = f"/manage/{LIEU_A}/status"
# A test's own wait for the lock, instead of the service's five seconds. (Today's writes read
# first inside a deferred BEGIN: SQLite then refuses at once, without waiting; a write that
# begins IMMEDIATE waits this long before the same 503.)
SHORT_BUSY_TIMEOUT_MS = 200
# The spinning routes below give up by themselves after this long if check() never raises.
SPIN_CAP_S = 10


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", SHORT_BUSY_TIMEOUT_MS)


def live_status_rows(path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM live_status").fetchone()[0]


def assert_no_traceback(caplog) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_write_that_meets_a_held_lock_is_a_503_to_retry(
    client, manager, seeded_path, short_busy_timeout, caplog
):
    before = live_status_rows(seeded_path)
    with closing(sqlite3.connect(seeded_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer, holding the write lock
        started = time.monotonic()
        refused = client.post(
            STATUS,
            data={"state": "closed", "_csrf_token": manager},
            headers={"Accept-Language": "nl"},
            follow_redirects=False,
        )
        waited = time.monotonic() - started
        other.execute("ROLLBACK")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(RETRY_AFTER_S)
    assert refused.headers["content-type"].startswith("text/html")
    assert "De site is erg druk: uw verzoek kon niet worden verwerkt." in refused.text
    assert "Traceback" not in refused.text
    assert waited < 3
    assert any(
        "database locked" in r.getMessage() and STATUS in r.getMessage() for r in caplog.records
    )
    assert_no_traceback(caplog)
    assert live_status_rows(seeded_path) == before
    # The lock gone, the same action goes through.
    again = client.post(
        STATUS, data={"state": "closed", "_csrf_token": manager}, follow_redirects=False
    )
    assert again.status_code == 303
    assert live_status_rows(seeded_path) == before + 1


def test_a_database_kept_to_itself_is_a_json_error_for_the_api(
    client, seeded_path, short_busy_timeout, caplog
):
    """A connection in exclusive locking mode, there before the app opened the file (a
    `sqlite3` shell left so), stops even the request's own connection from opening."""
    with closing(sqlite3.connect(seeded_path, isolation_level=None)) as other:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE lieux SET name = name")
        api = client.get("/api/lieux")
        other.execute("ROLLBACK")
    assert api.status_code == 503 and api.headers["Retry-After"] == str(RETRY_AFTER_S)
    assert api.json() == {
        "status_code": 503,
        "detail": "Le site est très occupé : votre demande n'a pas pu aboutir. "
        "Réessayez dans quelques secondes.",
    }
    assert api.headers["x-content-type-options"] == "nosniff"
    assert_no_traceback(caplog)
    assert client.get("/api/lieux").status_code == 200  # the lock released


def test_another_operational_error_stays_a_500(client, seeded_path, caplog):
    """Only a lock is worth retrying; a broken database is our fault, said as such."""
    with closing(sqlite3.connect(seeded_path)) as db:
        db.execute("DROP TABLE live_status")
    response = client.get(f"/lieux/{LIEU_A}")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Traceback" not in response.text


# --- The compute budget ---------------------------------------------------------------------


@get("/test-only/deadline", sync_to_thread=True)
def deadline_in_a_thread() -> dict:
    """What a sync handler (run in a worker thread) sees of its request's deadline."""
    return {"deadline": budget.DEADLINE.get(), "now": time.monotonic(), "thread": get_ident()}


@get("/test-only/deadline-async")
async def deadline_on_the_loop() -> dict:
    return {"deadline": budget.DEADLINE.get(), "now": time.monotonic(), "thread": get_ident()}


@post("/test-only/deadline", sync_to_thread=True, status_code=200)
def deadline_of_a_write() -> dict:
    return {"deadline": budget.DEADLINE.get(), "now": time.monotonic()}


def spin() -> dict:
    """A loop that calls budget.check() the way the recurrence expansions do."""
    started = time.monotonic()
    steps = 0
    while time.monotonic() - started < SPIN_CAP_S:
        budget.check()
        steps += 1
    return {"steps": steps}


TINY = {"budget_s": 0.05}
spin_page = get("/test-only/spin", sync_to_thread=True, opt=TINY, name="spin-page")(spin)
spin_api = get("/api/test-only/spin", sync_to_thread=True, opt=TINY, name="spin-api")(spin)


@pytest.fixture
def app_with_test_routes(seeded_path):
    """An app of its own: the test routes must not outlive this module in the shared one."""
    app = make_app(seeded_path)
    for handler in (deadline_in_a_thread, deadline_on_the_loop, deadline_of_a_write):
        app.register(handler)
    app.register(spin_page)
    app.register(spin_api)
    with TestClient(app=app) as client:
        yield client


def test_the_deadline_reaches_the_handler_in_its_thread(app_with_test_routes):
    in_thread = app_with_test_routes.get("/test-only/deadline").json()
    on_loop = app_with_test_routes.get("/test-only/deadline-async").json()
    assert in_thread["thread"] != on_loop["thread"]  # the sync handler ran in another thread
    for seen in (in_thread, on_loop):
        assert seen["deadline"] is not None, "the context did not reach the handler"
        assert 0 < seen["deadline"] - seen["now"] <= budget.BUDGET_S


def test_a_write_has_the_longer_budget(app_with_test_routes):
    seen = app_with_test_routes.post("/test-only/deadline").json()
    assert budget.BUDGET_S < seen["deadline"] - seen["now"] <= WRITE_BUDGET_S


def test_no_deadline_outside_a_request():
    assert budget.DEADLINE.get() is None
    budget.check()  # the command line and the hourly refresh run unbounded by it


def test_a_request_over_its_budget_ends_with_a_503_and_names_the_route(
    app_with_test_routes, caplog
):
    client = app_with_test_routes
    started = time.monotonic()
    page = client.get("/test-only/spin", headers={"Accept-Language": "nl"})
    took = time.monotonic() - started
    assert page.status_code == 503 and page.headers["Retry-After"] == str(RETRY_AFTER_S)
    assert "Dit verzoek duurde te lang en werd afgebroken." in page.text
    assert took < 2  # not the SPIN_CAP_S the loop would have run without check()
    [line] = [r for r in caplog.records if "took longer than its budget" in r.getMessage()]
    assert line.levelno == logging.WARNING and "GET /test-only/spin" in line.getMessage()
    api = client.get("/api/test-only/spin")
    assert api.status_code == 503 and api.headers["Retry-After"] == str(RETRY_AFTER_S)
    assert api.json()["detail"].startswith("Cette demande a pris trop de temps")
    assert_no_traceback(caplog)


def test_nested_limits_never_extend_a_deadline():
    with budget.limit(0.01):
        outer = budget.DEADLINE.get()
        with budget.limit(60):
            assert budget.DEADLINE.get() == outer
        time.sleep(0.02)
        with pytest.raises(budget.BudgetExceeded):
            budget.check()
    assert budget.DEADLINE.get() is None
