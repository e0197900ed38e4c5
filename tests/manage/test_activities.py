"""A co-manager's agenda edits, end to end through the forms, and what the public then sees."""

import re
from datetime import timedelta

from lieux import db as database
from lieux.db import audit
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_TODAY
from tests.people import LIEU_A, count, create, post, stored

# Far enough ahead of today for the occurrence list (which starts now) to show the dates.
FIRST = DEMO_TODAY + timedelta(days=7)
CAFE = {
    "title": "Café-papote du mardi",
    "kind": "cafe-papote",
    "day": FIRST.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "repeat": "weekly",
    "description": "Café & biscuits",
}


def entries(db_path):
    db = database.connect(db_path)
    try:
        return audit.list_entries(db, get_lieu(db, LIEU_A).id)
    finally:
        db.close()


def test_create_a_weekly_activity_visible_in_feed_and_agenda(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    activity = stored(seeded_path, activity_id)
    assert activity.rrule.startswith("FREQ=WEEKLY") and activity.title == CAFE["title"]
    feed = client.get(f"/ical/lieux/{LIEU_A}.ics").text
    assert "Café-papote du mardi" in feed
    agenda = client.get(f"/agenda?lieu={LIEU_A}&week={FIRST.isoformat()}").text
    assert "Café-papote du mardi" in agenda
    [entry] = [e for e in entries(seeded_path) if e.entity_id == activity_id]
    assert (entry.action, entry.before, entry.after["title"]) == ("create", None, CAFE["title"])
    assert entry.member_name == "Co A"


def test_edit_records_before_and_after(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "title": "Café du mardi", "version": "1"},
    )
    assert response.status_code == 303
    assert stored(seeded_path, activity_id).title == "Café du mardi"
    update = entries(seeded_path)[0]
    assert update.action == "update"
    assert (update.before["title"], update.after["title"]) == (CAFE["title"], "Café du mardi")


def test_second_save_on_an_old_version_is_refused_and_shows_the_other(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    first = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "title": "Version d'Anne", "version": "1"},
    )
    assert first.status_code == 303
    second = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "title": "Version de Bob", "version": "1"},
    )
    assert second.status_code == 409
    assert "quelqu'un d'autre a modifié" in second.text
    assert "Version d&#39;Anne" in second.text  # the saved version is shown
    assert 'value="Version de Bob"' in second.text  # and Bob's input is kept
    assert stored(seeded_path, activity_id).title == "Version d'Anne"
    # Saving again from the conflict page (now based on the saved version) is deliberate.
    version = re.search(r'name="version" value="(\d+)"', second.text)[1]
    third = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "title": "Version de Bob", "version": version},
    )
    assert third.status_code == 303
    assert stored(seeded_path, activity_id).title == "Version de Bob"


def test_cancel_one_occurrence_then_move_another(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    rids = re.findall(r'name="recurrence_id" value="([^"]+)"', page)
    assert rids[0] == f"{FIRST.isoformat()}T14:00:00"
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": rids[0]},
    )
    assert response.status_code == 303
    second_week = rids[2]  # each occurrence has two forms (cancel, move)
    moved_day = (FIRST + timedelta(days=8)).isoformat()
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {
            "do": "move",
            "recurrence_id": second_week,
            "day": moved_day,
            "start": "15:00",
            "end": "17:00",
        },
    )
    assert response.status_code == 303
    activity = stored(seeded_path, activity_id)
    overrides = {o.recurrence_id.isoformat(): o for o in activity.overrides}
    assert overrides[rids[0]].status == "cancelled"
    assert overrides[second_week].starts_at.isoformat() == f"{moved_day}T15:00:00"
    feed = client.get(f"/ical/lieux/{LIEU_A}.ics").text
    assert "STATUS:CANCELLED" in feed
    assert [e.action for e in entries(seeded_path)][:2] == ["move-occurrence", "cancel-occurrence"]


def test_moving_a_date_that_is_not_an_occurrence_is_refused(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    before = count(seeded_path, "activity_overrides")
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": f"{FIRST.isoformat()}T09:00:00"},
    )
    assert response.status_code == 400 and "pas une occurrence" in response.text
    assert count(seeded_path, "activity_overrides") == before


def test_cancel_delete_and_restore_from_the_audit_log(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    assert (
        post(
            client, manager, f"/manage/{LIEU_A}/activities/{activity_id}/cancel", {"version": "1"}
        ).status_code
        == 303
    )
    assert stored(seeded_path, activity_id).status == "cancelled"
    version = str(stored(seeded_path, activity_id).version)
    assert (
        post(
            client,
            manager,
            f"/manage/{LIEU_A}/activities/{activity_id}/delete",
            {"version": version},
        ).status_code
        == 303
    )
    assert CAFE["title"] not in client.get(f"/ical/lieux/{LIEU_A}.ics").text
    # The log offers to restore it: its undo of the deletion.
    log = client.get(f"/manage/{LIEU_A}/audit").text
    deletion = entries(seeded_path)[0]
    assert deletion.action == "delete"
    assert f'name="entry" value="{deletion.id}"' in log and "Restaurer" in log
    assert (
        post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}/restore", {}).status_code
        == 303
    )
    assert CAFE["title"] in client.get(f"/ical/lieux/{LIEU_A}.ics").text
    assert [e.action for e in entries(seeded_path)][:3] == ["restore", "delete", "cancel"]


def test_htmx_gets_a_redirect_header_and_inline_errors_with_200(client, seeded_path, manager):
    headers = {"hx-request": "true"}
    ok = post(client, manager, f"/manage/{LIEU_A}/activities", CAFE, headers=headers)
    assert ok.status_code == 200 and ok.headers["hx-redirect"].startswith(f"/manage/{LIEU_A}/")
    bad = post(
        client, manager, f"/manage/{LIEU_A}/activities", {**CAFE, "title": ""}, headers=headers
    )
    assert bad.status_code == 200 and "Ce champ est obligatoire." in bad.text


def test_change_this_and_following_splits_the_series(client, seeded_path, manager):
    activity_id = create(client, manager, {**CAFE, "count": "6"})
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    options = re.findall(r'<option value="(\d{4}-[^"]+)"', page)
    third = options[2]  # the third date of the series
    fifth = options[4]
    post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": fifth},
    )
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "start": "15:00", "end": "17:00", "version": "2", "split_from": third},
    )
    assert response.status_code == 303
    new_id = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
    head, tail = stored(seeded_path, activity_id), stored(seeded_path, new_id)
    assert "COUNT" not in head.rrule and "UNTIL=" in head.rrule
    assert head.starts_at.hour == 14 and head.uid != tail.uid
    assert tail.starts_at.isoformat() == third.replace("T14:00", "T15:00")
    assert "COUNT=4" in tail.rrule  # 6 dates in all: 2 before the split, 4 from it
    # The fifth date, cancelled before the split, stays cancelled (at the new time).
    assert [(o.recurrence_id.isoformat(), o.status) for o in tail.overrides] == [
        (fifth.replace("T14:00", "T15:00"), "cancelled")
    ]
    assert head.overrides == ()
    assert [e.action for e in entries(seeded_path)][:2] == ["create", "split"]


def test_split_at_a_date_outside_the_series_is_refused(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    before = count(seeded_path, "activities")
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}",
        {**CAFE, "version": "1", "split_from": f"{FIRST.isoformat()}T09:00:00"},
    )
    assert response.status_code == 400 and "pas une occurrence" in response.text
    assert count(seeded_path, "activities") == before
    assert stored(seeded_path, activity_id).version == 1


def test_retitle_one_date(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    rid = f"{(FIRST + timedelta(days=7)).isoformat()}T14:00:00"
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "edit", "recurrence_id": rid, "title": "Café spécial Noël", "description": ""},
    )
    assert response.status_code == 303
    [override] = stored(seeded_path, activity_id).overrides
    assert (override.title, override.description, override.status) == (
        "Café spécial Noël",
        None,
        "confirmed",
    )
    assert "Café spécial Noël" in client.get(f"/ical/lieux/{LIEU_A}.ics").text
    assert entries(seeded_path)[0].action == "edit-occurrence"
