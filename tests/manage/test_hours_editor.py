"""The hours editor: weekly slots, exceptions, holiday rule, week preview, OSM string."""

import re
from datetime import date

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.hours import get_hours
from lieux.db.lieux import get_lieu
from tests.people import LIEU_B, add_member, check_refused, sign_in


@pytest.fixture
def manager(client, seeded_path):
    return sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_B: "co-manager"}))


def stored(db_path):
    db = database.connect(db_path)
    try:
        lieu = get_lieu(db, LIEU_B)
        return get_hours(db, lieu.id), audit.list_entries(db, lieu.id, entity="hours")
    finally:
        db.close()


def test_save_weekly_slots_exception_and_holiday_rule(client, seeded_path, manager):
    data = {
        "slot-0-0-opens": "10:00",
        "slot-0-0-closes": "12:30",
        "slot-0-1-opens": "13:30",
        "slot-0-1-closes": "16:00",
        "slot-4-0-opens": "20:00",
        "slot-4-0-closes": "02:00",
        "holiday-rule": "special",
        "holiday-opens": "11:00",
        "holiday-closes": "17:00",
        "exc-0-start": "2026-12-24",
        "exc-0-end": "2026-12-26",
        "exc-0-kind": "closed",
        "exc-0-note": "Fermé pour congés",
    }
    response = client.post(
        f"/manage/{LIEU_B}/hours", data={**data, "_csrf_token": manager}, follow_redirects=False
    )
    assert response.status_code == 303
    hours, log = stored(seeded_path)
    assert [(s.weekday, s.opens.isoformat(), s.closes.isoformat()) for s in hours.slots] == [
        (0, "10:00:00", "12:30:00"),
        (0, "13:30:00", "16:00:00"),
        (4, "20:00:00", "02:00:00"),
    ]
    assert hours.holiday_rule.rule == "special"
    [exception] = hours.exceptions
    assert (exception.start_date, exception.end_date, exception.note) == (
        date(2026, 12, 24),
        date(2026, 12, 26),
        "Fermé pour congés",
    )
    assert log[0].after["slots"][0]["opens"] == "10:00:00"
    page = client.get(f"/manage/{LIEU_B}/hours").text
    assert "Mo 10:00-12:30,13:30-16:00" in page  # the OSM string
    assert 'value="Fermé pour congés"' in page


def test_import_an_osm_string(client, seeded_path, manager):
    response = client.post(
        f"/manage/{LIEU_B}/hours/osm",
        data={"osm": "Mo-Fr 10:00-16:00; PH off", "_csrf_token": manager},
        follow_redirects=False,
    )
    assert response.status_code == 303
    hours, log = stored(seeded_path)
    assert sorted({s.weekday for s in hours.slots}) == [0, 1, 2, 3, 4]
    assert hours.holiday_rule.rule == "closed"
    assert log[0].action == "update"
    page = client.get(f"/manage/{LIEU_B}/hours").text
    assert re.search(r"<code>Mo-Fr 10:00-16:00; PH off</code>", page)
    assert client.get(f"/lieux/{LIEU_B}").text.count("10:00") >= 5  # public page shows them


def test_a_round_the_clock_lieu_saves_its_own_hours_again(client, seeded_path, manager):
    """An imported `24/7` is stored as 00:00–00:00 every day: the editor shows it so and takes
    it back as a whole day (it refused it, so such a lieu could not save its hours form)."""
    post = {"osm": "24/7", "_csrf_token": manager}
    assert client.post(f"/manage/{LIEU_B}/hours/osm", data=post).status_code == 200
    page = client.get(f"/manage/{LIEU_B}/hours").text
    assert 'name="slot-0-0-opens" value="00:00"' in page
    assert 'name="slot-0-0-closes" value="00:00"' in page
    preview = page[page.index('id="hours-preview"') : page.index("</table>")]
    assert preview.count("00:00–24:00") == 7  # the week ahead, each day whole (not 00:00–00:00)
    week = {f"slot-{day}-0-{end}": "00:00" for day in range(7) for end in ("opens", "closes")}
    response = client.post(
        f"/manage/{LIEU_B}/hours",
        data={**week, "holiday-rule": "as_usual", "_csrf_token": manager},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    hours, _log = stored(seeded_path)
    assert len(hours.slots) == 7
    client.get("/lieux")  # a page reads the data at once; the polled API within half a second
    at_night = client.get("/api/open-now?at=2026-11-25T03:00:00%2B01:00").json()
    [lieu] = [entry for entry in at_night if entry["slug"] == LIEU_B]
    assert lieu["state"] == "open"


BAD_HOURS = [
    ({"slot-0-0-opens": "10:00"}, "Indiquez l&#39;ouverture et la fermeture."),
    ({"slot-0-0-opens": "10:00", "slot-0-0-closes": "10:00"}, "doit différer"),
    ({"slot-0-0-opens": "26:00", "slot-0-0-closes": "10:00"}, "Heure invalide"),
    ({"exc-0-start": "2026-12-24", "exc-0-end": "2026-12-20"}, "La fin doit être après"),
    ({"exc-0-start": "2026-12-24", "exc-0-kind": "special"}, "ouverture et la fermeture"),
    ({"exc-0-start": "2026-12-24", "exc-0-note": "x" * 501}, "500 caractères au maximum"),
    (
        {"exc-0-start": "2026-12-24", "exc-0-note": "<script>alert(1)</script>"},
        "Pas de balises HTML",
    ),
    ({"exc-0-start": "hier"}, "Date invalide"),
    ({"holiday-rule": "sometimes"}, "Choix invalide."),
    ({"holiday-rule": "special"}, "ouverture et la fermeture"),
]


@pytest.mark.parametrize(("data", "message"), BAD_HOURS)
def test_bad_hours_are_refused_and_nothing_changes(client, seeded_path, manager, data, message):
    check_refused(
        client, seeded_path, f"/manage/{LIEU_B}/hours", data, manager, message.replace("&#39;", "'")
    )


@pytest.mark.parametrize(
    ("osm", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("Mo-Fr 25:00-26:00 nonsense", "illisible"),
        ("x" * 501, "500 caractères au maximum"),
    ],
)
def test_bad_osm_strings_are_refused(client, seeded_path, manager, osm, message):
    check_refused(
        client, seeded_path, f"/manage/{LIEU_B}/hours/osm", {"osm": osm}, manager, message
    )
