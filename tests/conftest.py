"""Shared fixtures: a migrated temporary SQLite file, a seeded one, an app client, a live server
started as a real `lieux serve` process, and a Chromium driven by Playwright.

What is costly to build is built once and shared: one app per test process, reset before each
test (`client`); databases copied from templates built once per process; one read-only
`lieux serve` per module for the tests that only read (`read_only_server`). docs/testing.md
says how, and what `make test-dates` runs.
"""

import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from jinja2 import BytecodeCache
from litestar.logging.config import LoggingConfig
from litestar.stores.registry import StoreRegistry
from litestar.testing import TestClient

from lieux import cli
from lieux import db as database
from lieux.app import app_state, create_app
from lieux.db.lieux import data_revision
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests import real_clock
from tests.deploy.servers import Serve
from tests.live_server import LiveServer, run_lieux
from tests.real_clock import real_clock_tripwire  # noqa: F401 (an autouse fixture)

CHROMIUM = "/usr/bin/chromium"
# pytest's temporary folders (every test's database) in memory where the machine has a tmpfs:
# SQLite syncs each transaction to disk, and a shared CI disk makes every test wait for it.
# Only this process's temporary files; `PYTEST_DEBUG_TEMPROOT` or `--basetemp` still decide.
MEMORY = Path("/dev/shm")
if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) and "PYTEST_DEBUG_TEMPROOT" not in os.environ:
    tempfile.tempdir = str(MEMORY)
real_clock.STARTS_LIEUX += [LiveServer, run_lieux, Serve, cli.main]

# The property tests draw the same examples on every run of the suite, so that a red CI is a
# change's doing, not the dice's; `make explore` draws new ones, many more (README "Tests").
settings.register_profile("suite", max_examples=300, derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
# The demo data is placed around this day, and the apps tests build read their clock at noon of
# it: every answer is the same whatever the machine's date. Tests ask about other instants with
# ?at= or by moving the `clock` fixture.
DEMO_TODAY = date(2026, 11, 23)  # a Monday
DEMO_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC)


class Clock:
    """A clock that stands still until a test moves it (`clock.now = ...`)."""

    def __init__(self, now: datetime = DEMO_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


def pytest_collection_modifyitems(items):
    """Tests that drive Chromium are marked `browser` (Chromium does not run under faketime);
    tests that start `lieux` or run its CLI are marked `real_clock` (tests/real_clock.py)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    real_clock.mark(items)


def copy_database(source: Path, target: Path) -> None:
    """`target` becomes a copy of the SQLite database `source` (through SQLite: consistent)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def _template_databases(tmp_path_factory) -> dict[str, Path]:
    """A migrated database, one with the real lieux only, and one with the demo data too, built
    once per test process: each test gets its own copy (a few milliseconds) instead of
    migrating and seeding again (a third of a second)."""
    folder = tmp_path_factory.mktemp("template-databases")
    templates = {name: folder / f"{name}.sqlite3" for name in ("migrated", "real", "seeded")}
    connection = database.connect(templates["migrated"])
    database.migrate(connection)
    connection.close()
    copy_database(templates["migrated"], templates["real"])
    connection = database.connect(templates["real"])
    seed_guide(connection, now=DEMO_NOW)
    connection.close()
    copy_database(templates["real"], templates["seeded"])
    connection = database.connect(templates["seeded"])
    seed_demo(connection, today=DEMO_TODAY, now=DEMO_NOW)
    connection.close()
    return templates


@pytest.fixture(scope="session")
def seeded_template(_template_databases) -> Path:
    """The seeded database every test's `seeded_path` is a copy of (never write to it)."""
    return _template_databases["seeded"]


@pytest.fixture(scope="session")
def real_template(_template_databases) -> Path:
    """What `lieux seed` without --demo loads: the real lieux and helplines, nobody's hours."""
    return _template_databases["real"]


@pytest.fixture
def db_path(tmp_path: Path, _template_databases) -> Path:
    """A migrated database of the test's own, empty."""
    path = tmp_path / "lieux.sqlite3"
    copy_database(_template_databases["migrated"], path)
    return path


@pytest.fixture
def db(db_path: Path):
    connection = database.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def seeded_path(db_path: Path, _template_databases) -> Path:
    """A database with the real lieux and the demo data, placed around DEMO_TODAY."""
    copy_database(_template_databases["seeded"], db_path)
    return db_path


def make_settings(path: Path, **overrides) -> Settings:
    return Settings(db=str(path), secret="s" * 40, base_url="http://testserver", **overrides)


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process, not once per app (each test builds its own)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def make_app(path: Path, clock: Clock | None = None, **overrides):
    """The app over the database at `path`, its clock pinned (at DEMO_NOW unless told)."""
    app = create_app(make_settings(path, **overrides), clock=clock or Clock())
    app.template_engine.engine.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture(autouse=True)
def _logging_back_on_stderr():
    """Building an app configures the process's logging (Litestar's default: a handler on
    the stderr of that moment). A test that builds one while capturing its output (`capsys`)
    leaves that handler writing to a stream closed after it; since apps are no longer built for
    every test, the next tests' logs would fail to print: configure it again, on stderr."""
    root = logging.getLogger()
    before = list(root.handlers)
    yield
    if root.handlers != before:
        LoggingConfig().configure()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def _one_app(tmp_path_factory, seeded_template) -> Iterator[TestClient]:
    """The app and client of this test process, built once (an app costs ~150 ms: 172 routes,
    middleware, templates); `client` resets them before each test. Its own database serves
    only its start and stop (the calendar refresh): each test points it at the test's own."""
    path = tmp_path_factory.mktemp("one-app") / "lieux.sqlite3"
    copy_database(seeded_template, path)
    with TestClient(app=make_app(path)) as test_client:
        yield test_client


# What a test may change on the client: put back before the next one (httpx's setters copy, so
# a test that changes the headers in place changes only its own copy).
CLIENT_ATTRIBUTES = ("headers", "params", "auth", "timeout", "follow_redirects", "base_url")


def reset(test_client: TestClient, path: Path, clock: Clock, defaults: dict) -> TestClient:
    """`test_client` as if just built by `make_app(path, clock)`: the app's settings, clock and
    caches anew (lieux.app.app_state), empty rate-limit stores, no cookie, and the client's
    headers and options as they were at first."""
    app = test_client.app
    app.state.clear()
    app.state.update(app_state(make_settings(path), clock))
    app.stores = StoreRegistry()
    test_client.cookies.clear()
    for name, value in defaults.items():
        setattr(test_client, name, value)
    return test_client


@pytest.fixture(scope="session")
def _client_defaults(_one_app) -> dict:
    return {name: getattr(_one_app, name) for name in CLIENT_ATTRIBUTES}


@pytest.fixture
def app_over(_one_app, _client_defaults, clock: Clock) -> Callable[[Path], TestClient]:
    """`app_over(path)`: a client on the process's one app, reset over the database at `path`,
    its clock `clock` (at DEMO_NOW unless the test moves it). Once per test: a test that needs
    two apps at once builds the other with `make_app`."""
    used: list[Path] = []

    def over(path: Path) -> TestClient:
        if used:
            raise RuntimeError(f"the one app already serves {used[0]}: use make_app for {path}")
        used.append(path)
        return reset(_one_app, path, clock, _client_defaults)

    return over


@pytest.fixture
def client(app_over, seeded_path: Path) -> TestClient:
    """A client on the app over the test's own seeded database, its clock pinned at DEMO_NOW.
    One app serves every test of a process, reset before each (tests/test_one_app.py checks
    that nothing a test leaves behind reaches the next)."""
    return app_over(seeded_path)


@pytest.fixture
def live_server(seeded_path: Path) -> Iterator[LiveServer]:
    """`lieux serve` over the test's own seeded database (the test may change its data)."""
    server = LiveServer(seeded_path)
    yield server
    server.stop()


def _unchanged(path: Path) -> dict:
    """What a read-only server must leave as it was: the data revision and every table's rows
    (the search index and the refresh lease aside: the server keeps those itself)."""
    connection = database.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'lieux_search%' AND name NOT IN ('search_state', 'leases')"
            )
        ]
        counts = {
            t: connection.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables
        }
        return {"revision": data_revision(connection), **counts}
    finally:
        connection.close()


@contextmanager
def read_only(path: Path) -> Iterator[LiveServer]:
    """`lieux serve` over `path` for tests that only read: shared by the tests of a module (a
    server takes a second to start, ten on a busy machine). Fails if they changed its data."""
    before = _unchanged(path)
    server = LiveServer(path)
    try:
        yield server
    finally:
        server.stop()
    assert _unchanged(path) == before, f"a test changed the data of the read-only server {path}"


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory, seeded_template) -> Iterator[LiveServer]:
    """One `lieux serve` over the seeded data for all the tests of a module that only read."""
    path = tmp_path_factory.mktemp("read-only") / "lieux.sqlite3"
    copy_database(seeded_template, path)
    with read_only(path) as server:
        yield server


AXE = Path(__file__).parents[1] / "var" / "test-assets" / "axe-core-4.14.1.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, fetched and integrity-checked by `make test-assets`."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.name} is missing: run `make test-assets` (make test does)")
    return AXE.read_text("utf-8")


# The WCAG 2.x A and AA rules, what the pages are held to; the embeds, pasted into pages we do
# not know, are held to every rule axe-core has (its best practices too).
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def axe_violations(
    page, axe_source: str, within: str | None = None, *, tags: tuple[str, ...] | None = WCAG
) -> list[str]:
    """Serious and critical violations axe-core finds on the page (or inside the element
    `within` selects), for the rules of `tags` (None: every rule)."""
    # Evaluated by the test driver: a <script> added to the page would be refused by our CSP.
    page.evaluate(axe_source)
    # Only the violations are gathered and sent back: collecting what passes took half the time.
    return page.evaluate(
        """async ([within, tags]) => {
            const options = {resultTypes: ['violations']};
            if (tags) options.runOnly = {type: 'tag', values: tags};
            const result = await axe.run(within || document, options);
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ` +
                    JSON.stringify(v.nodes.slice(0, 3).map(n => n.target)));
        }""",
        [within, list(tags) if tags else None],
    )


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                # One renderer process for a page and its cross-origin frames (the embeds' partner
                # pages): the same-origin rules, CSP and frame-ancestors hold as before, and the
                # browser tests take 15% less CPU (90 tests: 87 -> 74 s) on a 2-core CI machine.
                "--disable-site-isolation-trials",
                "--disable-features=site-per-process,IsolateOrigins",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def actions(client, seeded_path):
    """What a person does (sign in, post forms) with `client` (see tests/people.py)."""
    from tests.people import Actions

    return Actions(client, seeded_path)


@pytest.fixture
def manager(actions) -> str:
    """`client` signed in as a co-manager of babel-zin ("Co A"); the CSRF token."""
    return actions.sign_in()
