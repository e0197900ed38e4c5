"""The network admin's forms say what they did, where, with the undo at hand; archiving a lieu
and removing a helpline ask first, without JavaScript; a new lieu's invites page says it was
created and invites a co-manager by default; the invite-link page repeats what it is for
(issue 23)."""

import html
import re

from lieux import db as database
from lieux.db.lieux import get_lieu, list_helplines
from tests.people import LIEU_A, add_member, count, post, snapshot

NEW = {"name": "Le Phare", "address": "Rue Haute 12", "postcode": "1000", "commune": "Bruxelles"}


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def follow(client, response) -> tuple[str, str]:
    assert response.status_code == 303, response.text[-500:]
    location = response.headers["location"]
    return client.get(location).text, location.rsplit("#", 1)[-1] if "#" in location else ""


def notice(page: str) -> tuple[str, str, str]:
    """(its words, the element it sits in, where its undo posts or "")."""
    start = page.index('<div class="notice done" role="status"')
    box = page[start : page.index("</div>", start)]
    opening = page[start : page.index(">", start)]
    holder = (
        ["notice"]
        if 'id="notice"' in opening
        else re.findall(r'id="([\w-]+)" tabindex="-1"', page[:start])
    )
    undo = re.search(r'<form method="post" action="([^"]+)"', box)
    return text(box), holder[-1] if holder else "", undo[1] if undo else ""


def archived(db_path, slug="circuit"):
    db = database.connect(db_path)
    try:
        return get_lieu(db, slug, archived=True).archived_at is not None
    finally:
        db.close()


def test_archiving_asks_first_then_says_it_in_the_card_with_its_undo(client, seeded_path, admin):
    page = client.get("/admin").text
    card = page.split('id="lieu-circuit"', 1)[1].split("</li>", 1)[0]
    confirm = re.search(r'<details class="confirm">(.*?)</details>', card, re.S)[1]
    assert 'action="/admin/lieux/circuit/archive"' in confirm
    assert card.count("/archive") == 1  # no one-tap button beside it
    assert "Archiver…" in confirm and "Oui, archiver" in confirm
    page, target = follow(client, post(client, admin, "/admin/lieux/circuit/archive", {}))
    assert target == "lieu-circuit" and archived(seeded_path)
    words, holder, undo = notice(page)
    assert holder == "lieu-circuit"
    assert (
        words.startswith("Lieu archivé : il a disparu des pages publiques") and "Annuler" in words
    )
    assert re.fullmatch(r"/admin/audit/\d+/restore", undo)
    fields = dict(re.findall(r'name="(back|at)" value="([^"]+)"', page))
    page, target = follow(client, post(client, admin, undo, fields))
    assert not archived(seeded_path) and target == "lieu-circuit"
    assert notice(page)[:2] == ("Version d'avant rétablie. Annuler", "lieu-circuit")


def test_removing_a_helpline_asks_first_and_can_be_undone(client, seeded_path, admin):
    page = client.get("/admin/helplines").text
    row = page.split('id="helpline-2"', 1)[1].split("</li>", 1)[0]
    assert (
        'action="/admin/helplines/2/delete"'
        in re.search(r'<details class="confirm">(.*?)</details>', row, re.S)[1]
    )
    page, target = follow(client, post(client, admin, "/admin/helplines/2/delete", {}))
    words, holder, undo = notice(page)
    # Its row is gone: the notice shows on top, with the undo.
    assert target == "" and holder == "notice"
    assert words == "Ligne retirée : elle n'apparaît plus nulle part. Annuler"
    names = [h.name for h in list_helplines(database.connect(seeded_path))]
    assert "Tele-Onthaal" not in names
    follow(client, post(client, admin, undo, {"back": "/admin/helplines"}))
    names = [h.name for h in list_helplines(database.connect(seeded_path))]
    assert "Tele-Onthaal" in names


def test_adding_and_editing_a_helpline_say_it_at_the_line(client, seeded_path, admin):
    line = {"name": "Ligne test", "number": "0800 00 000", "language": "fr"}
    page, target = follow(client, post(client, admin, "/admin/helplines", line))
    words, holder, undo = notice(page)
    assert holder == target and target.startswith("helpline-")
    assert words == "Ligne ajoutée. Annuler"
    # Its undo takes it away again.
    follow(client, post(client, admin, undo, {}))
    assert "Ligne test" not in [h.name for h in list_helplines(database.connect(seeded_path))]
    edit = {"name": "Télé-Accueil", "number": "0800 99 999", "language": "fr", "what": "Écoute"}
    page, target = follow(client, post(client, admin, "/admin/helplines/1", edit))
    assert target == "helpline-1" and notice(page)[0] == "Ligne enregistrée. Annuler"
    page, _ = follow(client, post(client, admin, "/admin/helplines/1", edit))
    assert notice(page)[0] == "Rien à enregistrer : rien n'a changé."


def test_an_undo_of_something_changed_since_is_refused_cleanly(client, seeded_path, admin):
    first = {"name": "Télé-Accueil", "number": "0800 11 111", "language": "fr", "what": "Écoute"}
    page, _ = follow(client, post(client, admin, "/admin/helplines/1", first))
    undo = notice(page)[2]
    post(client, admin, "/admin/helplines/1", {**first, "number": "0800 22 222"})
    before = snapshot(seeded_path)
    refused = post(client, admin, undo, {})
    assert refused.status_code == 409
    assert "Cela a changé depuis : rien n&#39;est rétabli." in refused.text
    assert snapshot(seeded_path) == before


def test_a_new_lieu_says_it_was_created_and_invites_a_co_manager(client, seeded_path, admin):
    page, target = follow(client, post(client, admin, "/admin/lieux", NEW))
    assert target == "invite-form"
    words, holder, _undo = notice(page)
    assert holder == "invite-form" and words.startswith("Lieu créé. Invitez maintenant")
    assert re.search(r'name="role" value="co-manager" checked', page)
    assert not re.search(r'name="role" value="member" checked', page)
    # A lieu that already has a co-manager invites members by default.
    add_member(seeded_path, "Co A", {LIEU_A: "co-manager"})
    other = client.get(f"/manage/{LIEU_A}/invites").text
    assert re.search(r'name="role" value="member" checked', other)


def test_the_invite_link_page_says_for_which_lieu_and_role(client, seeded_path, admin):
    follow(client, post(client, admin, "/admin/lieux", NEW))
    page = client.post(
        "/manage/le-phare/invites",
        data={"role": "co-manager", "_csrf_token": admin},
    ).text
    said = text(page.split('id="invite-for"', 1)[1].split("</p>", 1)[0])
    assert "rejoindre « Le Phare » comme co-gestionnaire" in said
    assert "Le même lien en code QR — Le Phare, co-gestionnaire" in text(page)
    member = client.post(
        "/manage/le-phare/invites", data={"role": "member", "_csrf_token": admin}
    ).text
    assert "rejoindre « Le Phare » comme membre" in text(member)


def test_the_invites_are_cards_not_a_table(client, seeded_path, admin):
    follow(client, post(client, admin, "/admin/lieux", NEW))
    client.post("/manage/le-phare/invites", data={"role": "co-manager", "_csrf_token": admin})
    page = client.get("/manage/le-phare/invites").text
    assert "<table" not in page and 'class="table-scroll"' not in page
    card = re.search(r'<li id="invite-\d+" tabindex="-1" class="usable">(.*?)</li>', page, re.S)
    assert "co-gestionnaire · une fois" in text(card[1]) and "valable" in text(card[1])
    assert count(seeded_path, "invites") == 1
