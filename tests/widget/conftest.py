"""Databases beside the demo one: the real lieux only (hours unknown), and one lieu with hours."""

from datetime import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningSlot
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, copy_database

# The lieu that has entered its hours in the "mixed" database: Monday to Friday, 09:30-16:30.
MIXED_SLUG = "club-55"


def seed_real(path: Path, *, with_hours: str | None = None) -> Path:
    """What `lieux seed` without --demo loads, and optionally one lieu's weekday hours."""
    connection = database.connect(path)
    database.migrate(connection)
    seed_guide(connection, now=DEMO_NOW)
    connection.close()
    return enter_hours(path, with_hours) if with_hours else path


def enter_hours(path: Path, slug: str) -> Path:
    """The lieu `slug` opens Monday to Friday, 09:30-16:30."""
    connection = database.connect(path)
    hours_db.replace_hours(
        connection,
        get_lieu(connection, slug).id,
        slots=[OpeningSlot(weekday=d, opens=time(9, 30), closes=time(16, 30)) for d in range(5)],
        exceptions=[],
        holiday_rule=None,
    )
    connection.close()
    return path


@pytest.fixture
def real_path(tmp_path: Path, real_template: Path) -> Path:
    """The real lieux and helplines only: nobody has entered any hours."""
    path = tmp_path / "real.sqlite3"
    copy_database(real_template, path)
    return path


@pytest.fixture
def mixed_path(tmp_path: Path, real_template: Path) -> Path:
    """The real lieux, of which one (MIXED_SLUG) has entered its hours."""
    path = tmp_path / "mixed.sqlite3"
    copy_database(real_template, path)
    return enter_hours(path, MIXED_SLUG)


@pytest.fixture
def real_client(real_path: Path, app_over) -> TestClient:
    return app_over(real_path)


@pytest.fixture
def mixed_client(mixed_path: Path, app_over) -> TestClient:
    return app_over(mixed_path)
