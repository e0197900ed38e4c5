import json
from datetime import time
from pathlib import Path

from lieux.db import hours
from lieux.db.activities import list_activities
from lieux.db.lieux import get_lieu, has_demo_data, list_helplines, list_lieux
from lieux.demo import seed_demo
from lieux.hours.models import OpeningSlot
from lieux.models import helplines_for
from lieux.seed import HELPLINE_WHAT, load_guide, seed_guide
from lieux.slugs import slugify
from tests.conftest import DEMO_NOW, DEMO_TODAY

SHARED_GUIDE = Path(__file__).parents[3] / "shared" / "data" / "lieux-guide.json"


def guide() -> dict:
    return load_guide()


def test_shipped_guide_matches_the_networks_facts():
    if SHARED_GUIDE.exists():  # beside the repository in development and CI
        assert json.loads(SHARED_GUIDE.read_text("utf-8")) == guide()


def test_seed_loads_every_real_lieu_with_its_facts_and_no_hours(db):
    assert seed_guide(db, now=DEMO_NOW) == 11
    lieux = list_lieux(db)
    assert len(lieux) == 11
    for entry in guide()["lieux"]:
        lieu = get_lieu(db, slugify(entry["name"]))
        assert lieu is not None
        assert (lieu.address, lieu.postcode, lieu.commune, lieu.phone) == (
            entry["address"],
            entry["postcode"],
            entry["commune"],
            entry.get("phone"),
        )
        assert not hours.get_hours(db, lieu.id).known  # unknown, never invented
    assert [h.number for h in list_helplines(db)][:2] == ["107", "106"]
    assert not has_demo_data(db)
    assert list_activities(db) == []


def test_seed_is_idempotent(db):
    seed_guide(db, now=DEMO_NOW)
    first = [(lieu.id, lieu.slug) for lieu in list_lieux(db)]
    seed_guide(db, now=DEMO_NOW)
    assert [(lieu.id, lieu.slug) for lieu in list_lieux(db)] == first
    assert len(list_helplines(db)) == len(guide()["helplines"])


def test_demo_is_idempotent_labelled_and_covers_the_cases(db):
    seed_guide(db, now=DEMO_NOW)
    added = seed_demo(db, today=DEMO_TODAY, now=DEMO_NOW)
    assert added >= 20
    assert seed_demo(db, today=DEMO_TODAY, now=DEMO_NOW) == 0
    assert has_demo_data(db)
    activities = list_activities(db)
    assert len(activities) == added
    assert all(a.demo for a in activities)
    assert any(a.rrule and "WEEKLY" in a.rrule and a.kind == "cafe-papote" for a in activities)
    assert any(a.rrule and "MONTHLY" in a.rrule and a.kind == "assemblee" for a in activities)
    assert any(a.status == "cancelled" for a in activities)
    assert any(o.status == "cancelled" for a in activities for o in a.overrides)
    assert any(a.ends_at.date() > a.starts_at.date() and not a.all_day for a in activities)
    assert any(
        a.kind == "ouverture" and a.starts_at.date().isoformat() == "2026-12-25" for a in activities
    )
    every_hours = hours.all_hours(db)
    assert len(every_hours) == 11
    assert all(h.demo for h in every_hours.values())
    pianocktail = every_hours[get_lieu(db, "le-pianocktail").id]
    assert any(s.closes <= s.opens for s in pianocktail.slots)  # an overnight slot


def test_demo_keeps_hours_a_lieu_already_has(db):
    seed_guide(db, now=DEMO_NOW)
    lieu = get_lieu(db, "circuit")
    real = OpeningSlot(weekday=0, opens=time(9), closes=time(11))
    hours.replace_hours(db, lieu.id, slots=[real], exceptions=[], holiday_rule=None)
    seed_demo(db, today=DEMO_TODAY, now=DEMO_NOW)
    assert hours.get_hours(db, lieu.id).slots == (real,)


def test_slugify():
    assert slugify("L'Entr'Act") == "l-entr-act"
    assert slugify("Espace JV (Jean Vermeylen)") == "espace-jv-jean-vermeylen"
    assert slugify("Babel'Zin") == "babel-zin"


def test_helplines_are_described_in_three_languages_with_the_guides_own_words(db):
    seed_guide(db, now=DEMO_NOW)
    lines = {h.name: h for h in list_helplines(db)}
    assert set(HELPLINE_WHAT) == set(lines)  # a translation for each line, and no other line
    for entry in guide()["helplines"]:
        line = lines[entry["name"]]
        # Numbers, hours and languages are the guide's; its wording stays in its language.
        assert (line.number, line.hours, line.language) == (
            entry["number"],
            entry["hours"],
            entry["language"],
        )
        assert line.what_in(entry["language"]) == entry["what"]
        assert all(line.what_in(lang) for lang in ("fr", "nl", "en"))
    assert lines["Tele-Onthaal"].what_in("fr") == "Ligne d'écoute"
    assert lines["Télé-Accueil"].what_in("nl") == "Luisterlijn"


def test_helplines_in_the_order_of_each_language(db):
    seed_guide(db, now=DEMO_NOW)
    every = list_helplines(db)
    numbers = {lang: [h.number for h in helplines_for(every, lang)] for lang in ("fr", "nl", "en")}
    assert numbers["nl"][:2] == ["106", "1813"]
    assert numbers["fr"][0] == numbers["en"][0] == "107"
    assert numbers["fr"].index("107") < numbers["fr"].index("106")
    assert numbers["fr"] == numbers["en"]
    assert sorted(numbers["nl"]) == sorted(numbers["fr"])  # the same lines, reordered
