"""schema.org JSON-LD on the lieu page: real hours and events only, safe inside <script>."""

import json
import re
from datetime import datetime, time

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db import hours
from lieux.db.activities import insert_activity
from lieux.db.lieux import get_lieu, upsert_lieu
from lieux.hours.models import HolidayRule, OpeningSlot
from lieux.models import LieuWrite
from tests.conftest import DEMO_NOW

AT = "2026-11-23T09:00:00+01:00"


def json_ld(html: str) -> list[dict]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))


def test_demo_hours_and_events_are_never_published(client):
    place, *events = json_ld(client.get(f"/lieux/club-55?at={AT}").text)
    assert place["@type"] == "Place"
    assert place["address"]["streetAddress"] == "Rue de Veeweyde 55"
    assert place["telephone"] == "+3225220363"
    assert "openingHoursSpecification" not in place
    assert events == []


def test_real_hours_and_events_are_described(client, seeded_path):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "circuit")
    hours.replace_hours(
        db,
        lieu.id,
        slots=[OpeningSlot(weekday=4, opens=time(20), closes=time(2))],
        exceptions=[],
        holiday_rule=HolidayRule(rule="closed"),
    )
    insert_activity(
        db,
        lieu.id,
        ActivityWrite(
            kind="atelier",
            title="Atelier </script><script>alert(1)</script>",
            starts_at=datetime(2026, 11, 24, 14),
            ends_at=datetime(2026, 11, 24, 16),
        ),
        uid="real-1@test",
        now=DEMO_NOW,
    )
    db.close()
    html = client.get(f"/lieux/circuit?at={AT}").text
    assert "<script>alert(1)" not in html
    place, *events = json_ld(html)
    assert place["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Friday",
            "opens": "20:00",
            "closes": "02:00",
        }
    ]
    real = [e for e in events if e["name"].startswith("Atelier")]
    assert real[0]["startDate"] == "2026-11-24T14:00:00+01:00"
    assert real[0]["eventStatus"] == "https://schema.org/EventScheduled"
    assert real[0]["location"]["name"] == "Circuit"


def test_description_in_french_is_marked_when_another_language_is_read(client, seeded_path):
    html = client.get("/lieux/club-55?lang=nl").text
    assert 'class="lead" lang="fr"' in html
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "club-55")
    upsert_lieu(
        db,
        LieuWrite(
            slug=lieu.slug,
            name=lieu.name,
            address=lieu.address,
            postcode=lieu.postcode,
            commune=lieu.commune,
            phone=lieu.phone,
            description=lieu.description,
            description_nl="Een plek voor activiteiten.",
            governance=lieu.governance,
        ),
        now=DEMO_NOW,
    )
    db.close()
    html = client.get("/lieux/club-55?lang=nl").text
    assert 'class="lead">Een plek voor activiteiten.' in html


def test_lieu_page_links_to_the_map_and_says_how_to_join(client):
    html = client.get("/lieux/babel-zin").text
    assert "https://www.openstreetmap.org/search?query=Chauss%C3%A9e+de+Wavre+1688" in html
    assert "autogéré" in html
