"""Undoing a change from the lieu's own log: its "before" put back through the same audited
write (so the undo is in the log too), refused cleanly when it changed since (issue 23)."""

import re
from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.activities import get_activity, is_deleted
from lieux.db.hours import get_hours
from lieux.db.lieux import get_lieu
from lieux.db.live_status import get_live_status
from lieux.db.members import get_rules
from lieux.db.profile import get_lieu_by_id
from tests.people import FIRST, LIEU_A, LIEU_B, WEEKLY, add_member, create, post, sign_in, snapshot

UNDO = f"/manage/{LIEU_A}/audit/undo"


def read(db_path, fn, *args):
    db = database.connect(db_path)
    try:
        lieu = get_lieu(db, LIEU_A)
        return fn(db, *args) if args else fn(db, lieu.id)
    finally:
        db.close()


def log(db_path):
    return read(db_path, audit.list_entries)


def offered(client) -> set[int]:
    """The entries the lieu's log offers to undo."""
    page = client.get(f"/manage/{LIEU_A}/audit").text
    return {int(n) for n in re.findall(r'<input type="hidden" name="entry" value="(\d+)">', page)}


def undo(client, token, entry_id: int, **fields):
    return post(client, token, UNDO, {"entry": str(entry_id), **fields})


def test_an_hours_change_is_undone_from_the_log(client, seeded_path, manager):
    before = read(seeded_path, get_hours)
    post(
        client,
        manager,
        f"/manage/{LIEU_A}/hours",
        {"slot-2-0-opens": "09:00", "slot-2-0-closes": "11:00"},
    )
    change = log(seeded_path)[0]
    assert change.entity == "hours" and change.id in offered(client)
    response = undo(client, manager, change.id, back=f"/manage/{LIEU_A}/audit")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#entry-{change.id + 1}")
    assert read(seeded_path, get_hours) == before
    latest = log(seeded_path)[0]
    assert (latest.entity, latest.action, latest.after["undo_of"]) == ("hours", "update", change.id)
    # The same undo again: the hours are no longer what that change made them.
    unchanged = snapshot(seeded_path)
    refused = undo(client, manager, change.id)
    assert refused.status_code == 409 and "Pas annulé : cela a changé depuis" in refused.text
    assert snapshot(seeded_path) == unchanged


def test_an_activity_edit_is_undone_and_calendars_hear_of_it(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    edited = {**WEEKLY, "title": "Café-papote du lundi", "start": "15:00", "version": "1"}
    post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}", edited)
    edit = log(seeded_path)[0]
    activity = read(seeded_path, get_activity, activity_id)
    assert undo(client, manager, edit.id).status_code == 303
    after = read(seeded_path, get_activity, activity_id)
    assert (after.title, after.starts_at.hour) == ("Café-papote", 14)
    assert after.sequence > activity.sequence and after.version == activity.version + 1


def test_an_edit_undone_after_another_is_refused(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    path = f"/manage/{LIEU_A}/activities/{activity_id}"
    post(client, manager, path, {**WEEKLY, "title": "Premier", "version": "1"})
    first = log(seeded_path)[0]
    post(client, manager, path, {**WEEKLY, "title": "Second", "version": "2"})
    unchanged = snapshot(seeded_path)
    refused = undo(client, manager, first.id)
    assert refused.status_code == 409
    assert snapshot(seeded_path) == unchanged
    assert read(seeded_path, get_activity, activity_id).title == "Second"


def test_a_split_is_undone_whole(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    path = f"/manage/{LIEU_A}/activities/{activity_id}"
    split_from = f"{(FIRST + timedelta(days=14)).isoformat()}T14:00:00"
    response = post(
        client,
        manager,
        path,
        {**WEEKLY, "start": "15:00", "version": "1", "split_from": split_from},
    )
    tail_id = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
    assert tail_id != activity_id
    entry_ids = [int(n) for n in re.findall(r"entry=(\d+)", response.headers["location"])]
    assert len(entry_ids) == 2  # the shortened series, the new one
    # The notice's undo takes both back.
    assert post(client, manager, UNDO, {"entry": [str(n) for n in entry_ids]}).status_code == 303
    series = read(seeded_path, get_activity, activity_id)
    assert "UNTIL" not in series.rrule and "COUNT" not in series.rrule
    assert read(seeded_path, is_deleted, tail_id)


def test_the_live_status_is_undone_both_ways(client, seeded_path, manager):
    post(client, manager, f"/manage/{LIEU_A}/status", {"state": "closed", "note": "Grève"})
    shown = read(seeded_path, get_live_status)
    post(client, manager, f"/manage/{LIEU_A}/status/clear", {})
    cleared = log(seeded_path)[0]
    assert read(seeded_path, get_live_status) is None
    # Undoing the "take it down" puts the same status back...
    assert undo(client, manager, cleared.id).status_code == 303
    assert read(seeded_path, get_live_status) == shown
    # ... and undoing that takes it down again.
    assert undo(client, manager, log(seeded_path)[0].id).status_code == 303
    assert read(seeded_path, get_live_status) is None


def test_a_profile_edit_and_the_rules_are_undone(client, seeded_path, manager):
    lieu = read(seeded_path, get_lieu_by_id)
    form = {
        "address": "Rue Neuve 1",
        "postcode": lieu.postcode,
        "commune": lieu.commune,
        "website": "maison-soleil.be",
        "languages": ["fr", "nl"],
        "version": str(lieu.version),
    }
    post(client, manager, f"/manage/{LIEU_A}/profile", form)
    changed = read(seeded_path, get_lieu_by_id)
    assert changed.website == "https://maison-soleil.be"
    assert undo(client, manager, log(seeded_path)[0].id).status_code == 303
    back = read(seeded_path, get_lieu_by_id)
    assert (back.address, back.website, back.languages, back.description) == (
        lieu.address,
        lieu.website,
        lieu.languages,
        lieu.description,
    )
    rules = read(seeded_path, get_rules)
    post(client, manager, f"/manage/{LIEU_A}/settings", {"governance": "self-managed"})
    assert undo(client, manager, log(seeded_path)[0].id).status_code == 303
    assert read(seeded_path, get_rules) == rules


def test_only_changes_that_can_be_put_back_are_offered(client, seeded_path, manager):
    member = add_member(seeded_path, "Malik", {LIEU_A: "member"})
    proposal = {**WEEKLY, "repeat": "none"}
    token = sign_in(client, seeded_path, member)
    post(client, token, f"/manage/{LIEU_A}/proposals", proposal)
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
    proposed = log(seeded_path)[0]
    assert proposed.entity == "proposal" and proposed.id not in offered(client)


def test_another_lieus_entry_is_not_found_here(client, seeded_path, manager):
    post(client, manager, f"/manage/{LIEU_A}/status", {"state": "closed"})
    entry = log(seeded_path)[0]
    b_token = sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_B: "co-manager"}))
    unchanged = snapshot(seeded_path)
    response = post(client, b_token, f"/manage/{LIEU_B}/audit/undo", {"entry": str(entry.id)})
    assert response.status_code == 404
    assert post(client, b_token, UNDO, {"entry": str(entry.id)}).status_code == 403
    assert snapshot(seeded_path) == unchanged


@pytest.mark.parametrize(
    "back",
    ["https://evil.example/", "//evil.example/x", f"/manage/{LIEU_A}-2/audit", "/admin"],
)
def test_an_undo_goes_back_only_within_the_lieu(client, seeded_path, manager, back):
    post(client, manager, f"/manage/{LIEU_A}/status", {"state": "closed"})
    response = undo(client, manager, log(seeded_path)[0].id, back=back)
    assert response.headers["location"].startswith(f"/manage/{LIEU_A}/audit?done=undone")
