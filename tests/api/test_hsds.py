"""The HSDS 3.0 export, validated against the official JSON Schemas (tests/hsds, a copy)."""

import json
import uuid
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from litestar.testing import TestClient
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lieux import db as database
from lieux.db.hours import replace_hours
from lieux.db.lieux import get_lieu, upsert_lieu
from lieux.db.live_status import set_live_status
from lieux.hours.models import HolidayRule, LiveStatus, OpeningException, OpeningSlot
from lieux.models import LieuWrite
from lieux.seed import seed_guide
from tests.conftest import DEMO_NOW, Clock, make_app

HSDS = Path(__file__).parents[1] / "hsds"


def _load(name: str) -> dict:
    return json.loads((HSDS / name).read_text("utf-8"))


REGISTRY = Registry().with_resources(
    (path.name, Resource.from_contents(_load(f"schema/{path.name}"), DRAFT202012))
    for path in sorted((HSDS / "schema").glob("*.json"))
)
PAGE = _load("openapi.json")["components"]["schemas"]["Page"]


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


SERVICE = validator(_load("schema/service.json"))
SERVICE_INLINE = validator(_load("service_with_definitions.json"))
SERVICE_LIST = validator(_load("service_list.json"))
ORGANIZATION = validator(_load("schema/organization.json"))
ORGANIZATION_LIST = validator(_load("organization_list.json"))
PAGING = validator({**PAGE, "required": list(PAGE["properties"])})


def errors_of(checker: Draft202012Validator, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(instance)
    ]


def ids_in(value) -> list[str]:
    """Every `id` and `*_id` anywhere in a record."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k == "id" or k.endswith("_id")]
        return found + [i for v in value.values() for i in ids_in(v)]
    if isinstance(value, list):
        return [i for v in value for i in ids_in(v)]
    return []


def check_export(client: TestClient, lang: str = "fr") -> list[dict]:
    """Validate every list and record of the export; return the services."""
    services = client.get("/api/hsds/services", params={"lang": lang, "per_page": 100}).json()
    assert errors_of(PAGING, services) == []
    assert services["total_items"] == len(services["contents"]) > 0
    for record in services["contents"]:
        assert errors_of(SERVICE_LIST, record) == []
        assert errors_of(SERVICE, record) == []
        assert errors_of(SERVICE_INLINE, record) == []
        for value in ids_in(record):
            assert str(uuid.UUID(value)) == value
        one = client.get(f"/api/hsds/services/{record['id']}", params={"lang": lang})
        assert one.status_code == 200 and one.json() == record
    organizations = client.get("/api/hsds/organizations", params={"lang": lang}).json()
    assert errors_of(PAGING, organizations) == []
    assert organizations["total_items"] == services["total_items"]
    for record in organizations["contents"]:
        assert errors_of(ORGANIZATION_LIST, record) == []
        assert errors_of(ORGANIZATION, record) == []
        one = client.get(f"/api/hsds/organizations/{record['id']}", params={"lang": lang})
        assert one.status_code == 200 and one.json() == record
    return services["contents"]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_demo_export_validates_and_never_shows_demo_hours(client, lang):
    services = check_export(client, lang)
    assert len(services) == 11
    # every lieu's hours are fictional demo hours: no schedule, no demo closure in an alert
    assert all(not s.get("schedules") for s in services)
    assert all("alert" not in s for s in services)
    assert {s["status"] for s in services} == {"active"}


@pytest.fixture
def real_path(db_path: Path) -> Path:
    """The real lieux only (`lieux seed` without --demo)."""
    db = database.connect(db_path)
    seed_guide(db, now=DEMO_NOW)
    db.close()
    return db_path


def test_the_real_lieux_export_validates(real_path):
    with TestClient(app=make_app(real_path)) as client:
        services = check_export(client)
    db = database.connect(real_path)
    lieux = {lieu.name for lieu in [get_lieu(db, s["url"].rsplit("/", 1)[1]) for s in services]}
    db.close()
    assert {s["name"] for s in services} == lieux
    babel = next(s for s in services if s["name"] == "Babel'Zin")
    address = babel["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"]) == (
        "Chaussée de Wavre 1688", "1160", "Auderghem",
    )  # fmt: skip
    assert address["country"] == "BE"
    assert babel["phones"][0]["number"] == "0492 44 88 70"


@pytest.fixture
def profiled(real_path: Path) -> Path:
    """A real lieu given a test profile and hours entered by hand (not demo, not real facts:
    this database exists only in this test)."""
    db = database.connect(real_path)
    lieu = get_lieu(db, "club-55")
    upsert_lieu(
        db,
        LieuWrite(
            slug=lieu.slug,
            name=lieu.name,
            address=lieu.address,
            postcode=lieu.postcode,
            commune=lieu.commune,
            lat=50.8366,
            lon=4.3092,
            phone=lieu.phone,
            email="accueil@example.org",
            website="https://example.org/",
            description=lieu.description,
            description_nl="Een ontmoetingsplek.",
            welcome="Pour toute personne adulte.",
            price="free",
            step_free="partly",
            accessibility_note="Une marche à l'entrée.",
            languages=("fr", "nl", "ar"),
            transport="Métro Clemenceau",
            governance=lieu.governance,
        ),
        now=DEMO_NOW,
    )
    slots = [OpeningSlot(weekday=day, opens=time(10), closes=time(16)) for day in (0, 1, 3)] + [
        OpeningSlot(weekday=4, opens=time(18), closes=time(1))
    ]
    replace_hours(
        db,
        lieu.id,
        slots=slots,
        exceptions=[
            OpeningException(
                start_date=date(2026, 12, 24), end_date=date(2027, 1, 1), kind="closed",
                note="Congés d'hiver",
            ),
            OpeningException(
                start_date=date(2026, 12, 31), end_date=date(2026, 12, 31), kind="special",
                opens=time(10), closes=time(14), note="Réveillon",
            ),
            OpeningException(  # over before DEMO_TODAY: not exported
                start_date=date(2026, 8, 1), end_date=date(2026, 8, 15), kind="closed",
            ),
        ],
        holiday_rule=HolidayRule(rule="closed"),
    )  # fmt: skip
    db.close()
    return real_path


def test_hours_profile_and_closures_become_hsds_fields(profiled):
    with TestClient(app=make_app(profiled)) as client:
        services = check_export(client)
        dutch = {s["name"]: s for s in check_export(client, "nl")}
        english = {s["name"]: s for s in check_export(client, "en")}
    club = next(s for s in services if s["name"] == "Club 55")
    weekly = [s for s in club["schedules"] if s.get("freq") == "WEEKLY"]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in weekly] == [
        ("MO,TU,TH", "10:00", "16:00"),
        ("FR", "18:00", "01:00"),
    ]
    assert all("Europe/Brussels" in s["description"] for s in weekly)
    assert all("Fermé les jours fériés." in s["notes"] for s in weekly)
    special = [s for s in club["schedules"] if "freq" not in s]
    assert [(s["valid_from"], s["valid_to"], s["opens_at"], s["closes_at"]) for s in special] == [
        ("2026-12-31", "2026-12-31", "10:00", "14:00"),
    ]
    assert club["alert"] == "Fermé du 24 décembre 2026 au 1 janvier 2027 (Congés d'hiver)."
    assert club["status"] == "active"  # the closure has not started on DEMO_TODAY
    assert [(lang["code"], lang["name"]) for lang in club["languages"]] == [
        ("fr", "français"), ("nl", "néerlandais"), ("ar", "arabe"),
    ]  # fmt: skip
    assert club["cost_options"][0]["amount"] == 0 and club["fees_description"] == "Gratuit"
    assert club["eligibility_description"] == "Pour toute personne adulte."
    location = club["service_at_locations"][0]["location"]
    assert location["accessibility"][0]["details"] == "Une marche à l'entrée."
    assert (location["latitude"], location["transportation"]) == (50.8366, "Métro Clemenceau")
    assert club["organization"]["website"] == "https://example.org/"
    # Dutch: the lieu's Dutch description, the labels translated, French where nothing is written
    club_nl = dutch["Club 55"]
    assert club_nl["description"] == "Een ontmoetingsplek."
    assert club_nl["eligibility_description"] == "Pour toute personne adulte."
    assert club_nl["fees_description"] == "Gratis"
    assert club_nl["alert"].startswith("Gesloten van 24 december 2026 tot 1 januari 2027")
    assert [lang["name"] for lang in club_nl["languages"]] == ["Frans", "Nederlands", "Arabisch"]
    assert club_nl["id"] == club["id"]
    club_en = english["Club 55"]
    assert club_en["alert"] == "Closed from 24 December 2026 to 1 January 2027 (Congés d'hiver)."
    assert club_en["fees_description"] == "Free"
    assert "Local time in Brussels" in club_en["schedules"][0]["description"]
    assert club_en["service_at_locations"][0]["location"]["accessibility"][0]["description"] == (
        "Partly step-free access"
    )


def test_a_lieu_closed_today_is_temporarily_closed(profiled):
    clock = Clock(DEMO_NOW.replace(month=12, day=28))
    with TestClient(app=make_app(profiled, clock)) as client:
        services = client.get("/api/hsds/services").json()["contents"]
    club = next(s for s in services if s["name"] == "Club 55")
    assert club["status"] == "temporarily closed"


def test_ids_never_change(client):
    """uuid5 of the slug in a fixed namespace: the same on any database, any day."""
    services = client.get("/api/hsds/services").json()["contents"]
    babel = next(s for s in services if s["name"] == "Babel'Zin")
    assert babel["id"] == "526f354a-72ad-5c40-9406-16086ef07fdc"
    assert babel["organization_id"] == "1ab13413-6f0d-5a58-83cd-49d479d050ec"


def test_paging(client):
    first = client.get("/api/hsds/services", params={"per_page": 4}).json()
    assert (first["total_items"], first["total_pages"], first["size"]) == (11, 3, 4)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = client.get("/api/hsds/services", params={"per_page": 4, "page": 3}).json()
    assert (last["size"], last["last_page"], last["page_number"]) == (3, True, 3)
    beyond = client.get("/api/hsds/services", params={"per_page": 4, "page": 9}).json()
    assert beyond["empty"] and beyond["contents"] == []
    names = [s["name"] for p in (1, 2, 3) for s in client.get(
        "/api/hsds/services", params={"per_page": 4, "page": p}).json()["contents"]]  # fmt: skip
    assert len(set(names)) == 11


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/hsds/services?page=0", 400),
        ("/api/hsds/services?per_page=101", 400),
        ("/api/hsds/services?per_page=abc", 400),
        ("/api/hsds/organizations?lang=de", 400),
        ("/api/hsds/services/not-a-uuid", 404),
        (f"/api/hsds/services/{uuid.UUID(int=0)}", 404),
        (f"/api/hsds/organizations/{uuid.UUID(int=1)}", 404),
    ],
)
def test_bad_requests_are_json_errors(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["status_code"] == status and response.json()["detail"]


def _live(path: Path, state: str, *, hours: int, closes_at=None, note: str = "") -> None:
    """Club 55's co-manager sets a live status at DEMO_NOW that lasts `hours` hours."""
    db = database.connect(path)
    lieu = get_lieu(db, "club-55")
    set_live_status(
        db,
        LiveStatus(
            lieu_id=lieu.id,
            state=state,
            starts_at=DEMO_NOW,
            expires_at=DEMO_NOW + timedelta(hours=hours),
            closes_at=closes_at,
            note=note,
            set_at=DEMO_NOW,
        ),
    )
    db.close()


def test_a_lieu_closed_by_its_live_status_is_closed_in_hsds_as_everywhere(profiled):
    # Monday 12:00, in its Monday hours (10:00-16:00): "Fermé aujourd'hui" until midnight.
    _live(profiled, "closed", hours=12, note="Fuite d'eau")
    with TestClient(app=make_app(profiled)) as client:
        club = next(s for s in check_export(client) if s["name"] == "Club 55")
        dutch = next(s for s in check_export(client, "nl") if s["name"] == "Club 55")
        english = next(s for s in check_export(client, "en") if s["name"] == "Club 55")
        state = next(s for s in client.get("/api/open-now").json() if s["slug"] == "club-55")
        widget = client.get("/widget/open-now", params={"show": "all"}).text
    assert (state["state"], state["source"], state["note"]) == ("closed", "live", "Fuite d'eau")
    assert "fermé exceptionnellement" in widget
    assert club["status"] == "temporarily closed"
    live = "Fermé exceptionnellement jusqu'au 23 novembre 2026 inclus (Fuite d'eau)."
    assert club["alert"] == live + " Fermé du 24 décembre 2026 au 1 janvier 2027 (Congés d'hiver)."
    assert all(s["notes"].startswith(live) for s in club["schedules"] if s.get("freq"))
    assert dutch["status"] == "temporarily closed"
    assert dutch["alert"].startswith("Uitzonderlijk gesloten tot en met 23 november 2026")
    assert english["alert"].startswith("Exceptionally closed until 23 November 2026 inclusive")


def test_a_lieu_closing_early_is_closed_in_hsds_once_it_closes(profiled):
    closes = DEMO_NOW + timedelta(hours=2)  # 14:00 in Brussels
    _live(profiled, "closes-early", hours=12, closes_at=closes)
    clock = Clock()
    with TestClient(app=make_app(profiled, clock)) as client:
        before = next(s for s in check_export(client) if s["name"] == "Club 55")
        clock.now = closes + timedelta(minutes=1)
        after = next(s for s in check_export(client) if s["name"] == "Club 55")
        state = next(s for s in client.get("/api/open-now").json() if s["slug"] == "club-55")
    assert before["status"] == "active"
    assert before["alert"].startswith("Ferme plus tôt le 23 novembre 2026, à 14:00.")
    assert (after["status"], state["state"], state["source"]) == (
        "temporarily closed", "closed", "live",
    )  # fmt: skip


def test_a_live_status_that_is_over_or_open_leaves_hsds_alone(profiled):
    _live(profiled, "open", hours=2, note="Ouvert pour la fête")
    clock = Clock()
    with TestClient(app=make_app(profiled, clock)) as client:
        opened = next(s for s in check_export(client) if s["name"] == "Club 55")
    _live(profiled, "closed", hours=1)
    clock.now = DEMO_NOW + timedelta(hours=2)
    with TestClient(app=make_app(profiled, clock)) as client:
        over = next(s for s in check_export(client) if s["name"] == "Club 55")
    for club in (opened, over):
        assert club["status"] == "active"
        assert club["alert"] == "Fermé du 24 décembre 2026 au 1 janvier 2027 (Congés d'hiver)."
