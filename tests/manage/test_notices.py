"""Every form of the members' area lands on a page that says what it did, next to what changed,
with its undo at hand; destructive actions ask first, without JavaScript (issue 23)."""

import html
import re

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.activities import get_activity, is_deleted
from lieux.db.lieux import get_lieu
from lieux.db.members import role_of
from lieux.i18n import translations
from lieux.manage.notices import NOTICES
from tests.people import FIRST, LIEU_A, WEEKLY, add_member, count, create, post


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def landing(client, response) -> tuple[str, str]:
    """Follow a form's answer: (the page, the element id its address ends with)."""
    assert response.status_code == 303, response.text[-500:]
    location = response.headers["location"]
    assert "?done=" in location or "&done=" in location
    target = location.rsplit("#", 1)[1] if "#" in location else ""
    return client.get(location).text, target


def notice_in(page: str, target: str) -> str:
    """The words of the one notice of `page`, which sits inside the element `target` (focusable,
    so the redirect's fragment and members-focus.js can take the person there)."""
    assert page.count('<div class="notice done" role="status"') == 1
    start = page.index(f'id="{target}"')
    opening = page[page.rindex("<", 0, start) : page.index(">", start)]
    assert 'tabindex="-1"' in opening
    if opening.startswith('<div class="notice done"'):  # the notice on top is its own target
        return text(page[start : page.index("</div>", start)].split(">", 1)[1])
    box = page.index('<div class="notice done" role="status"', start)
    # Nothing else focusable opens between the element and its notice: the notice is inside it.
    assert 'tabindex="-1"' not in page[page.index(">", start) : box]
    return text(page[box : page.index("</div>", box)])


def undo_form(page: str) -> tuple[str, dict]:
    """The notice's undo button: (where it posts, its fields)."""
    box = page.index('<div class="notice done" role="status"')
    form = page[box : page.index("</form>", box)]
    action = re.search(r'<form method="post" action="([^"]+)"', form)[1]
    fields: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        if name != "_csrf_token":
            fields.setdefault(name, []).append(html.unescape(value))
    return action, {k: v if len(v) > 1 else v[0] for k, v in fields.items()}


def entries(db_path):
    db = database.connect(db_path)
    try:
        return audit.list_entries(db, get_lieu(db, LIEU_A).id)
    finally:
        db.close()


def stored(db_path, activity_id):
    db = database.connect(db_path)
    try:
        return get_activity(db, activity_id), is_deleted(db, activity_id)
    finally:
        db.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_notice_is_translated(lang):
    catalog = translations(lang)
    for key, notice in NOTICES.items():
        if notice.plural:
            assert catalog.ngettext(notice.text, notice.plural, 2) != notice.plural, key
        else:
            assert catalog.gettext(notice.text) != notice.text, key
        if notice.undo:
            assert catalog.gettext(notice.undo) != notice.undo or notice.undo == "Annuler", key


def test_a_cancelled_date_says_so_at_the_date_and_undoes(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    rid = f"{FIRST.isoformat()}T14:00:00"
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": rid, "version": "1"},
    )
    page, target = landing(client, response)
    assert target == f"date-{FIRST:%Y%m%d}t1400"
    assert notice_in(page, target) == (
        "Date annulée : elle reste visible, barrée. Rétablir cette date"
    )
    action, fields = undo_form(page)
    assert action == f"/manage/{LIEU_A}/audit/undo"
    assert fields["entry"] == str(entries(seeded_path)[0].id)
    assert (fields["back"], fields["at"]) == (f"/manage/{LIEU_A}/activities/{activity_id}", target)
    undone = post(client, manager, action, fields)
    page, target = landing(client, undone)
    assert target == f"date-{FIRST:%Y%m%d}t1400"  # back where it was asked
    assert notice_in(page, target) == "Changement annulé. Refaire"
    activity, _deleted = stored(seeded_path, activity_id)
    # As before the cancellation, said by an override that SEQUENCE calendars will follow.
    assert [(o.status, o.starts_at, o.title) for o in activity.overrides] == [
        ("confirmed", None, None)
    ]
    assert activity.overrides[0].sequence > activity.sequence
    undo = entries(seeded_path)[0]
    assert (undo.action, undo.after["undo_of"]) == ("update", int(fields["entry"]))
    # "Refaire" undoes the undo: the date is cancelled again.
    action, again = undo_form(page)
    assert again["entry"] == str(undo.id)
    landing(client, post(client, manager, action, again))
    assert [o.status for o in stored(seeded_path, activity_id)[0].overrides] == ["cancelled"]


def test_deleting_asks_first_without_javascript_and_can_be_restored(client, seeded_path, manager):
    activity_id = create(client, manager, WEEKLY)
    page = client.get(f"/manage/{LIEU_A}/activities/{activity_id}").text
    delete = f'action="/manage/{LIEU_A}/activities/{activity_id}/delete"'
    # The only form that deletes sits inside a closed <details>: one tap opens it, a second
    # button ("Oui, supprimer l'activité") deletes.
    confirm = re.search(r'<details class="confirm">(.*?)</details>', page, re.S)[1]
    assert delete in confirm and page.count(delete) == 1
    assert "Supprimer…" in confirm and "Oui, supprimer l'activité" in confirm
    assert "window.confirm" not in page and "hx-confirm" not in page
    response = post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}/delete", {})
    page, target = landing(client, response)
    assert target == f"deleted-{activity_id}"
    assert notice_in(page, target).startswith("Activité supprimée : elle a disparu")
    action, fields = undo_form(page)
    assert stored(seeded_path, activity_id)[1]
    page, target = landing(client, post(client, manager, action, fields))
    # Restored: on its own page again, saying so.
    assert target == "saved" and f"/activities/{activity_id}" in page
    assert notice_in(page, "saved") == "Changement annulé. Refaire"
    assert not stored(seeded_path, activity_id)[1]


def test_taking_someone_out_asks_first_says_it_and_undoes(client, seeded_path, manager):
    malik = add_member(seeded_path, "Malik", {LIEU_A: "member"})
    page = client.get(f"/manage/{LIEU_A}").text
    row = page.split(f'id="member-{malik}"', 1)[1].split("</li>", 1)[0]
    confirm = re.search(r'<details class="confirm">(.*?)</details>', row, re.S)[1]
    assert 'name="role" value="remove"' in confirm and "Oui, retirer du lieu" in confirm
    assert 'value="remove"' not in row.replace(confirm, "")
    response = post(client, manager, f"/manage/{LIEU_A}/members/{malik}", {"role": "remove"})
    page, target = landing(client, response)
    assert target == "members" and notice_in(page, target) == "Personne retirée du lieu. Annuler"
    db = database.connect(seeded_path)
    lieu_id = get_lieu(db, LIEU_A).id
    assert role_of(db, malik, lieu_id) is None
    action, fields = undo_form(page)
    landing(client, post(client, manager, action, fields))
    assert role_of(db, malik, lieu_id) == "member"
    db.close()


def test_a_role_change_says_it_at_the_person(client, seeded_path, manager):
    malik = add_member(seeded_path, "Malik", {LIEU_A: "member"})
    response = post(client, manager, f"/manage/{LIEU_A}/members/{malik}", {"role": "co-manager"})
    page, target = landing(client, response)
    assert target == f"member-{malik}" and notice_in(page, target) == "Rôle changé. Annuler"
    action, fields = undo_form(page)
    landing(client, post(client, manager, action, fields))
    db = database.connect(seeded_path)
    assert role_of(db, malik, get_lieu(db, LIEU_A).id) == "member"
    db.close()


def test_revoking_an_invite_asks_first_and_says_it(client, seeded_path, manager):
    post(client, manager, f"/manage/{LIEU_A}/invites", {"role": "member"})
    page = client.get(f"/manage/{LIEU_A}/invites").text
    invite_id = re.search(r'id="invite-(\d+)"', page)[1]
    revoke = f'action="/manage/{LIEU_A}/invites/{invite_id}/revoke"'
    assert revoke in re.search(r'<details class="confirm">(.*?)</details>', page, re.S)[1]
    response = post(client, manager, f"/manage/{LIEU_A}/invites/{invite_id}/revoke", {})
    page, target = landing(client, response)
    assert target == f"invite-{invite_id}"
    # Not undoable (a revoked link stays dead): the message says so, no button.
    said = notice_in(page, target)
    assert said == "Invitation révoquée : le lien ne fonctionne plus."
    assert "révoqué" in text(page.split(f'id="invite-{invite_id}"', 1)[1].split("</li>")[0])


@pytest.mark.parametrize(
    ("path", "data", "notice", "target"),
    [
        ("/settings", {"governance": "coordinated", "support_threshold": "4"}, "Règles", "saved"),
        ("/hours", {"slot-0-0-opens": "09:00", "slot-0-0-closes": "12:00"}, "Horaires",
         "hours-preview"),
        ("/status", {"state": "closed", "note": "Grève"}, "C'est publié", "live-status"),
    ],
)  # fmt: skip
def test_saving_says_it_where_it_shows_with_its_undo(
    client, seeded_path, manager, path, data, notice, target
):
    before = count(seeded_path, "audit_log")
    page, landed_at = landing(client, post(client, manager, f"/manage/{LIEU_A}{path}", data))
    assert landed_at == target and notice_in(page, target).startswith(notice)
    action, fields = undo_form(page)
    landing(client, post(client, manager, action, fields))
    undo = entries(seeded_path)[0]
    assert undo.after is None or undo.after.get("undo_of") == int(fields["entry"])
    assert count(seeded_path, "audit_log") == before + 2  # the change, then its undo


def test_saving_nothing_new_says_so_without_undo(client, seeded_path, manager):
    rules = {"governance": "coordinated", "support_threshold": "3"}
    post(client, manager, f"/manage/{LIEU_A}/settings", rules)
    page, target = landing(client, post(client, manager, f"/manage/{LIEU_A}/settings", rules))
    assert notice_in(page, target) == "Rien à enregistrer : rien n'a changé."
    assert "/audit/undo" not in page


def test_the_address_brings_no_text_of_its_own(client, manager):
    """Only the catalogue's words show: an unknown key, a forged element id or entry say nothing
    and are not echoed."""
    base = f"/manage/{LIEU_A}/settings"
    page = client.get(f"{base}?done=%3Cscript%3Ealert(1)%3C/script%3E").text
    assert 'class="notice done"' not in page and "alert(1)" not in page
    page = client.get(f'{base}?done=rules-saved&at=saved"onfocus="x&entry=1x&entry=2').text
    assert 'onfocus="x' not in page and "onfocus=&#34;x" not in page
    # The id was refused: the notice goes on top, its undo names the one valid entry.
    assert 'id="notice" tabindex="-1"' in page
    assert page.count('name="entry"') == 1 and 'name="entry" value="2"' in page


def test_a_notice_whose_place_is_gone_shows_on_top(client, manager):
    page = client.get(f"/manage/{LIEU_A}/hours?done=hours-saved&at=nowhere&entry=5").text
    assert 'id="notice" tabindex="-1"' in page
    assert page.index('id="notice"') < page.index("<h1>")
    assert notice_in(page, "notice").startswith("Horaires enregistrés.")


def test_htmx_answers_redirect_with_the_fragment(client, seeded_path, manager):
    response = post(
        client,
        manager,
        f"/manage/{LIEU_A}/status",
        {"state": "closed"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].endswith("#live-status")
    assert "done=status-set" in response.headers["HX-Redirect"]
