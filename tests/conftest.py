"""Shared fixtures: a migrated temporary SQLite file, a seeded one, an app client, a live server
started as a real `lieux serve` process, and a Chromium driven by Playwright."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.app import create_app
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "lieux.sqlite3"
    db = database.connect(path)
    database.migrate(db)
    db.close()
    return path


@pytest.fixture
def db(db_path: Path):
    connection = database.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    """A database with the real lieux and the demo data, placed around DEMO_TODAY."""
    connection = database.connect(db_path)
    seed_guide(connection)
    seed_demo(connection, today=DEMO_TODAY)
    connection.close()
    return db_path


def make_settings(path: Path, **overrides) -> Settings:
    return Settings(db=str(path), secret="s" * 40, base_url="http://testserver", **overrides)


def make_app(path: Path, clock: Clock | None = None, **overrides):
    """The app over the database at `path`, its clock pinned (at DEMO_NOW unless told)."""
    return create_app(make_settings(path, **overrides), clock=clock or Clock())


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
    page.add_script_tag(content=axe_source)
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
