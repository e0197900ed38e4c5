"""A busy demo week at one lieu: the demo data plus fictional activities on every day of the
week of DEMO_TODAY, a cancelled one, a hostile title and a closure on the Wednesday."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db import activities, hours
from lieux.db.lieux import get_lieu
from lieux.hours.models import OpeningException
from tests.conftest import DEMO_NOW, DEMO_TODAY, Clock, copy_database, make_app, read_only
from tests.live_server import LiveServer

BUSY = "babel-zin"
HOSTILE = '<script>alert("x")</script> & <b>gras</b>'
# Three a day (fictional, flagged demo): what a very active lieu plans in a week.
DAILY = [
    ("10:00", "11:30", "atelier", "Atelier d'écriture « Mots du matin »"),
    ("12:30", "13:30", "repas", "Repas partagé, chacun·e apporte un plat"),
    ("14:00", "15:30", "groupe-de-parole", "Groupe de parole : prendre soin de soi"),
]
CANCELLED = "Sortie au marché du Midi"
CLOSED_DAY = DEMO_TODAY + timedelta(days=2)  # Wednesday 25 November


def _add(db, lieu_id, key, day, start, end, kind, title, **extra):
    activities.insert_activity(
        db,
        lieu_id,
        ActivityWrite(
            kind=kind,
            title=title,
            starts_at=datetime.combine(day, time.fromisoformat(start)),
            ends_at=datetime.combine(day, time.fromisoformat(end)),
            **extra,
        ),
        uid=f"busy-{key}@test",
        now=DEMO_NOW,
        demo=True,
    )


def add_busy_week(path: Path) -> Path:
    """The busy week added to the seeded database at `path`."""
    db = database.connect(path)
    lieu = get_lieu(db, BUSY)
    for n in range(7):
        day = DEMO_TODAY + timedelta(days=n)
        for k, (start, end, kind, title) in enumerate(DAILY):
            _add(db, lieu.id, f"{n}-{k}", day, start, end, kind, f"{title} ({n + 1})")
    _add(db, lieu.id, "cancelled", DEMO_TODAY + timedelta(days=4), "16:00", "18:00", "sortie",
         CANCELLED, status="cancelled")  # fmt: skip
    _add(db, lieu.id, "hostile", DEMO_TODAY + timedelta(days=5), "17:00", "18:00", "autre", HOSTILE)
    current = hours.get_hours(db, lieu.id)
    closure = OpeningException(
        start_date=CLOSED_DAY, end_date=CLOSED_DAY, kind="closed", note="Formation", demo=True
    )
    hours.replace_hours(
        db,
        lieu.id,
        slots=list(current.slots),
        exceptions=[*current.exceptions, closure],
        holiday_rule=current.holiday_rule,
    )
    db.close()
    return path


@pytest.fixture
def busy_path(seeded_path: Path) -> Path:
    return add_busy_week(seeded_path)


@pytest.fixture
def busy_client(busy_path: Path, clock: Clock) -> Iterator[TestClient]:
    with TestClient(app=make_app(busy_path, clock)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory, seeded_template: Path) -> Iterator[LiveServer]:
    """One server for the module's tests: they only read the busy week."""
    path = tmp_path_factory.mktemp("busy") / "lieux.sqlite3"
    copy_database(seeded_template, path)
    with read_only(add_busy_week(path)) as server:
        yield server
