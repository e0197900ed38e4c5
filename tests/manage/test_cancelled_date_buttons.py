"""After a date of a series is cancelled, its row offers "Rétablir cette date" once: in the
message said there (its undo), not a second time as the row's own button."""

import re

from tests.people import FIRST, LIEU_A, WEEKLY


def row(page: str, date_id: str) -> str:
    return re.search(rf'<li id="{date_id}".*?</li>', page, re.S)[0]


def test_a_cancelled_date_offers_its_restore_button_once(client, actions):
    actions.sign_in()
    activity_id = actions.create(WEEKLY)
    date_id = f"date-{FIRST:%Y%m%d}t1400"
    cancelled = actions.post(
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": f"{FIRST.isoformat()}T14:00:00", "version": "1"},
    )
    assert cancelled.status_code == 303
    landing = client.get(cancelled.headers["location"]).text
    assert row(landing, date_id).count("Rétablir cette date") == 1
    assert 'role="status"' in row(landing, date_id)  # the one is the message's
    # Coming back later, without the message: the row's own button is there.
    later = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    here = row(later, date_id)
    assert here.count("Rétablir cette date") == 1 and 'value="restore"' in here
