"""Joining by invite without e-mail, personal sign-in links, sessions, tokens stored hashed."""

import re
from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db import audit
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu
from lieux.members.invites import issue_invite
from lieux.members.tokens import hash_token
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, add_member, count, csrf, invite, join, new_token_for, sign_in


def test_invite_join_signs_in_and_shows_a_personal_link(client, seeded_path):
    path = invite(seeded_path)
    page = client.get(path)
    assert page.status_code == 200 and "co-gestionnaire" in page.text
    welcome = join(client, path)
    assert welcome.status_code == 200
    # Shown whole as text (it wraps on a phone), not in a field that cuts it.
    link = re.search(r'class="link"[^>]*>(http://testserver/signin/[\w-]+)</p>', welcome.text)[1]
    assert "<svg" in welcome.text  # the QR code, drawn by us
    me = client.get("/me")
    assert me.status_code == 200 and "Anne" in me.text and 'href="/manage/babel-zin"' in me.text
    # The personal link signs in another browser (a fresh client, no cookie).
    client.cookies.clear()
    assert client.get("/me").status_code == 401
    token = link.rsplit("/", 1)[1]
    client.get(f"/signin/{token}")
    signed = client.post(f"/signin/{token}", data={"_csrf_token": csrf(client)})
    assert signed.status_code == 200 and "Anne" in signed.text


def test_a_one_time_invite_works_once(client, seeded_path):
    path = invite(seeded_path)
    assert join(client, path).status_code == 200
    client.cookies.clear()
    # 410: the link existed and will not work again (a link never issued is a 404).
    assert client.get(path).status_code == 410
    assert join(client, path, "Bob").status_code == 410
    assert count(seeded_path, "members") == 1


def test_a_reusable_member_invite_works_for_several_people(client, seeded_path):
    path = invite(seeded_path, "member", reusable=True)
    for name in ("Anne", "Bob"):
        client.cookies.clear()
        assert join(client, path, name).status_code == 200
    db = database.connect(seeded_path)
    roles = [r["role"] for r in db.query("SELECT role FROM roles")]
    assert roles == ["member", "member"]


def test_a_reusable_invite_never_makes_co_managers(seeded_path):
    db = database.connect(seeded_path)
    link = issue_invite(
        db,
        lieu_id=get_lieu(db, LIEU_A).id,
        role="co-manager",
        base_url="",
        now=DEMO_NOW,
        reusable=True,
    )
    assert members_db.get_invite(db, hash_token(link.rsplit("/", 1)[1])).reusable is False


def test_expired_and_revoked_invites_are_refused(client, seeded_path):
    old = invite(seeded_path, now=DEMO_NOW - timedelta(days=8))
    assert client.get(old).status_code == 410
    path = invite(seeded_path)
    db = database.connect(seeded_path)
    invite_row = members_db.get_invite(db, hash_token(path.rsplit("/", 1)[1]))
    members_db.revoke_invite(db, invite_row.id, now=DEMO_NOW)
    db.close()
    assert join(client, path).status_code == 410
    assert count(seeded_path, "members") == 0


def test_admin_invite_makes_a_network_admin(client, seeded_path):
    path = invite(seeded_path, "admin", slug=None)
    assert join(client, path, "Admin").status_code == 200
    me = client.get("/me").text
    assert "administrateur du réseau" in me
    assert 'href="/manage/circuit/invites"' in me  # every lieu, to invite its first co-manager
    assert client.get("/manage/circuit/invites").status_code == 200


def test_tokens_are_stored_only_hashed(client, seeded_path):
    path = invite(seeded_path)
    welcome = join(client, path)
    sign_in_token = re.search(r"/signin/([\w-]+)", welcome.text)[1]
    invite_token = path.rsplit("/", 1)[1]
    dump = "\n".join(database.connect(seeded_path).conn.iterdump())
    assert invite_token not in dump and sign_in_token not in dump
    assert hash_token(invite_token) in dump and hash_token(sign_in_token) in dump


def test_display_name_is_checked(client, seeded_path):
    path = invite(seeded_path)
    for bad, message in [
        ("", "obligatoire"),
        ("x" * 81, "80 caractères"),
        ("<script>alert(1)</script>", "balises HTML"),
    ]:
        response = join(client, path, bad)
        assert response.status_code == 400 and message in response.text
        assert "<script>alert" not in response.text
    assert count(seeded_path, "members") == 0


def test_sign_out_ends_the_session_server_side(client, seeded_path):
    member = add_member(seeded_path, "Anne", {LIEU_A: "member"})
    token = sign_in(client, seeded_path, member)
    cookie = client.cookies.get("lieux_session")
    assert client.post("/signout", data={"_csrf_token": token}).status_code == 200
    assert client.get("/me").status_code == 401
    client.cookies.set("lieux_session", cookie)  # replaying the old cookie does not help
    assert client.get("/me").status_code == 401


def test_a_new_personal_link_revokes_the_old_one(client, seeded_path):
    member = add_member(seeded_path, "Anne", {LIEU_A: "member"})
    sign_in(client, seeded_path, member)
    db = database.connect(seeded_path)
    old = db.execute("SELECT token_hash FROM sign_in_tokens").fetchone()[0]
    page = client.post("/me/sign-in-link", data={"_csrf_token": csrf(client)})
    assert page.status_code == 200 and "/signin/" in page.text
    assert client.get("/me").status_code == 200  # this browser moved to the new link
    assert members_db.sign_in_member(db, old, now=DEMO_NOW) is None


def test_session_cookie_flags(client, seeded_path):
    member = add_member(seeded_path, "Anne")
    token = new_token_for(seeded_path, member)
    client.get(f"/signin/{token}")
    response = client.post(
        f"/signin/{token}", data={"_csrf_token": csrf(client)}, follow_redirects=False
    )
    cookie = next(c for c in response.headers.get_list("set-cookie") if "lieux_session" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


@pytest.mark.parametrize("path", ["/signin/nope", "/join/nope"])
def test_unknown_links_are_a_clear_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "plus valable" in response.text


def test_sign_in_is_rate_limited(client, seeded_path):
    from lieux.members.session import SIGN_IN_RATE

    token = csrf(client)
    limit = SIGN_IN_RATE.rate_limit[1]
    statuses = [
        client.post("/signin/guessed-token", data={"_csrf_token": token}).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [404] * limit and statuses[limit] == 429


def _join_entries(db_path, slug=LIEU_A):
    db = database.connect(db_path)
    try:
        return [
            e
            for e in audit.list_entries(db, get_lieu(db, slug).id)
            if e.entity == "member" and e.action == "join"
        ]
    finally:
        db.close()


def test_joining_is_in_the_lieu_audit_log(client, seeded_path):
    path = invite(seeded_path, "member")
    db = database.connect(seeded_path)
    invite_id = members_db.get_invite(db, hash_token(path.rsplit("/", 1)[1])).id
    db.close()
    assert join(client, path, "Zoé").status_code == 200
    [entry] = _join_entries(seeded_path)
    member_id = entry.member_id
    assert entry.entity_id == member_id
    assert entry.after == {"name": "Zoé", "role": "member", "invite_id": invite_id}
    # A co-manager of the lieu reads it in the journal, in words.
    client.cookies.clear()
    sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
    page = client.get(f"/manage/{LIEU_A}/audit").text
    assert "Zoé" in page and "arrivée" in page
    assert f"A rejoint le lieu comme membre, par l'invitation #{invite_id}." in page


def test_a_co_manager_joining_with_a_member_invite_is_logged_with_the_role_kept(
    client, seeded_path
):
    anne = add_member(seeded_path, "Anne", {LIEU_A: "co-manager"})
    sign_in(client, seeded_path, anne)
    path = invite(seeded_path, "member")
    client.get(path)
    response = client.post(path, data={"as_current": "1", "_csrf_token": csrf(client)})
    assert response.status_code == 200
    [entry] = _join_entries(seeded_path)
    assert (entry.member_id, entry.before, entry.after["role"]) == (
        anne,
        {"role": "co-manager"},
        "co-manager",
    )


def test_a_refused_join_logs_nothing(client, seeded_path):
    path = invite(seeded_path)
    assert join(client, path, "").status_code == 400
    assert _join_entries(seeded_path) == []


def test_welcome_names_the_lieu_without_elision_problems(client, seeded_path):
    # "partie de Le Delta" / "de Espace 51": the sentence must read right for any name.
    for slug, name in [("espace-51", "Espace 51"), ("le-delta", "Le Delta")]:
        client.cookies.clear()
        welcome = join(client, invite(seeded_path, "member", slug=slug), "Zoé").text
        # French typography: no-break spaces inside the guillemets, so "«" never ends a line.
        assert f"Vous faites maintenant partie du lieu «\u00a0{name}\u00a0»." in welcome
        assert " de Espace" not in welcome and " de Le " not in welcome
