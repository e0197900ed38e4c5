"""/admin/campaigns: starting a campaign from the form (each scope, every bad input), its
progress page, its CSV (safe in a spreadsheet), answers heard by phone (audited), the end."""

import csv
import io
import json
from datetime import timedelta
from html import unescape

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.seed import seed_guide
from tests.campaigns.conftest import CAMPAIGN, copied_links, lieu_of, query, start
from tests.conftest import DEMO_NOW, make_app
from tests.people import LIEU_A, LIEU_B, add_member, count, sign_in

LIEUX = 11  # the real lieux of the guide


def checks(db_path, campaign_id=1):
    rows = query(
        db_path,
        "SELECT l.slug FROM campaign_checks c JOIN lieux l ON l.id = c.lieu_id "
        "WHERE c.campaign_id = ? ORDER BY l.slug",
        [campaign_id],
    )
    return [slug for (slug,) in rows]


def test_the_pages_need_a_network_admin(client, seeded_path):
    assert client.get("/admin/campaigns").status_code == 401
    assert client.get("/admin/campaigns/new").status_code == 401


def test_a_campaign_on_every_lieu_starts_now(client, admin, seeded_path):
    new = client.get("/admin/campaigns/new")
    assert new.status_code == 200 and 'name="sections"' in new.text
    campaign_id = start(client, admin)
    assert len(checks(seeded_path, campaign_id)) == LIEUX
    page = client.get(f"/admin/campaigns/{campaign_id}?created=1")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Horaires de fin d'année" in text and "Campagne lancée" in text
    # no SMTP here: every lieu is to be reached by a copied link
    assert f"{LIEUX} lieux sans e-mail" in text
    listing = unescape(client.get("/admin/campaigns").text)
    assert "Horaires de fin d'année" in listing and f"0 lieux sur {LIEUX} ont répondu" in listing
    # The network's log says who started what.
    [(entity, action)] = query(
        seeded_path, "SELECT entity, action FROM audit_log WHERE entity = 'campaign'"
    )
    assert (entity, action) == ("campaign", "create")
    network_log = client.get("/admin/audit")
    assert network_log.status_code == 200 and "campaign" in network_log.text


def test_a_campaign_on_the_lieux_needing_attention_or_on_chosen_ones(client, admin, seeded_path):
    # In the demo world every lieu has a co-manager missing: all of them need attention.
    start(client, admin, scope="attention")
    assert len(checks(seeded_path, 1)) == LIEUX
    start(client, admin, scope="chosen", lieux=[LIEU_B, LIEU_A])
    assert checks(seeded_path, 2) == [LIEU_A, LIEU_B]


def test_archived_lieux_are_left_out(client, admin, seeded_path):
    query(seeded_path, "UPDATE lieux SET archived_at = ? WHERE slug = ?", ["2026-01-01", LIEU_A])
    start(client, admin)
    assert LIEU_A not in checks(seeded_path) and len(checks(seeded_path)) == LIEUX - 1


LATER = (DEMO_NOW + timedelta(days=2)).strftime("%Y-%m-%dT09:00")
BAD_CAMPAIGNS = [
    ({"name": ""}, "name", "Ce champ est obligatoire."),
    ({"name": "x" * 121}, "name", "Trop long"),
    ({"name": "<script>alert(1)</script>"}, "name", "Pas de balises HTML"),
    ({"scope": "everyone"}, "scope", "Choix invalide."),
    ({"scope": "chosen"}, "lieux", "Choisissez au moins un lieu."),
    ({"scope": "chosen", "lieux": ["nowhere"]}, "lieux", "n'existe pas"),
    ({"scope": "chosen", "lieux": ["x"] * 501}, "lieux", "Trop de lieux"),
    ({"sections": []}, "sections", "Choisissez au moins une chose"),
    ({"sections": ["hours", "prices"]}, "sections", "Choix invalide."),
    ({"start": "soon"}, "start", "Choix invalide."),
    ({"start": "later", "starts_at": ""}, "starts_at", "Indiquez le jour"),
    ({"start": "later", "starts_at": "tomorrow"}, "starts_at", "Date et heure invalides"),
    ({"start": "later", "starts_at": "2026-11-01T09:00"}, "starts_at", "Ce moment est passé"),
    ({"start": "later", "starts_at": "2028-11-01T09:00"}, "starts_at", "un an"),
    ({"start": "later", "starts_at": "9999-01-01T09:00"}, "starts_at", "Date et heure invalides"),
    ({"ends_on": "2026-11-01"}, "ends_on", "La fin doit être après le début."),
    ({"ends_on": "2027-12-01"}, "ends_on", "Au plus 180 jours"),
    ({"ends_on": "01/12/2026"}, "ends_on", "Date invalide"),
    ({"reminder_days": "0"}, "reminder_days", "entre 1 et 60"),
    ({"reminder_days": "1e3"}, "reminder_days", "entre 1 et 60"),
    ({"reminder_days": "99999999999999999999"}, "reminder_days", "entre 1 et 60"),
    ({"color": "red"}, "form", "Champ inconnu : color."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_CAMPAIGNS)
def test_a_bad_campaign_form_says_why_and_starts_nothing(
    client, admin, seeded_path, change, field, message
):
    data = {**CAMPAIGN, **change, "_csrf_token": admin}
    response = client.post("/admin/campaigns", data=data, follow_redirects=False)
    assert response.status_code == 400, response.text[-500:]
    text = unescape(response.text)
    assert message in text
    assert f'id="{field}-error"' in response.text
    assert "<script>alert" not in response.text
    assert count(seeded_path, "campaigns") == 0 and count(seeded_path, "campaign_checks") == 0


def test_a_campaign_set_for_later_waits(client, admin, seeded_path):
    campaign_id = start(client, admin, start="later", starts_at=LATER)
    page = unescape(client.get(f"/admin/campaigns/{campaign_id}?created=1").text)
    assert "Campagne programmée" in page and "programmée" in page
    assert "Créer les liens à copier" not in page  # nothing to hand out before the start
    assert query(seeded_path, "SELECT count(*) FROM campaign_checks WHERE invited_at IS NULL") == [
        (LIEUX,)
    ]


def test_the_csv_is_safe_in_a_spreadsheet(client, admin, seeded_path):
    query(
        seeded_path, "UPDATE lieux SET name = '=HYPERLINK(\"http://x\")' WHERE slug = ?", [LIEU_B]
    )
    query(seeded_path, "UPDATE lieux SET name = '@SUM(1)' WHERE slug = ?", [LIEU_A])
    campaign_id = start(client, admin)
    response = client.get(f"/admin/campaigns/{campaign_id}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Lieu", "Commune", "État"] and len(rows) == LIEUX + 1
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names and "'@SUM(1)" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert {row[2] for row in rows[1:]} == {"pas envoyé"}


@pytest.mark.parametrize("ref", ["99", "abc", "1.json", "1.csv.csv", "0" * 12])
def test_an_unknown_campaign_is_a_404_page(client, admin, ref):
    start(client, admin)
    response = client.get(f"/admin/campaigns/{ref}")
    assert response.status_code == 404 and "<html" in response.text


def test_an_answer_heard_by_phone_is_recorded_and_audited(client, admin, seeded_path, clock):
    campaign_id = start(client, admin)
    clock.now = DEMO_NOW + timedelta(hours=3)
    data = {
        "outcome": "confirmed",
        "via": "phone",
        "who": "Marie, à l'accueil",
        "at": "2026-11-23T14:30",
        "note": "Pas de fermeture à Noël",
        "_csrf_token": admin,
    }
    url = f"/admin/campaigns/{campaign_id}/lieux/{LIEU_A}"
    response = client.post(url + "/answer", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[-800:]
    page = unescape(client.get(url + "?answered=1").text)
    assert "Réponse notée" in page and "par téléphone" in page and "Marie, à l'accueil" in page
    [row] = query(
        seeded_path,
        "SELECT hours_state, closures_state, answer_via, answer_who, answered_at "
        "FROM campaign_checks WHERE lieu_id = ?",
        [lieu_of(seeded_path, LIEU_A).id],
    )
    assert row == ("confirmed", "confirmed", "phone", "Marie, à l'accueil", row[4])
    assert row[4].startswith("2026-11-23T13:30")  # 14:30 in Brussels
    # "Unchanged" confirms the hours, through the members' own action, by the coordinator.
    assert lieu_of(seeded_path, LIEU_A).hours_verified_at == clock.now
    [(by, after)] = query(
        seeded_path, "SELECT member_id, after FROM audit_log WHERE action = 'answer'"
    )
    assert by is not None and json.loads(after) == {
        "campaign": "Horaires de fin d'année",
        "outcome": "confirmed",
        "via": "phone",
        "who": "Marie, à l'accueil",
        "at": "2026-11-23T14:30:00+01:00",
        "note": "Pas de fermeture à Noël",
    }
    audit = unescape(client.get(f"/manage/{LIEU_A}/audit").text)
    assert "réponse · campagne de mise à jour « Horaires de fin d'année »" in audit
    assert "Coordination" in audit
    progress = unescape(client.get(f"/admin/campaigns/{campaign_id}").text)
    assert "confirmé" in progress
    # Answered already: the form is gone, and a second post says so.
    again = client.post(url + "/answer", data=data, follow_redirects=False)
    assert again.status_code == 409 and "déjà répondu" in unescape(again.text)


BAD_ANSWERS = [
    ({"outcome": "maybe"}, "outcome", "Choisissez ce que le lieu a répondu."),
    ({"via": "link"}, "via", "Choisissez comment"),
    ({"via": "pigeon"}, "via", "Choisissez comment"),
    ({"who": ""}, "who", "Ce champ est obligatoire."),
    ({"who": "y" * 121}, "who", "Trop long"),
    ({"who": "<b>Marie</b>"}, "who", "Pas de balises HTML"),
    ({"note": "n" * 501}, "note", "Trop long"),
    ({"at": "hier"}, "at", "Date et heure invalides"),
    ({"at": "2026-11-24T10:00"}, "at", "pas encore arrivé"),
    ({"at": "2026-11-01T10:00"}, "at", "Avant le début de la campagne."),
    ({"extra": "1"}, "form", "Champ inconnu"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_ANSWERS)
def test_a_bad_answer_form_says_why_and_records_nothing(
    client, admin, seeded_path, change, field, message
):
    campaign_id = start(client, admin)
    audit_before = count(seeded_path, "audit_log")
    data = {"outcome": "updated", "via": "visit", "who": "Marie", **change, "_csrf_token": admin}
    url = f"/admin/campaigns/{campaign_id}/lieux/{LIEU_A}/answer"
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 400, response.text[-500:]
    assert message in unescape(response.text) and f'id="{field}-error"' in response.text
    assert count(seeded_path, "audit_log") == audit_before
    assert query(seeded_path, "SELECT count(*) FROM campaign_checks WHERE answered_at IS NOT NULL")[
        0
    ] == (0,)


def test_a_lieu_the_campaign_does_not_cover_is_a_404(client, admin):
    campaign_id = start(client, admin, scope="chosen", lieux=[LIEU_B])
    assert client.get(f"/admin/campaigns/{campaign_id}/lieux/{LIEU_A}").status_code == 404
    data = {"outcome": "updated", "via": "visit", "who": "Marie", "_csrf_token": admin}
    url = f"/admin/campaigns/{campaign_id}/lieux/{LIEU_A}/answer"
    assert client.post(url, data=data).status_code == 404


def test_ending_a_campaign_stops_its_links(client, admin, visitor, seeded_path):
    campaign_id = start(client, admin)
    link = copied_links(client, admin, campaign_id)["Circuit"]
    assert visitor.get(link).status_code == 200
    ended = client.post(
        f"/admin/campaigns/{campaign_id}/end", data={"_csrf_token": admin}, follow_redirects=False
    )
    assert ended.status_code == 303
    page = unescape(client.get(f"/admin/campaigns/{campaign_id}?ended=1").text)
    assert "Campagne terminée" in page and "terminée" in page
    assert visitor.get(link).status_code == 410
    # nothing more to copy once it ended
    assert "aucun lien créé" in unescape(
        client.post(f"/admin/campaigns/{campaign_id}/links", data={"_csrf_token": admin}).text
    )


def test_copied_links_are_made_once_per_click_and_audited(client, admin, seeded_path):
    campaign_id = start(client, admin)
    links = copied_links(client, admin, campaign_id)
    assert len(links) == LIEUX and len(set(links.values())) == LIEUX
    # stored hashed: no token in clear in the database
    stored = {h for (h,) in query(seeded_path, "SELECT token_hash FROM campaign_links")}
    assert not {link.rsplit("/", 1)[1] for link in links.values()} & stored
    assert query(seeded_path, "SELECT count(*) FROM audit_log WHERE action = 'link'") == [(LIEUX,)]


def test_a_member_who_is_no_admin_is_refused(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    assert client.get("/admin/campaigns").status_code == 403


def test_the_answer_forms_own_time_is_accepted_right_after_the_start(client, admin, clock):
    """The field has minutes: 12:00 typed at 12:00:40 is not "before the campaign"."""
    clock.now = DEMO_NOW + timedelta(seconds=40)
    campaign_id = start(client, admin)
    url = f"/admin/campaigns/{campaign_id}/lieux/{LIEU_A}"
    shown = client.get(url).text.split('name="at" value="')[1].split('"')[0]
    assert shown == "2026-11-23T12:00"
    data = {"outcome": "updated", "via": "visit", "who": "Marie", "at": shown}
    response = client.post(url + "/answer", data={**data, "_csrf_token": admin})
    assert response.status_code == 200 and "Réponse notée" in unescape(response.text)


def test_with_the_real_data_only_every_lieu_gets_a_link(db_path, clock):
    """The network as it is at launch: the guide's lieux, no hours, no address, no SMTP."""
    db = database.connect(db_path)
    seed_guide(db, now=DEMO_NOW)
    db.close()
    with TestClient(app=make_app(db_path, clock)) as coordinator:
        token = sign_in(coordinator, db_path, add_member(db_path, "Coordination", admin=True))
        campaign_id = start(coordinator, token, scope="attention")
        links = copied_links(coordinator, token, campaign_id)
    assert len(links) == LIEUX
    with TestClient(app=make_app(db_path, clock)) as phone:
        page = phone.get(links["Le Delta"])
        assert page.status_code == 200 and not phone.cookies
        assert "Horaires non communiqués" in page.text and "Indiquer les horaires" in page.text
        form = {"slot-2-0-opens": "13:00", "slot-2-0-closes": "17:00"}
        saved = phone.post(links["Le Delta"] + "/hours", data=form, follow_redirects=False)
        assert saved.status_code == 303
        lieu = {x["slug"]: x for x in phone.get("/api/lieux").json()}["le-delta"]
        assert lieu["opening_hours"].startswith("We 13:00-17:00")
        assert lieu["hours_verified_at"] is not None
