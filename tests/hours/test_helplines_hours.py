"""Helplines say when they answer (issue 22): their hours read by the hours engine; a line whose
hours nobody gave is listed apart, never said to answer; "jour et nuit" only of 24/7 lines."""

import time as clock_time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest

from lieux import db as database
from lieux.db.lieux import list_helplines, upsert_helpline
from lieux.hours.helplines import helplines_at
from lieux.models import Helpline
from lieux.revision_cache import REVISION_CHECK_SECONDS
from lieux.seed import load_guide, seed_guide
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
DAY_AND_NIGHT = Helpline(name="Jour", number="107", language="fr", what="x", opening_hours="24/7")
OFFICE = Helpline(
    name="Bureau",
    number="02 000 00 01",
    language="fr",
    what="x",
    opening_hours="Mo-Fr 09:00-17:00; PH off",
)
UNKNOWN = Helpline(name="Sans heures", number="103", language="fr", what="x")
UNREADABLE = Helpline(name="Illisible", number="02 000 00 02", language="fr", what="x",
                      opening_hours="quand on peut")  # fmt: skip
LINES = [DAY_AND_NIGHT, OFFICE, UNKNOWN, UNREADABLE]


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


def names(lines):
    return [line.name for line in lines]


@pytest.mark.parametrize(
    ("at", "answering", "later"),
    [
        (local(2026, 11, 23, 12), ["Jour", "Bureau"], []),  # a Monday noon
        (local(2026, 11, 23, 17), ["Jour"], ["Bureau"]),  # closes at 17:00 sharp
        (local(2026, 11, 29, 3), ["Jour"], ["Bureau"]),  # Sunday night
        (local(2026, 12, 25, 12), ["Jour"], ["Bureau"]),  # Christmas, a Friday: PH off
    ],
)
def test_only_lines_whose_hours_say_so_answer(at, answering, later):
    now = helplines_at(LINES, at, zone=ZONE, iris_day=True)
    assert names(now.answering) == answering
    assert names(now.later) == later
    # No hours, or hours nobody can read: apart, never answering, never "jour et nuit".
    assert names(now.unknown) == ["Sans heures", "Illisible"]
    assert names(now.round_the_clock) == ["Jour"]


def test_the_next_change_of_a_line_is_known():
    now = helplines_at(LINES, local(2026, 11, 23, 12), zone=ZONE, iris_day=True)
    assert now.changes == [local(2026, 11, 23, 17)]


def test_office_hours_are_not_day_and_night():
    now = helplines_at([OFFICE], local(2026, 11, 23, 12), zone=ZONE, iris_day=True)
    assert now.round_the_clock == [] and now.answering == [OFFICE]


@pytest.fixture
def only_office_and_unknown(seeded_path):
    """The guide's lines, all but 103 given office hours: no line answers at night."""
    db = database.connect(seeded_path)
    for line in list_helplines(db):
        if line.opening_hours:
            upsert_helpline(db, msgspec.structs.replace(line, opening_hours="Mo-Fr 09:00-17:00"))
    db.close()
    clock_time.sleep(REVISION_CHECK_SECONDS + 0.1)


def test_at_night_no_line_is_claimed_to_answer(client, clock, only_office_and_unknown):
    clock.now = local(2026, 11, 24, 3)  # a Tuesday, 03:00: no lieu open, no line answering
    widget = client.get("/widget/open-now?show=all").text
    assert "Ces lignes répondent maintenant" not in widget
    assert "Autres lignes (heures inconnues)" in widget and "103" in widget
    home = client.get("/").text
    assert "Besoin de parler maintenant ? Ces lignes répondent" not in home
    assert "jour et nuit" not in home  # neither the sections nor the footer
    assert "Ne répondent pas en ce moment" in home
    assert "Heures inconnues : appelez pour savoir si elles répondent." in home
    poster = client.get("/lieux/babel-zin/poster").text
    assert "jour et nuit" not in poster and 'id="p-helplines">Lignes d' in poster


def test_the_guide_lines_at_night(client, clock):
    clock.now = local(2026, 11, 24, 3)
    home = client.get("/").text
    said = home[home.index('id="nothing-open"') :]
    said = said[: said.index("</section>")]
    answering = said[: said.index("Heures inconnues")]
    # The guide's 24/7 lines answer; Écoute-Enfants (103, no hours in the guide) is apart.
    assert "107" in answering and '<span class="number">103</span>' not in answering
    assert '<span class="number">103</span>' in said
    assert "jour et nuit" in client.get("/lieux/babel-zin/poster").text


def test_the_seed_gives_the_guides_24_7_and_nothing_where_it_gives_no_hours(db):
    seed_guide(db, now=DEMO_NOW)
    given = {line.number: line.opening_hours for line in list_helplines(db)}
    guide = {entry["number"]: entry["hours"] for entry in load_guide()["helplines"]}
    assert given == {n: ("24/7" if hours == "24/7" else None) for n, hours in guide.items()}
    assert given["103"] is None  # Écoute-Enfants: the guide gives no hours, none is guessed


def test_m700_carries_the_words_24_7_over_and_leaves_the_rest_unknown(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = database.connect(path)
    database.MIGRATIONS.apply(old, stop_before="m700_helpline_hours")
    for number, hours in (("107", "24/7"), ("103", None), ("02 000 00 01", "9h-17h")):
        old["helplines"].insert(
            {"name": number, "number": number, "hours": hours, "language": "fr", "what": "X"}
        )
    old.close()
    upgraded = database.connect(path)
    database.migrate(upgraded)
    given = {line.number: line.opening_hours for line in list_helplines(upgraded)}
    assert given == {"107": "24/7", "103": None, "02 000 00 01": None}
