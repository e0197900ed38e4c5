"""Databases a visitor may meet besides the demo: the real data only (no hours anywhere), and
real data where a few lieux have entered their hours (some closed, the others unknown)."""

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db import hours
from lieux.db.lieux import get_lieu
from lieux.seed import seed_guide
from lieux.widget.models import OpeningSlot
from tests.conftest import DEMO_NOW, Clock, make_app

# Two lieux with (fictional, test-only) weekday hours, the nine others unknown.
MIXED_HOURS = {"club-55": (time(10), time(16)), "la-trace": (time(9), time(12))}


@pytest.fixture
def real_path(db_path: Path) -> Path:
    """What a server holding only the network's guide serves: `lieux seed` without --demo."""
    connection = database.connect(db_path)
    seed_guide(connection, now=DEMO_NOW)
    connection.close()
    return db_path


@pytest.fixture
def real_client(real_path: Path, clock: Clock) -> Iterator[TestClient]:
    with TestClient(app=make_app(real_path, clock)) as test_client:
        yield test_client


@pytest.fixture
def mixed_client(real_path: Path, clock: Clock) -> Iterator[TestClient]:
    connection = database.connect(real_path)
    for slug, (opens, closes) in MIXED_HOURS.items():
        slots = [OpeningSlot(weekday=day, opens=opens, closes=closes) for day in range(5)]
        lieu = get_lieu(connection, slug)
        hours.replace_hours(connection, lieu.id, slots=slots, exceptions=[], holiday_rule=None)
    connection.close()
    with TestClient(app=make_app(real_path, clock)) as test_client:
        yield test_client
