"""The hours editor's periods: summer hours, hours during works (issue 22).

A period is a name, a first and a last day and its own week; on its dates it replaces the usual
week. The demo clock reads 23 November 2026.
"""

import re
from datetime import date, time

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.hours import get_hours
from lieux.db.lieux import get_lieu
from lieux.manage.hours_form import MAX_PERIODS
from tests.people import LIEU_B, add_member, check_refused, sign_in


def week(prefix: str, days: range, opens: str, closes: str) -> dict[str, str]:
    """The form fields of the same slot on `days`."""
    return {
        f"{prefix}slot-{d}-0-{end}": value
        for d in days
        for end, value in (("opens", opens), ("closes", closes))
    }


USUAL = week("", range(6), "10:00", "16:00")
SUMMER = {
    "per-0-name": "Horaires d'été",
    "per-0-start": "2027-07-01",
    "per-0-end": "2027-08-31",
    **week("per-0-", range(5), "10:00", "14:00"),
}
WORKS = {
    "per-1-name": "Pendant les travaux",
    "per-1-start": "2027-03-01",
    "per-1-end": "2027-03-14",
    "per-1-slot-2-0-opens": "14:00",
    "per-1-slot-2-0-closes": "17:00",
}


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


def save(client, token, data):
    return client.post(
        f"/manage/{LIEU_B}/hours", data={**data, "_csrf_token": token}, follow_redirects=False
    )


def test_a_period_is_saved_shown_and_exported(client, seeded_path, manager):
    assert save(client, manager, {**USUAL, **SUMMER, **WORKS}).status_code == 303
    hours, log = stored(seeded_path)
    assert len(hours.usual_slots) == 6
    works, summer = hours.periods
    assert (summer.name, summer.start, summer.end) == (
        "Horaires d'été",
        date(2027, 7, 1),
        date(2027, 8, 31),
    )
    assert [(s.weekday, s.opens, s.closes) for s in summer.slots] == [
        (d, time(10), time(14)) for d in range(5)
    ]
    assert (works.name, [s.weekday for s in works.slots]) == ("Pendant les travaux", [2])
    assert log[0].after["slots"][-1]["period"] == "Horaires d'été"

    page = client.get(f"/manage/{LIEU_B}/hours").text
    # The form shows the periods again, the earliest first.
    assert 'name="per-0-name" value="Pendant les travaux"' in page
    assert 'name="per-1-name" value="Horaires d&#39;été"' in page
    assert 'name="per-1-slot-4-0-closes" value="14:00"' in page
    # The preview says when the hours change, and back.
    changes = page[page.index('class="hour-changes"') :]
    said = " ".join(changes.split())
    assert (
        "À partir du 1er juillet 2027</strong> — Horaires d&#39;été (jusqu'au 31 août 2027) :"
        " lundi 10:00–14:00 · mardi" in said
    )
    assert "samedi fermé · dimanche fermé</li>" in said
    assert "À partir du 1er septembre 2027</strong> — horaires habituels" in said
    assert "À partir du 15 mars</strong> — horaires habituels" in said
    # The OSM string: dated rules, the period's weekdays without a slot closed.
    assert (
        "2027 Jul 01-2027 Aug 31 Mo-Fr 10:00-14:00 open &#34;Horaires d&#39;été&#34;; "
        "2027 Jul 01-2027 Aug 31 Sa-Su off" in page
    )
    # Saving confirms the hours: the day travels with the string, as OSM's tag.
    assert "<code>check_date:opening_hours=2026-11-23</code>" in page


def test_saving_the_form_as_shown_changes_nothing(client, seeded_path, manager):
    """What the form shows of a period is what it saves: no change, no audit entry."""
    assert save(client, manager, {**USUAL, **SUMMER}).status_code == 303
    before, log = stored(seeded_path)
    page = client.get(f"/manage/{LIEU_B}/hours").text
    shown = {
        name: value
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
        if name.startswith(("slot-", "per-"))
    }
    shown = {k: v.replace("&#39;", "'") for k, v in shown.items()}
    assert save(client, manager, shown).status_code == 303
    after, log_after = stored(seeded_path)
    assert after == before
    assert len(log_after) == len(log)


def test_summer_hours_switch_on_on_their_first_day(client, seeded_path, manager):
    assert save(client, manager, {**USUAL, **SUMMER}).status_code == 303
    client.get("/lieux")  # the pages read the data at once

    def state(at):
        [lieu] = [x for x in client.get(f"/api/open-now?at={at}").json() if x["slug"] == LIEU_B]
        return lieu["state"], lieu["until"]

    assert state("2027-06-30T15:00:00%2B02:00") == ("open", "2027-06-30T16:00:00+02:00")
    assert state("2027-07-01T13:00:00%2B02:00") == ("open", "2027-07-01T14:00:00+02:00")
    assert state("2027-07-01T15:00:00%2B02:00")[0] == "closed"
    assert state("2027-07-03T11:00:00%2B02:00")[0] == "closed"  # no Saturday in summer
    assert state("2027-09-04T11:00:00%2B02:00")[0] == "open"  # the usual Saturday again


TOO_MANY = {
    f"per-{n}-{field}": value
    for n in range(MAX_PERIODS + 1)
    for field, value in (
        ("name", f"Période {n}"),
        ("start", f"2027-0{n + 1}-01"),
        ("end", f"2027-0{n + 1}-10"),
        ("slot-0-0-opens", "10:00"),
        ("slot-0-0-closes", "12:00"),
    )
}
BAD_PERIODS = [
    ({**SUMMER, "per-0-start": "2027-09-01"}, "La fin doit être après le début."),
    ({**SUMMER, "per-0-name": ""}, "Ce champ est obligatoire."),
    ({**SUMMER, "per-0-end": ""}, "Ce champ est obligatoire."),
    ({**SUMMER, "per-0-start": "1er juillet"}, "Date invalide"),
    ({**SUMMER, "per-0-end": "9999-12-31"}, "Date hors des années 1970 à 2200."),
    ({**SUMMER, "per-0-end": "2028-08-31"}, "Une période dure un an au plus"),
    ({**SUMMER, "per-0-name": "<b>été</b>"}, "Pas de balises HTML ici."),
    ({**SUMMER, "per-0-name": "é" * 81}, "80 caractères au maximum"),
    ({**SUMMER, "per-0-slot-0-0-closes": ""}, "Indiquez l&#39;ouverture et la fermeture."),
    (
        {k: v for k, v in SUMMER.items() if "-slot-" not in k},
        "Indiquez au moins une plage horaire",
    ),
    (
        {**SUMMER, **WORKS, "per-1-start": "2027-08-15", "per-1-end": "2027-09-15"},
        "Cette période chevauche « Horaires d",
    ),
    (TOO_MANY, f"Au plus {MAX_PERIODS} périodes."),
]


@pytest.mark.parametrize(("data", "message"), BAD_PERIODS)
def test_bad_periods_are_refused_and_nothing_changes(client, seeded_path, manager, data, message):
    check_refused(
        client,
        seeded_path,
        f"/manage/{LIEU_B}/hours",
        {**USUAL, **data},
        manager,
        message.replace("&#39;", "'"),
    )
