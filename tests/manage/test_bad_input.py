"""Bad input on every form: a clear message, nothing stored, nothing executed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db.lieux import get_lieu
from lieux.manage import actions, proposal_actions
from lieux.members.invites import issue_invite
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.people import LIEU_A, add_member, check_refused, csrf, sign_in

ZONE = ZoneInfo("Europe/Brussels")

DAY = DEMO_TODAY + timedelta(days=9)
GOOD = {
    "title": "Atelier",
    "kind": "atelier",
    "day": DAY.isoformat(),
    "start": "14:00",
    "end": "16:00",
}
SCRIPT = "<script>alert('x')</script>"

# (what is wrong, form data, message expected on the page)
ACTIVITY_CASES = [
    ("empty", {}, "Ce champ est obligatoire."),
    ("empty title", {**GOOD, "title": "  "}, "Ce champ est obligatoire."),
    ("too long title", {**GOOD, "title": "x" * 201}, "200 caractères au maximum"),
    ("too long description", {**GOOD, "description": "x" * 5001}, "5000 caractères au maximum"),
    ("end before start", {**GOOD, "end": "13:00"}, "La fin doit être après le début."),
    ("bad date", {**GOOD, "day": "31/02/2026"}, "Date invalide"),
    ("bad time", {**GOOD, "start": "25:00"}, "Heure invalide"),
    ("unknown kind", {**GOOD, "kind": "rave"}, "Choix invalide."),
    (
        "rule never occurs",
        {**GOOD, "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"},
        "ne tombe jamais",
    ),
    (
        "until before start",
        {**GOOD, "repeat": "weekly", "until": (DAY - timedelta(days=3)).isoformat()},
        "avant la première",
    ),
    ("unreadable rule", {**GOOD, "rrule": "FREQ=SOMETIMES"}, "illisible"),
    # millions of occurrences to expand: refused before anything is computed
    ("every second", {**GOOD, "rrule": "FREQ=SECONDLY"}, "illisible"),
    ("hourly by a list", {**GOOD, "rrule": "FREQ=DAILY;BYHOUR=1,2,3,4"}, "illisible"),
    ("script in title", {**GOOD, "title": SCRIPT}, "Pas de balises HTML"),
    (
        "html in description",
        {**GOOD, "description": "<img src=x onerror=alert(1)>"},
        "Pas de balises HTML",
    ),
    ("amount without price", {**GOOD, "price": "amount"}, "Indiquez le prix."),
    ("unknown field", {**GOOD, "owner": "me"}, "Champ inconnu."),
]


@pytest.fixture
def world(client, seeded_path):
    manager = add_member(seeded_path, "Co A", {LIEU_A: "co-manager"})
    token = sign_in(client, seeded_path, manager)
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    start = datetime.combine(DAY, datetime.min.time()).replace(hour=10)
    write = ActivityWrite(
        kind="repas",
        title="Repas",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        rrule="FREQ=WEEKLY",
    )
    now = DEMO_NOW
    activity = actions.create_activity(db, lieu, write, by=None, uid="r@test", zone=ZONE, now=now)
    proposal = proposal_actions.propose(db, lieu, write, by=manager, name="Co A", now=now)
    db.close()
    return {"token": token, "activity": activity, "proposal": proposal, "rid": start.isoformat()}


@pytest.mark.parametrize(
    ("case", "data", "message"), ACTIVITY_CASES, ids=[c[0] for c in ACTIVITY_CASES]
)
@pytest.mark.parametrize("form", ["create", "edit", "propose"])
def test_activity_forms(client, seeded_path, world, form, case, data, message):
    path = {
        "create": f"/manage/{LIEU_A}/activities",
        "edit": f"/manage/{LIEU_A}/activities/{world['activity']}",
        "propose": f"/manage/{LIEU_A}/proposals",
    }[form]
    check_refused(client, seeded_path, path, data, world["token"], message)


MOVE_CASES = [
    ("empty", {"do": "move"}, "Ce champ est obligatoire."),
    (
        "end before start",
        {"do": "move", "day": GOOD["day"], "start": "12:00", "end": "11:00"},
        "La fin doit être après le début.",
    ),
    (
        "not an occurrence",
        {"do": "cancel", "recurrence_id": "2020-01-01T10:00:00"},
        "pas une occurrence",
    ),
    ("bad action", {"do": "explode"}, "Choix invalide."),
    ("too long title", {"do": "edit", "title": "x" * 201}, "200 caractères au maximum"),
    ("script in title", {"do": "edit", "title": SCRIPT}, "Pas de balises HTML"),
    (
        "script",
        {"do": "move", "day": SCRIPT, "start": "10:00", "end": "11:00"},
        "Pas de balises HTML",
    ),
]


@pytest.mark.parametrize(("case", "data", "message"), MOVE_CASES, ids=[c[0] for c in MOVE_CASES])
def test_occurrence_form(client, seeded_path, world, case, data, message):
    data = {"recurrence_id": world["rid"], **data}
    path = f"/manage/{LIEU_A}/activities/{world['activity']}/occurrence"
    check_refused(client, seeded_path, path, data, world["token"], message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "x" * 1001}, "1000 caractères au maximum"),
        ({"message": SCRIPT}, "Pas de balises HTML"),
    ],
)
@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_decision_form(client, seeded_path, world, decision, data, message):
    path = f"/manage/{LIEU_A}/proposals/{world['proposal']}/{decision}"
    check_refused(client, seeded_path, path, data, world["token"], message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Ce champ est obligatoire."),
        ({"role": "admin"}, "Choix invalide."),
        ({"role": SCRIPT}, "Pas de balises HTML"),
    ],
)
def test_invite_form(client, seeded_path, world, data, message):
    check_refused(client, seeded_path, f"/manage/{LIEU_A}/invites", data, world["token"], message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("x" * 81, "80 caractères au maximum"),
        (SCRIPT, "Pas de balises HTML"),
    ],
)
def test_join_form(client, seeded_path, name, message):
    db = database.connect(seeded_path)
    link = issue_invite(
        db, lieu_id=get_lieu(db, LIEU_A).id, role="member", base_url="", now=DEMO_NOW
    )
    db.close()
    client.get(link)
    check_refused(client, seeded_path, link, {"display_name": name}, csrf(client), message)
