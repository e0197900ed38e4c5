"""An invite or sign-in link that no longer works says why, and where to go instead, never
"Page introuvable… Le lieu a peut-être changé de nom"."""

import html
from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db import members as members_db
from lieux.members.tokens import hash_token
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, LIEU_B, add_member, csrf, invite, join, sign_in


def text(response) -> str:
    return " ".join(html.unescape(response.text).split())


def test_a_used_invite_reopened_by_its_new_member_links_to_the_lieu(client, seeded_path):
    path = invite(seeded_path, "member")
    assert join(client, path).status_code == 200  # now signed in, as a member of Babel'Zin
    again = client.get(path)
    assert again.status_code == 410
    page = text(again)
    assert "Cette invitation a déjà été utilisée" in page
    assert "Page introuvable" not in page and "changé de nom" not in page
    assert "Vous faites déjà partie de « Babel'Zin »." in page
    assert f'href="/manage/{LIEU_A}"' in again.text


def test_a_used_invite_opened_by_someone_else_says_to_ask_for_a_new_one(client, seeded_path):
    path = invite(seeded_path, "member")
    assert join(client, path).status_code == 200
    client.cookies.clear()
    sign_in(client, seeded_path, add_member(seeded_path, "Autre", {LIEU_B: "member"}))
    page = text(client.get(path))
    assert "Cette invitation a déjà été utilisée" in page
    assert "demandez un nouveau lien à un·e de ses co-gestionnaires" in page
    assert f'href="/manage/{LIEU_A}"' not in client.get(path).text
    # Posting the form again says the same, and changes nothing.
    refused = client.post(path, data={"display_name": "Bis", "_csrf_token": csrf(client)})
    assert refused.status_code == 410 and "déjà été utilisée" in refused.text


def test_an_expired_invite_says_until_when_it_was_valid(client, seeded_path):
    path = invite(seeded_path, now=DEMO_NOW - timedelta(days=8))
    response = client.get(path)
    assert response.status_code == 410
    page = text(response)
    assert "Cette invitation a expiré" in page
    assert "Ce lien n'était valable que jusqu'au 22/11/2026." in page


def test_a_revoked_invite_says_so(client, seeded_path):
    path = invite(seeded_path)
    db = database.connect(seeded_path)
    row = members_db.get_invite(db, hash_token(path.rsplit("/", 1)[1]))
    members_db.revoke_invite(db, row.id, now=DEMO_NOW)
    db.close()
    response = client.get(path)
    assert response.status_code == 410 and "Cette invitation a été révoquée" in text(response)


def test_an_unknown_invite_is_a_404_that_says_to_check_the_link(client):
    response = client.get("/join/pas-un-vrai-lien")
    assert response.status_code == 404
    assert "vérifiez que le lien a été copié en entier" in text(response)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_refused_invite_pages_are_translated(client, seeded_path, lang):
    path = invite(seeded_path, now=DEMO_NOW - timedelta(days=8))
    page = text(client.get(f"{path}?lang={lang}"))
    expected = {"nl": "Deze uitnodiging is verlopen", "en": "This invite has expired"}[lang]
    assert expected in page


def test_an_old_sign_in_link_while_signed_in_points_to_my_lieux(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "member"}))
    response = client.get("/signin/un-ancien-lien")
    assert response.status_code == 404
    page = text(response)
    assert "Ce lien de connexion n'est plus valable" in page and "déjà connecté" in page
    assert 'href="/me"' in response.text and "changé de nom" not in page
