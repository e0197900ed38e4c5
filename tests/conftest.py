"""Shared fixtures: a migrated temporary SQLite file, a seeded one, an app client, a live server
started as a real `lieux serve` process, and a Chromium driven by Playwright."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from jinja2 import BytecodeCache
from litestar.testing import TestClient

from lieux import db as database
from lieux.app import create_app
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"

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
    """Tests that drive Chromium are marked `browser` (Chromium does not run under faketime)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _copy_database(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def _template_databases(tmp_path_factory) -> dict[str, Path]:
    """A migrated database and a seeded one, built once per test process: each test gets its own
    copy (a few milliseconds) instead of migrating and seeding again (a third of a second)."""
    folder = tmp_path_factory.mktemp("template-databases")
    migrated, seeded = folder / "migrated.sqlite3", folder / "seeded.sqlite3"
    connection = database.connect(migrated)
    database.migrate(connection)
    connection.close()
    _copy_database(migrated, seeded)
    connection = database.connect(seeded)
    seed_guide(connection)
    seed_demo(connection, today=DEMO_TODAY)
    connection.close()
    return {"migrated": migrated, "seeded": seeded}


@pytest.fixture
def db_path(tmp_path: Path, _template_databases) -> Path:
    """A migrated database of the test's own, empty."""
    path = tmp_path / "lieux.sqlite3"
    _copy_database(_template_databases["migrated"], path)
    return path


@pytest.fixture
def db(db_path: Path):
    connection = database.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def seeded_path(db_path: Path, _template_databases) -> Path:
    """A database with the real lieux and the demo data, placed around DEMO_TODAY."""
    _copy_database(_template_databases["seeded"], db_path)
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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(seeded_path: Path, clock: Clock) -> Iterator[TestClient]:
    """A client on a fresh app (rate-limit stores are per app) over the seeded database."""
    with TestClient(app=make_app(seeded_path, clock)) as test_client:
        yield test_client


@pytest.fixture
def live_server(seeded_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(seeded_path)
    yield server
    server.stop()


AXE = Path(__file__).parents[1] / "var" / "test-assets" / "axe-core-4.14.1.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, fetched and integrity-checked by `make test-assets`."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.name} is missing: run `make test-assets` (make test does)")
    return AXE.read_text("utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    """Serious and critical WCAG 2.x A/AA violations axe-core finds on the page."""
    # Evaluated by the test driver: a <script> added to the page would be refused by our CSP.
    page.evaluate(axe_source)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
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
