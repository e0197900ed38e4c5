"""The project's seed: the real lieux from the network's guide (lieux/demo.py adds the demo).

The guide facts (names, addresses, phones, descriptions) are public; their opening hours are not,
so the real seed enters none: every lieu stays 'unknown' until its co-managers enter its hours.
The demo dataset is fictional, flagged `demo` row by row, and the pages show a banner while any
of it is loaded. Both are idempotent.
"""

import json
from datetime import datetime
from importlib import resources

import msgspec
from sqlite_utils import Database

from lieux.db.lieux import get_lieu, list_helplines, upsert_helpline, upsert_lieu
from lieux.models import Helpline, LieuWrite
from lieux.slugs import slugify

GUIDE = "lieux-guide.json"


def load_guide() -> dict:
    return json.loads(resources.files("lieux.data").joinpath(GUIDE).read_text("utf-8"))


def seed_guide(db: Database, *, now: datetime) -> int:
    """Add the guide's lieux and helplines that are not there yet; return how many lieux the guide
    has. Once a lieu or the helplines are in, the network keeps them from the web (a re-seed never
    overwrites a co-manager's edit, revives an archived lieu or a helpline an admin renamed)."""
    guide = load_guide()
    with db.atomic():
        seed_lieux(db, guide, now=now)
        have = {line.name: line for line in list_helplines(db)}
        for entry in guide["helplines"]:
            line = helpline(entry)
            if not have:
                upsert_helpline(db, line)
            elif entry["name"] in have:  # only the translations it lacks (added by m150)
                upsert_helpline(db, fill_translations(have[entry["name"]], line))
    return len(guide["lieux"])


def seed_lieux(db: Database, guide: dict, *, now: datetime) -> None:
    """The guide's lieux that are not there yet (also what a test of an old schema needs: the
    helplines' columns grew since)."""
    for entry in guide["lieux"]:
        if get_lieu(db, slugify(entry["name"]), archived=True) is not None:
            continue
        upsert_lieu(
            db,
            LieuWrite(
                slug=slugify(entry["name"]),
                name=entry["name"],
                address=entry["address"],
                postcode=entry["postcode"],
                commune=entry["commune"],
                phone=entry.get("phone"),
                description=entry["description_fr"],
                governance=entry["governance"],
            ),
            now=now,
        )


# The guide's words for a line that answers day and night, an OpenStreetMap string as it is.
ROUND_THE_CLOCK = "24/7"
# What each of the guide's helplines is for, in the three languages (the guide says it once, in
# the line's own language: that wording is kept). Numbers and hours come from the guide only.
HELPLINE_WHAT: dict[str, dict[str, str]] = {
    "Télé-Accueil": {"fr": "Ligne d'écoute", "nl": "Luisterlijn", "en": "Listening line"},
    "Tele-Onthaal": {"fr": "Ligne d'écoute", "nl": "Luisterlijn", "en": "Listening line"},
    "Centre de prévention du suicide": {
        "fr": "Prévention du suicide",
        "nl": "Zelfmoordpreventie",
        "en": "Suicide prevention",
    },
    "Zelfmoordlijn": {
        "fr": "Prévention du suicide",
        "nl": "Zelfmoordpreventie",
        "en": "Suicide prevention",
    },
    "Écoute-Enfants": {
        "fr": "Ligne pour enfants et adolescents",
        "nl": "Lijn voor kinderen en jongeren",
        "en": "Line for children and teenagers",
    },
    "Community Help Service": {
        "fr": "Ligne d'écoute",
        "nl": "Luisterlijn",
        "en": "Helpline in English",
    },
}


def fill_translations(line: Helpline, guide: Helpline) -> Helpline:
    """`line` as the network keeps it, plus the guide's Dutch and English texts it lacks."""
    missing = ("what_nl", "what_en", "hours_nl", "hours_en")
    return msgspec.structs.replace(
        line, **{key: getattr(line, key) or getattr(guide, key) for key in missing}
    )


def helpline(entry: dict) -> Helpline:
    """A helpline of the guide, described in French, Dutch and English (French if unknown)."""
    what = HELPLINE_WHAT.get(entry["name"], {entry["language"]: entry["what"]})
    return Helpline(
        name=entry["name"],
        number=entry["number"],
        hours=entry["hours"],
        language=entry["language"],
        what=what.get("fr", entry["what"]),
        what_nl=what.get("nl"),
        what_en=what.get("en"),
        # When it answers, as the hours engine reads it: the guide's "24/7", or nothing where
        # the guide gives no hours (never guessed: unknown, the line is never said to answer).
        opening_hours=entry["hours"] if entry["hours"] == ROUND_THE_CLOCK else None,
    )
