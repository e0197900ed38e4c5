"""The network admin area: the lieux to follow up, creating a lieu, helplines, admin invites,
the network's audit log and its "restore this version"."""

import html
import re
from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db.lieux import get_lieu, list_helplines
from tests.conftest import DEMO_NOW
from tests.people import (
    add_member,
    check_refused,
    join,
    post,
    sign_in,
    snapshot,
)

NEW = {"name": "Le Phare", "address": "Rue Haute 12", "postcode": "1000", "commune": "Bruxelles"}
PAGES = ["/admin", "/admin?attention=1", "/admin/lieux/new", "/admin/helplines", "/admin/audit"]


def _row(html: str, slug: str) -> str:
    """The card of one lieu on /admin."""
    start = html.index(f'id="lieu-{slug}"')
    return html[start : html.index("</li>", start)]


def _sql(path, sql, params=()):
    db = database.connect(path)
    try:
        with db.atomic():
            return db.execute(sql, params).fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "co-manager"])
def test_admin_pages_are_for_network_admins_only(client, seeded_path, url, who):
    if who == "co-manager":
        sign_in(client, seeded_path, add_member(seeded_path, "Co", {"babel-zin": "co-manager"}))
    response = client.get(url)
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert "<html" in response.text


def test_lieux_list_says_what_to_follow_up(client, seeded_path, admin):
    stale_days = 90
    # la-trace: demo hours confirmed 10 days ago; club-55: confirmed long ago; babel-zin: never
    _sql(
        seeded_path,
        "UPDATE lieux SET hours_verified_at = ? WHERE slug = 'la-trace'",
        [(DEMO_NOW - timedelta(days=10)).isoformat()],
    )
    _sql(
        seeded_path,
        "UPDATE lieux SET hours_verified_at = ? WHERE slug = 'club-55'",
        [(DEMO_NOW - timedelta(days=stale_days + 1)).isoformat()],
    )
    _sql(seeded_path, "UPDATE lieux SET hours_verified_at = NULL WHERE slug = 'babel-zin'")
    co = add_member(seeded_path, "Co Trace", {"la-trace": "co-manager"})
    assert co
    html = client.get("/admin").text
    trace = _row(html, "la-trace")
    assert "vérifiés le 13/11/2026" in trace and "à confirmer" not in trace
    assert re.search(r"Co-gestionnaires</dt>\s*<dd>1</dd>", trace)
    assert "à confirmer" in _row(html, "club-55")
    assert "jamais vérifiés" in _row(html, "babel-zin")
    # every lieu is listed, and one the guide has without demo hours says "unknown"
    db = database.connect(seeded_path)
    unknown = [
        row[0]
        for row in db.execute(
            "SELECT slug FROM lieux WHERE id NOT IN (SELECT lieu_id FROM opening_slots)"
        )
    ]
    db.close()
    for slug in unknown:
        assert "inconnus" in _row(html, slug)
    # the attention filter drops la-trace (fresh hours, a co-manager, nothing pending)
    attention = client.get("/admin?attention=1").text
    assert 'id="lieu-la-trace"' not in attention
    assert 'id="lieu-club-55"' in attention
    assert 'id="lieu-babel-zin"' in attention


def test_stale_threshold_follows_the_setting(seeded_path):
    from litestar.testing import TestClient

    from tests.conftest import make_app

    _sql(
        seeded_path,
        "UPDATE lieux SET hours_verified_at = ? WHERE slug = 'la-trace'",
        [(DEMO_NOW - timedelta(days=10)).isoformat()],
    )
    with TestClient(app=make_app(seeded_path, hours_stale_days=7)) as client:
        sign_in(client, seeded_path, add_member(seeded_path, "A", admin=True))
        assert "à confirmer" in _row(client.get("/admin").text, "la-trace")


def test_pending_proposals_and_last_change(client, seeded_path, admin):
    member = add_member(seeded_path, "Membre", {"la-trace": "member"})
    from tests.people import sign_in as sign_in_as

    token = sign_in_as(client, seeded_path, member)
    proposal = {"title": "Balade", "kind": "sortie", "day": "2026-12-05", "start": "10:00"}
    response = post(client, token, "/manage/la-trace/proposals", {**proposal, "end": "12:00"})
    assert response.status_code == 303, response.text[-500:]
    sign_in(client, seeded_path, add_member(seeded_path, "A2", admin=True))
    trace = _row(client.get("/admin").text, "la-trace")
    assert re.search(r"Propositions en attente</dt>\s*<dd><strong[^>]*>1</strong>", trace)
    assert "23/11/2026 12:00" in trace  # the proposal is the last change, at the pinned noon


def test_create_lieu_gets_a_free_slug_and_is_audited(client, seeded_path, admin):
    first = post(client, admin, "/admin/lieux", NEW)
    assert first.status_code == 303
    assert first.headers["location"] == (
        "/manage/le-phare/invites?done=lieu-created&at=invite-form#invite-form"
    )
    second = post(client, admin, "/admin/lieux", {**NEW, "phone": "02 123 45 67"})
    assert second.headers["location"].startswith("/manage/le-phare-2/invites?")
    db = database.connect(seeded_path)
    lieu = get_lieu(db, "le-phare-2")
    assert (lieu.name, lieu.postcode, lieu.commune, lieu.phone) == (
        "Le Phare",
        "1000",
        "Bruxelles",
        "02 123 45 67",
    )
    [entry] = audit.list_entries(db, lieu.id)
    db.close()
    assert (entry.action, entry.entity, entry.after["slug"]) == ("create", "lieu", "le-phare-2")
    assert entry.member_name == "Coordination"
    # the admin invites its first co-manager from the lieu's invites page (nobody joined yet)
    page = client.get("/manage/le-phare-2/invites")
    assert page.status_code == 200
    created = post(client, admin, "/manage/le-phare-2/invites", {"role": "co-manager"})
    assert created.status_code == 200 and "<svg" in created.text
    link = re.search(r"http://testserver(/join/[\w-]+)", created.text)[1]
    client.cookies.clear()
    joined = join(client, link, name="Nadia")
    assert joined.status_code == 200
    db = database.connect(seeded_path)
    role = db.execute(
        "SELECT r.role FROM roles r JOIN members m ON m.id = r.member_id "
        "WHERE m.display_name = 'Nadia' AND r.lieu_id = ?",
        [lieu.id],
    ).fetchone()[0]
    db.close()
    assert role == "co-manager"
    # the new lieu is public at once, its hours unknown (never "closed")
    public = client.get("/lieux/le-phare-2")
    assert public.status_code == 200 and "Le Phare" in public.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire."),
        ("name", "<script>alert(1)</script>", "Pas de balises HTML ici."),
        ("address", "<img src=x onerror=alert(1)>", "Pas de balises HTML ici."),
        ("postcode", "2000", "Code postal invalide"),
        ("postcode", "999", "Code postal invalide"),
        ("postcode", "10a0", "Code postal invalide"),
        ("commune", "Paris", "Choix invalide."),
        ("phone", "appelez-nous", "Numéro de téléphone invalide"),
        ("phone", "+", "Numéro de téléphone invalide"),
        ("name", "x" * 201, "Trop long : 200 caractères au maximum."),
    ],
)
def test_create_lieu_refuses_bad_input(client, seeded_path, admin, field, value, message):
    before = _sql(seeded_path, "SELECT count(*) FROM lieux")
    check_refused(client, seeded_path, "/admin/lieux", {**NEW, field: value}, admin, message)
    assert _sql(seeded_path, "SELECT count(*) FROM lieux") == before


def test_create_lieu_form_keeps_what_was_typed(client, admin):
    response = post(client, admin, "/admin/lieux", {**NEW, "postcode": "4000"})
    assert response.status_code == 400
    assert 'value="Rue Haute 12"' in response.text and 'value="4000"' in response.text
    assert 'aria-invalid="true" aria-describedby="postcode-error"' in response.text
    assert '<option value="Bruxelles" selected>' in response.text


def test_helplines_edit_add_remove_audited(client, seeded_path, admin):
    page = client.get("/admin/helplines").text
    assert "Télé-Accueil" in page and 'value="107"' in page
    edit = {
        "name": "Télé-Accueil",
        "number": "107",
        "language": "fr",
        "what": "Ligne d'écoute",
        "hours": "24h/24",
        "hours_nl": "altijd bereikbaar",
        "what_nl": "Luisterlijn (Frans)",
        "opening_hours": "24/7",  # left empty, the line would be "hours unknown"
    }
    assert post(client, admin, "/admin/helplines/1", edit).status_code == 303
    added = {"name": "Ligne Nuit", "number": "+32 2 000 00 00", "language": "en", "what": "Nuit"}
    assert post(client, admin, "/admin/helplines", added).status_code == 303
    assert post(client, admin, "/admin/helplines/2/delete", {}).status_code == 303
    db = database.connect(seeded_path)
    lines = {line.name: line for line in list_helplines(db)}
    assert lines["Télé-Accueil"].hours_nl == "altijd bereikbaar"
    assert (
        lines["Télé-Accueil"].opening_hours == "24/7" and lines["Ligne Nuit"].opening_hours is None
    )
    assert "Ligne Nuit" in lines and "Tele-Onthaal" not in lines
    entries = db.execute(
        "SELECT action, lieu_id, before, after FROM audit_log WHERE entity = 'helpline' ORDER BY id"
    ).fetchall()
    db.close()
    assert [(a, lieu) for a, lieu, _, _ in entries] == [
        ("update", None),
        ("create", None),
        ("delete", None),
    ]
    assert '"hours":"24/7"' in entries[0][2] and '"hours":"24h/24"' in entries[0][3]
    # the public pages say it at once
    client.cookies.clear()
    home = client.get("/?lang=nl").text
    assert "altijd bereikbaar" in home and "Ligne Nuit" in home
    guide = client.get("/guide?lang=nl").text
    assert "altijd bereikbaar" in guide and "Ligne Nuit" in guide and "Tele-Onthaal" not in guide


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "cent-sept", "Numéro de téléphone invalide"),
        ("number", "<b>107</b>", "Pas de balises HTML ici."),
        ("number", "", "Ce champ est obligatoire."),
        ("language", "de", "Choix invalide."),
        ("what_en", "<a href=x>", "Pas de balises HTML ici."),
        ("name", "Tele-Onthaal", "Une autre ligne porte déjà ce nom."),
        ("opening_hours", "quand on peut", "Horaires illisibles"),
        ("opening_hours", "Mo-Fr 25:00-26:00", "Horaires illisibles"),
        ("opening_hours", "24/7" * 200, "Trop long"),
    ],
)
def test_helpline_edit_refuses_bad_input(client, seeded_path, admin, field, value, message):
    data = {"name": "Télé-Accueil", "number": "107", "language": "fr", **{field: value}}
    before = list_helplines(database.connect(seeded_path))
    check_refused(client, seeded_path, "/admin/helplines/1", data, admin, message)
    response = post(client, admin, "/admin/helplines/1", data)
    assert 'id="h1-' + field + '-error"' in response.text  # next to the field of that line
    assert "<details open>" in response.text
    assert list_helplines(database.connect(seeded_path)) == before


def test_unknown_helpline_is_404(client, admin):
    data = {"name": "X", "number": "107", "language": "fr"}
    assert post(client, admin, "/admin/helplines/999", data).status_code == 404
    assert post(client, admin, "/admin/helplines/999/delete", {}).status_code == 404


def test_admin_invite_makes_an_admin(client, seeded_path, admin):
    before = snapshot(seeded_path)
    response = post(client, admin, "/admin/invites", {})
    assert response.status_code == 200
    assert "<svg" in response.text
    link = re.search(r"http://testserver(/join/[\w-]+)", response.text)[1]
    assert snapshot(seeded_path)["invites"] == before["invites"] + 1
    client.cookies.clear()
    assert join(client, link, name="Sam").status_code == 200
    assert client.get("/admin").status_code == 200
    # used once: a second person is refused
    client.cookies.clear()
    assert join(client, link, name="Eve").status_code == 410
    assert "administrateurs" not in client.get("/admin").text


def test_network_audit_lists_changes_and_restores_a_helpline(client, seeded_path, admin):
    edit = {"name": "Télé-Accueil", "number": "0800 99 999", "language": "fr", "what": "Écoute"}
    post(client, admin, "/admin/helplines/1", edit)
    post(client, admin, "/admin/lieux", NEW)
    post(client, admin, "/admin/lieux/le-phare/archive", {})
    post(client, admin, "/admin/invites", {})
    page = html.unescape(client.get("/admin/audit").text)
    for said in ("archivage · lieu", "création · lieu", "modification · ligne d'écoute"):
        assert said in page
    assert "invitation" in page and "administrateur du réseau" in page
    [entry_id] = [
        row[0] for row in _sql(seeded_path, "SELECT id FROM audit_log WHERE entity = 'helpline'")
    ]
    assert f"/admin/audit/{entry_id}/restore" in page
    assert post(client, admin, f"/admin/audit/{entry_id}/restore", {}).status_code == 303
    db = database.connect(seeded_path)
    line = next(h for h in list_helplines(db) if h.name == "Télé-Accueil")
    last = db.execute(
        "SELECT action, before, after FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    db.close()
    assert line.number == "107" and line.what == "Ligne d'écoute"
    assert last[0] == "restore" and "0800 99 999" in last[1] and '"107"' in last[2]


def test_restore_brings_back_a_removed_helpline(client, seeded_path, admin):
    post(client, admin, "/admin/helplines/2/delete", {})
    [entry_id] = [row[0] for row in _sql(seeded_path, "SELECT max(id) FROM audit_log")]
    assert post(client, admin, f"/admin/audit/{entry_id}/restore", {}).status_code == 303
    names = [h.name for h in list_helplines(database.connect(seeded_path))]
    assert "Tele-Onthaal" in names


def test_restore_a_lieu_facts_version(client, seeded_path, admin):
    """A profile edit (lieux.manage.profile_actions) can be undone from the network log."""
    from lieux.manage.profile_actions import update_profile

    db = database.connect(seeded_path)
    lieu = get_lieu(db, "circuit")
    changes = {"address": "Ailleurs 9", "description_nl": "Nieuwe tekst", "languages": ("fr",)}
    update_profile(db, lieu, changes, version=lieu.version, by=None, now=DEMO_NOW)
    entry_id = db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    db.close()
    assert f"/admin/audit/{entry_id}/restore" in client.get("/admin/audit").text
    assert post(client, admin, f"/admin/audit/{entry_id}/restore", {}).status_code == 303
    db = database.connect(seeded_path)
    restored = get_lieu(db, "circuit")
    last = audit.list_entries(db, lieu.id, entity="lieu", limit=1)[0]
    db.close()
    assert (restored.address, restored.description_nl, restored.languages) == (
        lieu.address,
        lieu.description_nl,
        lieu.languages,
    )
    assert restored.version == lieu.version + 2  # the edit, then the restore
    assert last.action == "restore" and last.before["address"] == "Ailleurs 9"


def test_entries_without_a_version_cannot_be_restored(client, seeded_path, admin):
    post(client, admin, "/admin/lieux", NEW)
    [entry_id] = [row[0] for row in _sql(seeded_path, "SELECT max(id) FROM audit_log")]
    assert f"/admin/audit/{entry_id}/restore" not in client.get("/admin/audit").text
    before = snapshot(seeded_path)
    assert post(client, admin, f"/admin/audit/{entry_id}/restore", {}).status_code == 404
    assert post(client, admin, "/admin/audit/99999/restore", {}).status_code == 404
    assert snapshot(seeded_path) == before


def test_archived_lieu_can_be_restored_from_admin(client, seeded_path, admin):
    post(client, admin, "/admin/lieux/circuit/archive", {})
    card = _row(client.get("/admin").text, "circuit")
    assert "archivé" in card and "/admin/lieux/circuit/restore" in card
    assert post(client, admin, "/admin/lieux/circuit/restore", {}).status_code == 303
    assert "archivé" not in _row(client.get("/admin").text, "circuit")
    assert post(client, admin, "/admin/lieux/nowhere/archive", {}).status_code == 404


def test_me_links_to_admin_for_admins_only(client, seeded_path, admin):
    assert 'href="/admin"' in client.get("/me").text
    assert 'href="/admin"' in client.get("/manage/babel-zin").text
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {"babel-zin": "co-manager"}))
    assert 'href="/admin"' not in client.get("/me").text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("nl", ["De plekken van het netwerk", "Hulplijnen", "Logboek van het netwerk"]),
        ("en", ["The network's places", "Helplines", "Network log"]),
    ],
)
def test_admin_pages_are_translated(client, admin, lang, said):
    text = "".join(
        client.get(f"{url}?lang={lang}").text
        for url in ["/admin", "/admin/helplines", "/admin/audit"]
    )
    for words in said:
        assert words in text
    assert "Les lieux du réseau" not in text
