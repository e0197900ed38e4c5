"""Co-managers and network admins follow reports up: the dashboard, the lieu's reports page and
/admin show the open ones with what the site said; resolving ("corrigé", "pas une erreur") is
for the lieu's co-managers and the admins only, and is audited."""

import html as entities
import re

import pytest

from lieux.admin.followup import follow_up
from lieux.admin.models import LieuCounts
from lieux.models import Lieu
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, LIEU_B, add_member, count, post, sign_in
from tests.reports.conftest import audit_of_reports, stored


def resolve_url(report, slug=None) -> str:
    return f"/manage/{slug or report.lieu_slug}/reports/{report.id}/resolve"


def text_of(response) -> str:
    return entities.unescape(response.text)


@pytest.fixture
def co_b(client, seeded_path) -> tuple[int, str]:
    """`client` signed in as a co-manager of Circuit (LIEU_B): (member id, CSRF token)."""
    member = add_member(seeded_path, "Co Circuit", {LIEU_B: "co-manager"})
    return member, sign_in(client, seeded_path, member)


def test_the_dashboard_shows_open_reports_with_what_the_site_said(client, co_b, make_report):
    _member, token = co_b
    # through the public form (anyone may, a co-manager too): the engine says what was shown
    data = {"kind": "found-closed", "message": "Porte close à 14h", "contact": "lea@example.org"}
    assert post(client, token, f"/lieux/{LIEU_B}/report", data).status_code == 303
    make_report(LIEU_B, kind="wrong-contact", message="", state="closed")
    page = text_of(client.get(f"/manage/{LIEU_B}"))
    assert "2 signalements à traiter" in page
    assert "Fermé alors qu'affiché ouvert" in page and "Adresse ou téléphone erronés" in page
    assert "Porte close à 14h" in page and "lea@example.org" in page
    assert "Le site affichait alors" in page
    # what contradicts the report, loud: Circuit was shown open until 16:00 that Monday
    assert "<strong>ouvert jusqu'à 16:00 (horaires habituels)</strong>" in page
    assert "fermé (horaires habituels)" in page
    assert "23/11/2026 12:00" in page  # received at the pinned noon, in Brussels time
    assert page.count('name="resolution" value="fixed"') == 2


def test_a_member_who_is_not_co_manager_does_not_see_them(client, seeded_path, make_report):
    make_report(LIEU_B, message="Porte close à 14h", contact="lea@example.org")
    sign_in(client, seeded_path, add_member(seeded_path, "Membre", {LIEU_B: "member"}))
    page = client.get(f"/manage/{LIEU_B}").text
    assert page and "Porte close" not in page and "lea@example.org" not in page
    assert client.get(f"/manage/{LIEU_B}/reports").status_code == 403


def test_a_co_manager_resolves_a_report_and_it_is_audited(client, seeded_path, co_b, make_report):
    member, token = co_b
    report = make_report(LIEU_B)
    data = {"resolution": "fixed", "note": "Horaires d'hiver corrigés", "back": "dashboard"}
    response = post(client, token, resolve_url(report), data)
    assert response.status_code == 303
    assert response.headers["location"] == f"/manage/{LIEU_B}?resolved=1#reports"
    assert "C'est noté : le signalement est traité." in text_of(
        client.get(f"/manage/{LIEU_B}?resolved=1")
    )
    [done] = stored(seeded_path)
    assert (done.resolution, done.resolution_note, done.resolved_by, done.resolved_at) == (
        "fixed",
        "Horaires d'hiver corrigés",
        member,
        DEMO_NOW,
    )
    assert audit_of_reports(seeded_path)[-1] == (
        "resolve",
        member,
        None,
        {"kind": "found-closed", "shown": "open", "resolution": None},
        {
            "kind": "found-closed",
            "shown": "open",
            "resolution": "fixed",
            "note": "Horaires d'hiver corrigés",
        },
    )
    dashboard = text_of(client.get(f"/manage/{LIEU_B}"))
    assert "signalement à traiter" not in dashboard
    assert "Signalements des visiteurs : aucun à traiter" in dashboard
    history = text_of(client.get(f"/manage/{LIEU_B}/reports"))
    assert "Déjà traités" in history and "corrigé" in history and "Co Circuit" in history
    log = text_of(client.get(f"/manage/{LIEU_B}/audit"))
    assert "traitement · signalement" in log and "création · signalement" in log
    assert "un·e visiteur·euse" in log
    assert "Fermé alors qu'affiché ouvert → corrigé — Horaires d'hiver corrigés" in log


def test_the_resolve_buttons_work_from_the_reports_page(client, seeded_path, co_b, make_report):
    _member, token = co_b
    report = make_report(LIEU_B, kind="wrong-hours")
    page = client.get(f"/manage/{LIEU_B}/reports").text
    assert f'action="/manage/{LIEU_B}/reports/{report.id}/resolve"' in page
    assert 'name="back" value="reports"' in page
    data = {"resolution": "not-an-error", "back": "reports"}
    response = post(client, token, resolve_url(report), data)
    assert response.headers["location"] == f"/manage/{LIEU_B}/reports?resolved=1"
    assert stored(seeded_path)[0].resolution == "not-an-error"


BAD = [
    ({}, "Choisissez « corrigé » ou « pas une erreur »."),
    ({"resolution": "ignored"}, "Choisissez « corrigé » ou « pas une erreur »."),
    ({"resolution": "fixed", "note": "n" * 501}, "Trop long : 500 caractères"),
    ({"resolution": "fixed", "note": "<script>alert(1)</script>"}, "Pas de balises HTML"),
    ({"resolution": "fixed", "back": "https://evil.example"}, "Choix invalide."),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_resolve_input_is_refused_with_a_message(
    client, seeded_path, co_b, make_report, data, message
):
    _member, token = co_b
    report = make_report(LIEU_B)
    before = count(seeded_path, "audit_log")
    response = post(client, token, resolve_url(report), data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert "<script>alert" not in response.text
    assert stored(seeded_path)[0].open and count(seeded_path, "audit_log") == before


def test_a_report_resolved_meanwhile_is_a_409_that_says_so(client, seeded_path, co_b, make_report):
    _member, token = co_b
    report = make_report(LIEU_B)
    assert post(client, token, resolve_url(report), {"resolution": "fixed"}).status_code == 303
    again = post(client, token, resolve_url(report), {"resolution": "not-an-error"})
    assert again.status_code == 409 and "Ce signalement a déjà été traité." in text_of(again)
    assert stored(seeded_path)[0].resolution == "fixed"


@pytest.mark.parametrize("who", ["anonymous", "member of the lieu", "co-manager of another"])
def test_only_the_lieu_co_managers_and_admins_resolve(client, seeded_path, make_report, who):
    report = make_report(LIEU_B)
    if who == "member of the lieu":
        sign_in(client, seeded_path, add_member(seeded_path, "M", {LIEU_B: "member"}))
    elif who == "co-manager of another":
        sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    token = (
        client.cookies.get("csrftoken")
        or re.search(
            r'value="([^"]+)"', client.get(f"/lieux/{LIEU_B}/report").text.split("_csrf_token")[1]
        )[1]
    )
    before = count(seeded_path, "audit_log")
    response = post(client, token, resolve_url(report), {"resolution": "not-an-error"})
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert "<html" in response.text
    assert stored(seeded_path)[0].open and count(seeded_path, "audit_log") == before


def test_another_lieu_s_report_is_not_found_under_this_lieu(client, seeded_path, make_report):
    report = make_report(LIEU_B)
    token = sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))
    response = post(client, token, resolve_url(report, slug=LIEU_A), {"resolution": "fixed"})
    assert response.status_code == 404
    assert stored(seeded_path)[0].open


def test_admins_see_every_open_report_and_resolve_from_admin(client, seeded_path, make_report):
    make_report(LIEU_B, message="Porte close")
    make_report(LIEU_A, kind="wrong-contact", message="Mauvais numéro", state="closed")
    admin = add_member(seeded_path, "Coordination", admin=True)
    token = sign_in(client, seeded_path, admin)
    page = text_of(client.get("/admin"))
    assert "2 signalements à traiter" in page
    assert "Porte close" in page and "Mauvais numéro" in page
    assert page.count('name="back" value="admin"') == 2
    assert re.search(
        r"Signalements à traiter</dt>\s*<dd><a href=\"/manage/circuit/reports\">", page
    )
    assert 'id="lieu-circuit"' in client.get("/admin?attention=1").text
    [_newer, older] = stored(seeded_path)
    response = post(client, token, resolve_url(older), {"resolution": "fixed", "back": "admin"})
    assert (
        response.status_code == 303 and response.headers["location"] == "/admin?resolved=1#reports"
    )
    assert stored(seeded_path)[1].resolved_by == admin
    assert audit_of_reports(seeded_path)[-1][:2] == ("resolve", admin)
    assert "1 signalement à traiter" in text_of(client.get("/admin"))


def test_an_open_report_makes_a_lieu_need_attention():
    lieu = Lieu(id=7, slug="x", name="X")
    row = LieuCounts(
        lieu=lieu, hours_known=True, co_managers=1, pending_proposals=0, last_change=None
    )
    verified = msgspec_replace(lieu, hours_verified_at=DEMO_NOW)
    row = msgspec_replace(row, lieu=verified)
    assert follow_up([row], DEMO_NOW, 90, attention=True) == []

    class Open:
        lieu_id = 7

    [found] = follow_up([row], DEMO_NOW, 90, attention=True, reports=[Open(), Open()])
    assert found.open_reports == 2 and found.needs_attention


def msgspec_replace(struct, **changes):
    import msgspec

    return msgspec.structs.replace(struct, **changes)
