"""Who may call each write route: {anonymous, member of A, co-manager of A, co-manager of B,
admin} x every route that is not GET -> allowed or refused, and refused means nothing stored.

`test_every_write_route_is_in_the_table` fails as soon as someone adds a write route without
deciding here who may call it.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest

from lieux import db as database
from lieux.calendar.models import ActivityWrite
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu
from lieux.manage import actions, proposal_actions
from lieux.members.invites import issue_invite
from lieux.reports import actions as report_actions
from lieux.reports.models import ReportForm, Shown
from tests.conftest import DEMO_NOW, copy_database, make_settings
from tests.people import (
    LIEU_A,
    LIEU_B,
    WRITE_TABLES,
    add_member,
    count,
    csrf,
    new_token_for,
    sign_in,
)

ZONE = ZoneInfo("Europe/Brussels")

PERSONAS = ("anonymous", "member_a", "comanager_a", "comanager_b", "admin")
EVERYONE = set(PERSONAS)
MANAGERS_A = {"comanager_a", "admin"}
MEMBERS_A = {"member_a", "comanager_a", "admin"}
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}  # admin

ACTIVITY = {
    "title": "Atelier",
    "kind": "atelier",
    "day": "2026-12-02",
    "start": "14:00",
    "end": "16:00",
}

# route path -> (URL to post to, form data, who may)
TABLE = {
    "/join/{token:str}": ("/join/{invite}", {"display_name": "Zoé"}, EVERYONE),
    "/signin/{token:str}": ("/signin/{sign_in}", {}, EVERYONE),
    "/signout": ("/signout", {}, EVERYONE),
    "/me/sign-in-link": ("/me/sign-in-link", {}, SIGNED_IN),
    # mail: one's own address; an unsubscribe link is its own credential (unknown here: 404)
    "/me/email": ("/me/email", {"email": "zoe@example.org", "mail_reports": "1"}, SIGNED_IN),
    "/unsubscribe/{token:str}": ("/unsubscribe/not-a-token", {}, EVERYONE),
    "/manage/{slug:str}/activities": ("/manage/{a}/activities", ACTIVITY, MANAGERS_A),
    "/manage/{slug:str}/activities/{activity_id:int}": (
        "/manage/{a}/activities/{activity}",
        {**ACTIVITY, "title": "Autre"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/activities/{activity_id:int}/cancel": (
        "/manage/{a}/activities/{activity}/cancel",
        {},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/activities/{activity_id:int}/uncancel": (
        "/manage/{a}/activities/{activity}/uncancel",
        {},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/activities/{activity_id:int}/delete": (
        "/manage/{a}/activities/{activity}/delete",
        {},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/activities/{activity_id:int}/restore": (
        "/manage/{a}/activities/{deleted}/restore",
        {},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/activities/{activity_id:int}/occurrence": (
        "/manage/{a}/activities/{activity}/occurrence",
        {"do": "cancel", "recurrence_id": "2026-12-01T10:00:00"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/proposals": ("/manage/{a}/proposals", ACTIVITY, MEMBERS_A),
    "/manage/{slug:str}/proposals/{proposal_id:int}/accept": (
        "/manage/{a}/proposals/{proposal}/accept",
        {},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/proposals/{proposal_id:int}/decline": (
        "/manage/{a}/proposals/{proposal}/decline",
        {"message": "non"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/proposals/{proposal_id:int}/support": (
        "/manage/{a}/proposals/{proposal}/support",
        {},
        MEMBERS_A,
    ),
    "/manage/{slug:str}/hours": (
        "/manage/{a}/hours",
        {"slot-0-0-opens": "10:00", "slot-0-0-closes": "16:00"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/hours/osm": (
        "/manage/{a}/hours/osm",
        {"osm": "Mo 10:00-12:00"},
        MANAGERS_A,
    ),
    # lieu A has no closure in the world below: an allowed person is told to tick a date (400)
    "/manage/{slug:str}/hours/closures": (
        "/manage/{a}/hours/closures",
        {"date": "1@2026-12-01T10:00:00"},
        MANAGERS_A,
    ),
    # the address is refused (private), so an allowed person gets a 400 and nothing is stored
    "/manage/{slug:str}/calendars": (
        "/manage/{a}/calendars",
        {"url": "http://127.0.0.1/agenda.ics"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/settings": (
        "/manage/{a}/settings",
        {"governance": "self-managed", "support_threshold": "2"},
        MANAGERS_A,
    ),
    # Open to anyone once the lieu allows it (the world below does): a stranger's proposal.
    "/propose/{slug:str}": ("/propose/{a}", {**ACTIVITY, "proposer_name": "Zoé"}, EVERYONE),
    # Only the proposer: member_a made the proposal of the world below.
    "/manage/{slug:str}/proposals/{proposal_id:int}/withdraw": (
        "/manage/{a}/proposals/{proposal}/withdraw",
        {},
        {"member_a"},
    ),
    "/manage/{slug:str}/members/{member_id:int}": (
        "/manage/{a}/members/{member_a}",
        {"role": "co-manager"},
        MANAGERS_A,
    ),
    # profile: a stale version (0) makes an allowed person's post a 422/409 that stores nothing
    "/manage/{slug:str}/profile": (
        "/manage/{a}/profile",
        {"address": "Rue 1", "postcode": "1000", "commune": "Bruxelles", "version": "0"},
        MANAGERS_A,
    ),
    "/manage/{slug:str}/hours/verified": ("/manage/{a}/hours/verified", {}, MANAGERS_A),
    "/manage/{slug:str}/invites": ("/manage/{a}/invites", {"role": "member"}, MANAGERS_A),
    "/manage/{slug:str}/invites/{invite_id:int}/revoke": (
        "/manage/{a}/invites/{invite_id}/revoke",
        {},
        MANAGERS_A,
    ),
    # admin: the network admin area; every write there is audited, so a refused one leaves
    # audit_log as it was. Helplines 1 and 2 are the seed's; entry 1 is not a network entry (404).
    "/admin/lieux": (
        "/admin/lieux",
        {"name": "Le Phare", "address": "Rue Haute 1", "postcode": "1000", "commune": "Bruxelles"},
        ADMIN,
    ),
    "/admin/lieux/{slug:str}/archive": ("/admin/lieux/{a}/archive", {}, ADMIN),
    "/admin/lieux/{slug:str}/restore": ("/admin/lieux/{a}/restore", {}, ADMIN),
    "/admin/helplines": (
        "/admin/helplines",
        {"name": "Ligne test", "number": "0800 00 000", "language": "fr"},
        ADMIN,
    ),
    "/admin/helplines/{helpline_id:int}": (
        "/admin/helplines/1",
        {"name": "Télé-Accueil", "number": "107", "language": "fr", "what": "Écoute"},
        ADMIN,
    ),
    "/admin/helplines/{helpline_id:int}/delete": ("/admin/helplines/2/delete", {}, ADMIN),
    "/admin/invites": ("/admin/invites", {}, ADMIN),
    "/admin/audit/{entry_id:int}/restore": ("/admin/audit/1/restore", {}, ADMIN),
    # undo a change of the lieu's log (here: the activity's creation)
    "/manage/{slug:str}/audit/undo": ("/manage/{a}/audit/undo", {"entry": "{entry}"}, MANAGERS_A),
    # campaigns: the admin area (campaign 1 does not exist in the world below: an admin gets a
    # 404, never a 401/403); a check link is its own credential (unknown here: 404 for anyone)
    "/admin/campaigns": (
        "/admin/campaigns",
        {"name": "Horaires", "scope": "all", "sections": "hours", "start": "now"},
        ADMIN,
    ),
    "/admin/campaigns/{campaign_id:int}/links": ("/admin/campaigns/1/links", {}, ADMIN),
    "/admin/campaigns/{campaign_id:int}/end": ("/admin/campaigns/1/end", {}, ADMIN),
    "/admin/campaigns/{campaign_id:int}/lieux/{slug:str}/answer": (
        "/admin/campaigns/1/lieux/{a}/answer",
        {"outcome": "confirmed", "via": "phone", "who": "Marie"},
        ADMIN,
    ),
    "/admin/campaigns/{campaign_id:int}/lieux/{slug:str}/send": (
        "/admin/campaigns/1/lieux/{a}/send",
        {},
        ADMIN,
    ),
    "/admin/campaigns/{campaign_id:int}/lieux/{slug:str}/link": (
        "/admin/campaigns/1/lieux/{a}/link",
        {},
        ADMIN,
    ),
    "/admin/campaigns/{campaign_id:int}/lieux/{slug:str}/revoke": (
        "/admin/campaigns/1/lieux/{a}/revoke",
        {},
        ADMIN,
    ),
    "/check/{token:str}/confirm": ("/check/not-a-token/confirm", {}, EVERYONE),
    "/check/{token:str}/hours": (
        "/check/not-a-token/hours",
        {"slot-0-0-opens": "10:00", "slot-0-0-closes": "16:00"},
        EVERYONE,
    ),
    "/check/{token:str}/facts": ("/check/not-a-token/facts", {"address": "Rue 1"}, EVERYONE),
    # live status
    "/manage/{slug:str}/status": ("/manage/{a}/status", {"state": "closed"}, MANAGERS_A),
    "/manage/{slug:str}/status/clear": ("/manage/{a}/status/clear", {}, MANAGERS_A),
    # reports: anyone may report a problem (no account); only A's co-managers and the admins
    # resolve A's reports (a refused resolution writes no audit entry)
    "/lieux/{slug:str}/report": ("/lieux/{a}/report", {"kind": "wrong-hours"}, EVERYONE),
    "/manage/{slug:str}/reports/{report_id:int}/resolve": (
        "/manage/{a}/reports/{report}/resolve",
        {"resolution": "fixed", "note": "Horaires corrigés"},
        MANAGERS_A,
    ),
}


def test_every_write_route_is_in_the_table(client):
    writes = {
        route.path
        for route in client.app.routes
        if set(getattr(route, "methods", ())) - {"GET", "HEAD", "OPTIONS"}
    }
    assert writes - TABLE.keys() == set(), "add these write routes to TABLE"
    assert TABLE.keys() - writes == set(), "these TABLE entries are no longer routes"


def _world(db_path):
    """People, and one of each thing to act on, in lieu A."""
    people = {
        "member_a": add_member(db_path, "Membre A", {LIEU_A: "member"}),
        "comanager_a": add_member(db_path, "Co A", {LIEU_A: "co-manager"}),
        "comanager_b": add_member(db_path, "Co B", {LIEU_B: "co-manager"}),
        "admin": add_member(db_path, "Admin", admin=True),
    }
    db = database.connect(db_path)
    lieu = get_lieu(db, LIEU_A)
    now = DEMO_NOW
    write = ActivityWrite(
        kind="repas",
        title="Repas",
        starts_at=datetime(2026, 12, 1, 10),
        ends_at=datetime(2026, 12, 1, 12),
        rrule="FREQ=WEEKLY",
    )
    activity = actions.create_activity(db, lieu, write, by=None, uid="a@test", zone=ZONE, now=now)
    deleted_id = actions.create_activity(db, lieu, write, by=None, uid="d@test", zone=ZONE, now=now)
    deleted = database.activities.get_activity(db, deleted_id)
    actions.delete_activity(db, lieu, deleted, version=None, by=None, now=now)
    proposal = proposal_actions.propose(
        db, lieu, write, by=people["member_a"], name="Membre A", now=now
    )
    invite = issue_invite(db, lieu_id=lieu.id, role="member", base_url="", now=now)
    rules = members_db.get_rules(db, lieu.id)
    members_db.set_rules(
        db, lieu.id, msgspec.structs.replace(rules, public_proposals=True), now=now
    )
    invite_id = db.execute("SELECT max(id) FROM invites").fetchone()[0]
    entry = db.execute(
        "SELECT id FROM audit_log WHERE entity = 'activity' AND action = 'create' "
        "AND entity_id = ?",
        [activity],
    ).fetchone()[0]
    report = report_actions.report(
        db,
        lieu,
        ReportForm(kind="found-closed", message="Porte close"),
        shown=Shown(state="open"),
        lang="fr",
        settings=make_settings(db_path),
        now=now,
    )
    db.close()
    ids = {
        "a": LIEU_A,
        "activity": activity,
        "deleted": deleted_id,
        "proposal": proposal,
        "invite": invite.rsplit("/", 1)[1],
        "invite_id": invite_id,
        "member_a": people["member_a"],
        "entry": entry,
        "report": report.id,
    }
    return people, ids


@pytest.fixture(scope="session")
def _world_template(tmp_path_factory, seeded_template):
    """The world above, built once per test process (it took a third of each test's time)."""
    path = tmp_path_factory.mktemp("authorization") / "world.sqlite3"
    copy_database(seeded_template, path)
    return path, *_world(path)


@pytest.fixture
def world(seeded_path, _world_template):
    """(people, ids): the test's database (`seeded_path`) becomes a copy of the world."""
    template, people, ids = _world_template
    copy_database(template, seeded_path)
    return people, dict(ids)


def _snapshot(db_path):
    return {table: count(db_path, table) for table in WRITE_TABLES}


CASES = [(path, persona) for path in TABLE for persona in PERSONAS]


@pytest.mark.parametrize(("route", "persona"), CASES)
def test_write_route_authorization(client, seeded_path, world, route, persona):
    people, ids = world
    url_template, data, allowed = TABLE[route]
    if "{sign_in}" in url_template:
        # The sign-in link is the credential: use one of a real member's links.
        ids["sign_in"] = new_token_for(seeded_path, people["member_a"])
    if persona != "anonymous":
        sign_in(client, seeded_path, people[persona])
    token = csrf(client)
    before = _snapshot(seeded_path)
    # Fields may name a thing of the world too (the audit entry to undo).
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}
    response = client.post(
        url_template.format(**ids), data={**data, "_csrf_token": token}, follow_redirects=False
    )
    if persona in allowed:
        assert response.status_code not in (401, 403), response.text[-500:]
        assert response.status_code < 500
    else:
        # 401 asks to sign in; someone signed in is refused with 403 (signing in again won't help).
        assert response.status_code == (401 if persona == "anonymous" else 403)
        assert _snapshot(seeded_path) == before


# Members' area pages (GET) -> who may open them; the others get 401 (anonymous) or 403.
PAGES = {
    "/me": ("/me", SIGNED_IN),
    "/manage/{slug:str}": ("/manage/{a}", MEMBERS_A),
    "/manage/{slug:str}/propose": ("/manage/{a}/propose", MEMBERS_A),
    "/manage/{slug:str}/activities/new": ("/manage/{a}/activities/new", MANAGERS_A),
    "/manage/{slug:str}/activities/{activity_id:int}": (
        "/manage/{a}/activities/{activity}",
        MANAGERS_A,
    ),
    "/manage/{slug:str}/hours": ("/manage/{a}/hours", MANAGERS_A),
    "/manage/{slug:str}/settings": ("/manage/{a}/settings", MANAGERS_A),
    # profile
    "/manage/{slug:str}/profile": ("/manage/{a}/profile", MANAGERS_A),
    "/manage/{slug:str}/invites": ("/manage/{a}/invites", MANAGERS_A),
    "/manage/{slug:str}/audit": ("/manage/{a}/audit", MANAGERS_A),
    "/manage/{slug:str}/calendars": ("/manage/{a}/calendars", MANAGERS_A),
    "/manage/{slug:str}/reports": ("/manage/{a}/reports", MANAGERS_A),
}


def test_every_members_page_is_in_the_table(client):
    pages = {
        route.path
        for route in client.app.routes
        if "GET" in getattr(route, "methods", ()) and route.path.split("/")[1] in {"manage", "me"}
    }
    assert pages == PAGES.keys()


@pytest.mark.parametrize(("route", "persona"), [(r, p) for r in PAGES for p in PERSONAS])
def test_members_page_authorization(client, seeded_path, world, route, persona):
    people, ids = world
    url_template, allowed = PAGES[route]
    if persona != "anonymous":
        sign_in(client, seeded_path, people[persona])
    response = client.get(url_template.format(**ids), follow_redirects=False)
    if persona in allowed:
        assert response.status_code == 200, response.text[-500:]
    else:
        assert response.status_code == (401 if persona == "anonymous" else 403)
        assert "<html" in response.text  # a page saying why, for people


def test_a_co_manager_of_b_cannot_reach_a_through_b(client, seeded_path, world):
    """An activity of A addressed under B's URL is 'not found', and stays untouched."""
    people, ids = world
    token = sign_in(client, seeded_path, people["comanager_b"])
    before = _snapshot(seeded_path)
    for suffix, data in [("", {**ACTIVITY, "title": "Pirate"}), ("/cancel", {}), ("/delete", {})]:
        response = client.post(
            f"/manage/{LIEU_B}/activities/{ids['activity']}{suffix}",
            data={**data, "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 404
    response = client.post(
        f"/manage/{LIEU_B}/proposals/{ids['proposal']}/accept",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert _snapshot(seeded_path) == before
