"""Databases beside the demo one: the real lieux only (hours unknown), and one lieu with hours."""

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import hours as hours_db
from lieux.db.lieux import get_lieu
from lieux.seed import seed_guide
from lieux.widget.models import OpeningSlot
from tests.conftest import DEMO_NOW, make_app

# The lieu that has entered its hours in the "mixed" database: Monday to Friday, 09:30-16:30.
MIXED_SLUG = "club-55"


def seed_real(path: Path, *, with_hours: str | None = None) -> Path:
    """What `lieux seed` without --demo loads, and optionally one lieu's weekday hours."""
    connection = database.connect(path)
    database.migrate(connection)
    seed_guide(connection, now=DEMO_NOW)
    if with_hours:
        hours_db.replace_hours(
            connection,
            get_lieu(connection, with_hours).id,
            slots=[
                OpeningSlot(weekday=d, opens=time(9, 30), closes=time(16, 30)) for d in range(5)
            ],
            exceptions=[],
            holiday_rule=None,
        )
    connection.close()
    return path


@pytest.fixture
def real_path(tmp_path: Path) -> Path:
    """The real lieux and helplines only: nobody has entered any hours."""
    return seed_real(tmp_path / "real.sqlite3")


@pytest.fixture
def mixed_path(tmp_path: Path) -> Path:
    """The real lieux, of which one (MIXED_SLUG) has entered its hours."""
    return seed_real(tmp_path / "mixed.sqlite3", with_hours=MIXED_SLUG)


@pytest.fixture
def real_client(real_path: Path) -> Iterator[TestClient]:
    with TestClient(app=make_app(real_path)) as test_client:
        yield test_client


@pytest.fixture
def mixed_client(mixed_path: Path) -> Iterator[TestClient]:
    with TestClient(app=make_app(mixed_path)) as test_client:
        yield test_client
