"""Databases a visitor may meet besides the demo: the real data only (no hours anywhere), and
real data where a few lieux have entered their hours (some closed, the others unknown)."""

from datetime import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import hours
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningSlot
from tests.conftest import copy_database

# Two lieux with (fictional, test-only) weekday hours, the nine others unknown.
MIXED_HOURS = {"club-55": (time(10), time(16)), "la-trace": (time(9), time(12))}


@pytest.fixture
def real_path(db_path: Path, real_template: Path) -> Path:
    """What a server holding only the network's guide serves: `lieux seed` without --demo."""
    copy_database(real_template, db_path)
    return db_path


@pytest.fixture
def real_client(real_path: Path, app_over) -> TestClient:
    return app_over(real_path)


@pytest.fixture
def mixed_client(real_path: Path, app_over) -> TestClient:
    connection = database.connect(real_path)
    for slug, (opens, closes) in MIXED_HOURS.items():
        slots = [OpeningSlot(weekday=day, opens=opens, closes=closes) for day in range(5)]
        lieu = get_lieu(connection, slug)
        hours.replace_hours(connection, lieu.id, slots=slots, exceptions=[], holiday_rule=None)
    connection.close()
    return app_over(real_path)
