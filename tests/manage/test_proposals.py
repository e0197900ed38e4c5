"""Members propose; co-managers approve or decline; in a self-managed lieu, supports publish."""

from datetime import timedelta

from lieux import db as database
from lieux.db import proposals as proposals_db
from lieux.db.lieux import get_lieu
from lieux.members.session import PROPOSAL_RATE
from tests.conftest import DEMO_TODAY
from tests.people import LIEU_B, add_member, count, post, sign_in

LIEU_SELF = "babel-zin"  # self-managed in the guide
DAY = DEMO_TODAY + timedelta(days=10)
OUTING = {
    "title": "Sortie au parc",
    "kind": "sortie",
    "day": DAY.isoformat(),
    "start": "10:00",
    "end": "12:00",
    "description": "On se retrouve devant.",
}


def proposals(db_path, slug):
    db = database.connect(db_path)
    try:
        return proposals_db.list_proposals(db, get_lieu(db, slug).id)
    finally:
        db.close()


def test_member_proposes_co_manager_approves_it_is_published(client, seeded_path):
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    manager = add_member(seeded_path, "Co", {LIEU_B: "co-manager"})
    token = sign_in(client, seeded_path, member)
    activities_before = count(seeded_path, "activities")
    assert post(client, token, f"/manage/{LIEU_B}/proposals", OUTING).status_code == 303
    [proposal] = proposals(seeded_path, LIEU_B)
    assert proposal.status == "pending" and proposal.proposer_name == "Membre"
    assert count(seeded_path, "activities") == activities_before  # nothing public yet
    assert "en attente" in client.get(f"/manage/{LIEU_B}").text

    token = sign_in(client, seeded_path, manager)
    queue = client.get(f"/manage/{LIEU_B}").text
    assert "Sortie au parc" in queue and f"/proposals/{proposal.id}/accept" in queue
    response = post(
        client,
        token,
        f"/manage/{LIEU_B}/proposals/{proposal.id}/accept",
        {"message": "Belle idée !"},
    )
    assert response.status_code == 303
    [proposal] = proposals(seeded_path, LIEU_B)
    assert proposal.status == "accepted" and proposal.decided_by_name == "Co"
    assert proposal.activity_id is not None
    assert "Sortie au parc" in client.get(f"/ical/lieux/{LIEU_B}.ics").text
    # Approving twice (two co-managers at once) publishes once.
    again = post(client, token, f"/manage/{LIEU_B}/proposals/{proposal.id}/accept", {})
    assert again.status_code == 409
    assert count(seeded_path, "activities") == activities_before + 1

    token = sign_in(client, seeded_path, member)
    mine = client.get(f"/manage/{LIEU_B}").text
    assert "acceptée" in mine and "Belle idée !" in mine


def test_decline_with_a_message_publishes_nothing(client, seeded_path):
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    manager = add_member(seeded_path, "Co", {LIEU_B: "co-manager"})
    token = sign_in(client, seeded_path, member)
    post(client, token, f"/manage/{LIEU_B}/proposals", OUTING)
    [proposal] = proposals(seeded_path, LIEU_B)
    before = count(seeded_path, "activities")
    token = sign_in(client, seeded_path, manager)
    response = post(
        client,
        token,
        f"/manage/{LIEU_B}/proposals/{proposal.id}/decline",
        {"message": "Pas ce jour-là, le lieu est fermé."},
    )
    assert response.status_code == 303
    [proposal] = proposals(seeded_path, LIEU_B)
    assert proposal.status == "declined" and "fermé" in proposal.message
    assert count(seeded_path, "activities") == before


def test_self_managed_lieu_publishes_after_enough_supports(client, seeded_path):
    db = database.connect(seeded_path)
    threshold = get_lieu(db, LIEU_SELF).support_threshold
    db.close()
    members = [add_member(seeded_path, f"M{i}", {LIEU_SELF: "member"}) for i in range(threshold)]
    token = sign_in(client, seeded_path, members[0])
    post(client, token, f"/manage/{LIEU_SELF}/proposals", OUTING)
    [proposal] = proposals(seeded_path, LIEU_SELF)
    before = count(seeded_path, "activities")
    for i, member in enumerate(members):
        token = sign_in(client, seeded_path, member)
        # supporting twice counts once
        for _ in range(2):
            post(client, token, f"/manage/{LIEU_SELF}/proposals/{proposal.id}/support", {})
        [current] = proposals(seeded_path, LIEU_SELF)
        if i < threshold - 1:
            assert (current.status, current.supports) == ("pending", i + 1)
    assert current.status == "accepted"
    assert count(seeded_path, "activities") == before + 1


def test_supports_do_not_apply_where_co_managers_decide(client, seeded_path):
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    token = sign_in(client, seeded_path, member)
    post(client, token, f"/manage/{LIEU_B}/proposals", OUTING)
    [proposal] = proposals(seeded_path, LIEU_B)
    response = post(client, token, f"/manage/{LIEU_B}/proposals/{proposal.id}/support", {})
    assert response.status_code == 409
    assert count(seeded_path, "supports") == 0


def test_proposals_are_rate_limited(client, seeded_path):
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    token = sign_in(client, seeded_path, member)
    limit = PROPOSAL_RATE.rate_limit[1]
    statuses = [
        post(client, token, f"/manage/{LIEU_B}/proposals", OUTING).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [303] * limit and statuses[limit] == 429
    assert len(proposals(seeded_path, LIEU_B)) == limit


def test_the_proposer_withdraws_a_pending_proposal(client, seeded_path):
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    token = sign_in(client, seeded_path, member)
    post(client, token, f"/manage/{LIEU_B}/proposals", OUTING)
    [proposal] = proposals(seeded_path, LIEU_B)
    assert (
        post(client, token, f"/manage/{LIEU_B}/proposals/{proposal.id}/withdraw", {}).status_code
        == 303
    )
    [proposal] = proposals(seeded_path, LIEU_B)
    assert proposal.status == "withdrawn"
    again = post(client, token, f"/manage/{LIEU_B}/proposals/{proposal.id}/withdraw", {})
    assert again.status_code == 409


def test_co_managers_change_roles_but_keep_one_co_manager(client, seeded_path):
    manager = add_member(seeded_path, "Co", {LIEU_B: "co-manager"})
    member = add_member(seeded_path, "Membre", {LIEU_B: "member"})
    token = sign_in(client, seeded_path, manager)
    url = f"/manage/{LIEU_B}/members"
    assert post(client, token, f"{url}/{member}", {"role": "co-manager"}).status_code == 303
    assert post(client, token, f"{url}/{manager}", {"role": "remove"}).status_code == 303
    # Now the former member is the only co-manager: they cannot step down.
    token = sign_in(client, seeded_path, member)
    refused = post(client, token, f"{url}/{member}", {"role": "member"})
    assert refused.status_code == 400 and "au moins un·e co-gestionnaire" in refused.text
    assert post(client, token, f"{url}/{manager}", {"role": "member"}).status_code == 404
    db = database.connect(seeded_path)
    roles = dict(db.execute("SELECT member_id, role FROM roles").fetchall())
    assert roles == {member: "co-manager"}
    assert post(client, token, f"{url}/{member}", {"role": "boss"}).status_code == 400
