"""Proposals without an account: off by default, honeypot, same queue, lieu rules editable."""

from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db import members as members_db
from lieux.db import proposals as proposals_db
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_TODAY
from tests.people import LIEU_B, add_member, check_refused, count, csrf, sign_in

DAY = DEMO_TODAY + timedelta(days=12)
IDEA = {
    "title": "Atelier tricot",
    "kind": "atelier",
    "day": DAY.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "proposer_name": "Une voisine",
}


def rules(db_path):
    db = database.connect(db_path)
    try:
        return members_db.get_rules(db, get_lieu(db, LIEU_B).id)
    finally:
        db.close()


@pytest.fixture
def opened(client, seeded_path):
    """A co-manager of B switches public proposals on through the settings form."""
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_B: "co-manager"}))
    response = client.post(
        f"/manage/{LIEU_B}/settings",
        data={
            "governance": "coordinated",
            "support_threshold": "3",
            "public_proposals": "1",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and rules(seeded_path).public_proposals
    client.post("/signout", data={"_csrf_token": token})
    return token


def test_off_by_default(client, seeded_path):
    assert rules(seeded_path).public_proposals is False
    assert client.get(f"/propose/{LIEU_B}").status_code == 404
    response = client.post(f"/propose/{LIEU_B}", data={**IDEA, "_csrf_token": csrf(client)})
    assert response.status_code == 404
    assert count(seeded_path, "proposals") == 0


def test_a_stranger_proposes_into_the_same_queue(client, seeded_path, opened):
    assert client.get("/me").status_code == 401  # no account
    assert client.get(f"/propose/{LIEU_B}").status_code == 200
    response = client.post(
        f"/propose/{LIEU_B}", data={**IDEA, "_csrf_token": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    db = database.connect(seeded_path)
    [proposal] = proposals_db.list_proposals(db, get_lieu(db, LIEU_B).id)
    assert (proposal.member_id, proposal.proposer_name, proposal.status) == (
        None,
        "Une voisine",
        "pending",
    )


def test_the_honeypot_stores_nothing(client, seeded_path, opened):
    response = client.post(
        f"/propose/{LIEU_B}",
        data={**IDEA, "website": "http://spam.example", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303  # looks like success to the robot
    assert count(seeded_path, "proposals") == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**IDEA, "proposer_name": ""}, "Ce champ est obligatoire."),
        ({**IDEA, "proposer_name": "<b>moi</b>"}, "Pas de balises HTML"),
        ({**IDEA, "title": "x" * 201}, "200 caractères au maximum"),
        ({**IDEA, "end": "13:00"}, "La fin doit être après le début."),
    ],
)
def test_bad_public_proposals(client, seeded_path, opened, data, message):
    check_refused(client, seeded_path, f"/propose/{LIEU_B}", data, csrf(client), message)


def test_lieu_rules_are_audited_and_checked(client, seeded_path):
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_B: "co-manager"}))
    response = client.post(
        f"/manage/{LIEU_B}/settings",
        data={"governance": "self-managed", "support_threshold": "2", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert rules(seeded_path) == members_db.LieuRules(
        governance="self-managed", support_threshold=2, public_proposals=False
    )
    assert "autogéré" in client.get(f"/manage/{LIEU_B}").text
    for bad, message in [
        ({"governance": "anarchy", "support_threshold": "2"}, "Choix invalide."),
        ({"governance": "self-managed", "support_threshold": "0"}, "hors des"),
    ]:
        check_refused(client, seeded_path, f"/manage/{LIEU_B}/settings", bad, token, message)
