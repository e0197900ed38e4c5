"""What the members' pages show people: labels instead of stored codes, local times, all-day
items by their dates, per-row buttons that say which row they act on, errors tied to fields."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.activities import get_activity
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.people import LIEU_A, add_member, create, post, sign_in

FIRST = DEMO_TODAY + timedelta(days=7)
WEEKLY = {
    "title": "Atelier couture",
    "kind": "atelier",
    "day": FIRST.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "repeat": "weekly",
}
DAY = DEMO_TODAY + timedelta(days=20)
ALL_DAY = {"title": "Sortie à la mer", "kind": "sortie", "day": DAY.isoformat(), "all_day": "1"}


def button_names(page: str) -> list[str]:
    """Each button's accessible name: its text, visually hidden parts included."""
    names = re.findall(r"<button\b[^>]*>(.*?)</button>", page, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", n)).split()) for n in names]


def test_proposal_kind_and_invite_role_are_labels_in_the_page_language(
    client, seeded_path, manager
):
    member = add_member(seeded_path, "Malik", {LIEU_A: "member"})
    db = database.connect(seeded_path)
    issue_invite(
        db,
        lieu_id=get_lieu(db, LIEU_A).id,
        role="co-manager",
        base_url="",
        now=DEMO_NOW,
    )
    db.close()
    token = sign_in(client, seeded_path, member)
    outing = {**WEEKLY, "kind": "sortie", "title": "Balade", "repeat": "none"}
    assert post(client, token, f"/manage/{LIEU_A}/proposals", outing).status_code == 303
    sign_in(client, seeded_path, add_member(seeded_path, "Co B", {LIEU_A: "co-manager"}))
    for lang, kind in [("fr", "Sortie"), ("nl", "Uitstap"), ("en", "Outing")]:
        page = client.get(f"/manage/{LIEU_A}?lang={lang}").text
        assert f"<small>({kind})</small>" in page
        assert "(sortie)" not in page
    invites = client.get(f"/manage/{LIEU_A}/invites").text
    assert "<strong>co-gestionnaire</strong>" in invites and ">co-manager<" not in invites
    english = client.get(f"/manage/{LIEU_A}/invites?lang=en").text
    assert "<strong>co-manager</strong>" in english


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (datetime(2026, 12, 18, 23, 17, tzinfo=UTC), "19/12/2026 00:17"),  # winter, UTC+1
        (datetime(2026, 7, 1, 10, 5, tzinfo=UTC), "01/07/2026 12:05"),  # summer, UTC+2
    ],
)
def test_audit_log_shows_brussels_time_with_the_date(client, seeded_path, manager, at, shown):
    db = database.connect(seeded_path)
    audit.record(
        db,
        lieu_id=get_lieu(db, LIEU_A).id,
        member_id=None,
        action="update",
        entity="hours",
        entity_id=None,
        now=at,
    )
    db.close()
    page = client.get(f"/manage/{LIEU_A}/audit").text
    assert f">{shown}</time>" in page
    assert "UTC" not in page


def test_an_all_day_activity_is_shown_by_its_date_and_stays_all_day(client, seeded_path, manager):
    activity_id = create(client, manager, ALL_DAY)
    db = database.connect(seeded_path)
    activity = get_activity(db, activity_id)
    db.close()
    assert activity.all_day
    assert (activity.starts_at, activity.ends_at) == (
        datetime.combine(DAY, datetime.min.time()),
        datetime.combine(DAY + timedelta(days=1), datetime.min.time()),
    )
    day = DAY.strftime("%d/%m/%Y")
    dashboard = client.get(f"/manage/{LIEU_A}").text
    weekday = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[
        DAY.weekday()
    ]
    assert re.search(rf"Sortie à la mer</a>\s*— {weekday} {day}\s*<", dashboard)
    assert f"{day} 00:00" not in dashboard
    edit = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    assert re.search(r'name="all_day" value="1" checked', edit)
    assert 'id="start" name="start" value=""' in edit
    # Saving the form as shown keeps it all day (it used to become 00:00-00:00).
    fields = {**ALL_DAY, "title": "Sortie à la mer du Nord", "version": str(activity.version)}
    assert (
        post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}", fields).status_code
        == 303
    )
    db = database.connect(seeded_path)
    again = get_activity(db, activity_id)
    db.close()
    assert again.all_day and again.ends_at == activity.ends_at


def test_a_multi_day_proposal_shows_first_and_last_day(client, seeded_path, manager):
    last = DAY + timedelta(days=2)
    data = {**ALL_DAY, "end_day": last.isoformat()}
    assert post(client, manager, f"/manage/{LIEU_A}/proposals", data).status_code == 303
    page = client.get(f"/manage/{LIEU_A}").text
    assert f"du {DAY:%d/%m/%Y} au {last:%d/%m/%Y}" in page


def test_times_are_required_unless_all_day(client, seeded_path, manager):
    response = post(
        client, manager, f"/manage/{LIEU_A}/activities", {"kind": "atelier", "day": "x"}
    )
    assert response.status_code == 400
    # Every missing or wrong field is reported at once, next to its field.
    for name in ("title", "day", "start", "end"):
        assert f'id="{name}-error"' in response.text, name
    all_day = post(client, manager, f"/manage/{LIEU_A}/activities", {**ALL_DAY, "title": ""})
    assert all_day.status_code == 400
    assert 'id="title-error"' in all_day.text and 'id="start-error"' not in all_day.text


def test_each_date_button_names_its_date(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    cancels = [n for n in button_names(page) if n.startswith("Annuler cette date")]
    assert len(cancels) >= 5
    assert len(set(cancels)) == len(cancels)
    assert f"Annuler cette date ({FIRST:%d/%m/%Y} 14:00–16:00)" in cancels
    moves = [n for n in button_names(page) if n.startswith("Déplacer")]
    assert len(set(moves)) == len(moves) == len(cancels)


def test_other_row_buttons_name_their_row(client, seeded_path, manager):
    add_member(seeded_path, "Malik", {LIEU_A: "member"})
    add_member(seeded_path, "Zoé", {LIEU_A: "co-manager"})  # Co A is not the only one
    activity_id = create(client, manager, WEEKLY)
    assert (
        post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}/delete", {}).status_code
        == 303
    )
    assert post(client, manager, f"/manage/{LIEU_A}/invites", {"role": "member"}).status_code == 200
    names = button_names(client.get(f"/manage/{LIEU_A}").text)
    assert "Restaurer « Atelier couture »" in names
    # Taking someone out asks first: the second button names them too.
    assert "Rendre co-gestionnaire : Malik" in names and "Oui, retirer du lieu : Malik" in names
    assert "Oui, retirer du lieu : Co A" in names
    revoke = [
        n for n in button_names(client.get(f"/manage/{LIEU_A}/invites").text) if "révoquer" in n
    ]
    assert len(revoke) == 1 and re.fullmatch(
        r"Oui, révoquer ce lien \(invitation #\d+, membre, expire le \d\d/\d\d/\d{4}\)",
        revoke[0],
    )
    audit_names = button_names(client.get(f"/manage/{LIEU_A}/audit").text)
    assert any(
        n.startswith("Restaurer (suppression · activité « Atelier couture »") for n in audit_names
    )


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/activities", {"title": "", "kind": "nope", "day": "demain", "price": "amount"}),
        ("/settings", {"governance": "anarchie", "support_threshold": "0"}),
        ("/hours", {"slot-0-0-opens": "25:00", "exc-0-start": "hier"}),
        ("/hours/osm", {"osm": "n'importe quoi"}),
        ("/invites", {"role": "chef"}),
    ],
)
def test_errors_are_tied_to_their_fields(client, seeded_path, manager, path, data):
    response = post(client, manager, f"/manage/{LIEU_A}{path}", data)
    assert response.status_code == 400
    page = response.text
    error_ids = set(re.findall(r'<p class="field-error" id="([^"]+)"', page))
    described = set()
    for ids in re.findall(r'aria-describedby="([^"]+)"', page):
        described.update(ids.split())
    assert error_ids, "no inline error"
    assert error_ids <= described, "an error no field points to"
    assert described <= set(re.findall(r'\bid="([^"]+)"', page)), "a field points to nothing"
    for ids in re.findall(r'aria-invalid="true" aria-describedby="([^"]+)"', page):
        assert set(ids.split()) <= error_ids


@pytest.mark.parametrize("path", ["/activities/new", "/propose", "/hours", "/settings", "/invites"])
def test_every_field_has_a_label(client, manager, path):
    page = client.get(f"/manage/{LIEU_A}{path}").text
    form_fields = re.findall(r"<(?:input|select|textarea)\b([^>]*)>", page)
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
    for attributes in form_fields:
        if re.search(r'type="(hidden|radio|checkbox)"', attributes) or "aria-label" in attributes:
            continue  # radios and boxes sit inside their <label>; read-only links have aria-label
        field_id = re.search(r'\bid="([^"]+)"', attributes)
        assert field_id and field_id[1] in labelled, attributes
