"""/check/{token}: a campaign's link opens one lieu's check without an account or a cookie;
"Tout est juste" and the corrections go through the members' audited actions; a wrong,
expired, revoked, archived or other lieu's link is a clear page, never a 500."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from lieux import db as database
from lieux.db import campaigns as campaigns_db
from lieux.members.tokens import hash_token, new_token
from tests.campaigns.conftest import copied_links, lieu_of, query, start
from tests.conftest import DEMO_NOW
from tests.people import LIEU_A, LIEU_B, add_member, snapshot

BABEL = "Babel'Zin"
CIRCUIT = "Circuit"


@pytest.fixture
def links(client, admin) -> dict[str, str]:
    """A campaign on every lieu (hours, closures, facts) started now; each lieu's link."""
    campaign_id = start(client, admin, sections=["hours", "closures", "facts"])
    return copied_links(client, admin, campaign_id)


def progress_of(db_path, slug):
    return query(
        db_path,
        "SELECT c.hours_state, c.closures_state, c.facts_state, c.answer_via, c.opened_at "
        "FROM campaign_checks c JOIN lieux l ON l.id = c.lieu_id WHERE l.slug = ?",
        [slug],
    )[0]


def test_the_link_opens_the_check_without_a_session_and_sets_no_cookie(visitor, links, seeded_path):
    page = visitor.get(links[BABEL] + "?lang=nl")
    assert page.status_code == 200
    assert page.headers.get_list("set-cookie") == [] and not visitor.cookies
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert 'lang="nl"' in page.text and BABEL in unescape(page.text)
    # The hours as the public sees them: the lieu page's own partial, the same rows.
    public = visitor.get(f"/lieux/{LIEU_A}?lang=nl").text
    table = public[public.index('<table class="hours">') : public.index("</table>")]
    assert table in page.text
    assert "_csrf_token" not in page.text  # nothing to carry but the token
    assert progress_of(seeded_path, LIEU_A)[4] is not None  # opened


def test_tout_est_juste_records_the_verified_date_and_the_answer(
    visitor, client, links, seeded_path, clock
):
    clock.now = DEMO_NOW + timedelta(hours=2)
    answer = visitor.post(links[CIRCUIT] + "/confirm?lang=fr", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers.get_list("set-cookie") == []
    assert answer.headers["location"].startswith(links[CIRCUIT] + "?lang=fr&done=confirmed")
    assert lieu_of(seeded_path, LIEU_B).hours_verified_at == clock.now
    assert progress_of(seeded_path, LIEU_B)[:4] == ("confirmed", "confirmed", "confirmed", "link")
    thanks = visitor.get(answer.headers["location"])
    assert "Merci" in thanks.text and 'role="status"' in thanks.text
    api = {lieu["slug"]: lieu for lieu in visitor.get("/api/lieux").json()}
    assert api[LIEU_B]["hours_verified_at"].startswith("2026-11-23T13:00")
    # Audited through the members' own "still right" action, by the campaign's link.
    [(actor, entity)] = query(
        seeded_path,
        "SELECT actor, entity FROM audit_log WHERE lieu_id = ? AND entity = 'hours'",
        [lieu_of(seeded_path, LIEU_B).id],
    )
    assert (actor, entity) == ("campaign", "hours")


def test_the_hours_editor_through_the_link_updates_hours_and_marks_the_sections(
    visitor, links, seeded_path
):
    editor = visitor.get(links[CIRCUIT] + "/hours")
    assert (
        editor.status_code == 200 and 'action="' + links[CIRCUIT] + "/hours?lang=fr" in editor.text
    )
    form = {"slot-0-0-opens": "10:00", "slot-0-0-closes": "16:00", "holiday-rule": "closed"}
    saved = visitor.post(links[CIRCUIT] + "/hours", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-800:]
    hours = query(
        seeded_path,
        "SELECT weekday, opens, closes FROM opening_slots WHERE lieu_id = ?",
        [lieu_of(seeded_path, LIEU_B).id],
    )
    assert hours == [(0, "10:00:00", "16:00:00")]
    assert progress_of(seeded_path, LIEU_B)[:3] == ("updated", "confirmed", "pending")
    [(actor, member)] = query(
        seeded_path,
        "SELECT actor, member_id FROM audit_log WHERE entity = 'hours' AND lieu_id = ?",
        [lieu_of(seeded_path, LIEU_B).id],
    )
    assert (actor, member) == ("campaign", None)  # a copied link: nobody's in particular
    # The facts, corrected through the profile form, complete the answer.
    facts = visitor.get(links[CIRCUIT] + "/facts").text
    version = facts.split('name="version" value="')[1].split('"')[0]
    lieu = lieu_of(seeded_path, LIEU_B)
    data = {
        "address": lieu.address,
        "postcode": lieu.postcode,
        "commune": lieu.commune,
        "phone": "02 123 45 67",
        "version": version,
    }
    assert visitor.post(links[CIRCUIT] + "/facts", data=data).status_code == 200
    assert lieu_of(seeded_path, LIEU_B).phone == "02 123 45 67"
    assert progress_of(seeded_path, LIEU_B)[:4] == ("updated", "confirmed", "updated", "link")


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        ("/hours", {"slot-0-0-opens": "25:00", "slot-0-0-closes": "16:00"}, 400, "Heure invalide"),
        ("/hours", {"slot-0-0-opens": "10:00"}, 400, "Indiquez l'ouverture et la fermeture"),
        ("/hours", {"exc-0-start": "2026-13-01"}, 400, "Date invalide"),
        ("/hours", {"exc-0-start": "2026-12-24", "exc-0-note": "<b>x</b>"}, 400, "Pas de balises"),
        ("/hours", {"holiday-rule": "sometimes"}, 400, "Choix invalide"),
        ("/facts", {"address": "", "postcode": "1000", "commune": "Bruxelles"}, 422, "obligatoire"),
        ("/facts", {"address": "R", "postcode": "9999", "commune": "Bruxelles"}, 422, "1000"),
        ("/facts", {"address": "<script>alert(1)</script>", "postcode": "1000"}, 422, "balises"),
        ("/facts", {"address": "R", "postcode": "1000", "website": "javascript:x"}, 422, "https"),
    ],
)
def test_bad_input_through_the_link_is_refused_and_stores_nothing(
    visitor, links, seeded_path, path, data, status, message
):
    before = snapshot(seeded_path)
    version = {"version": str(lieu_of(seeded_path, LIEU_A).version)} if path == "/facts" else {}
    response = visitor.post(links[BABEL] + path, data={**data, **version})
    assert response.status_code == status, response.text[-800:]
    assert message in unescape(response.text)
    assert "<script>alert" not in response.text
    assert snapshot(seeded_path) == before
    assert progress_of(seeded_path, LIEU_A)[:3] == ("pending", "pending", "pending")


def test_a_stale_facts_form_keeps_what_was_typed_and_stores_nothing(visitor, links, seeded_path):
    lieu = lieu_of(seeded_path, LIEU_A)
    data = {"address": "Rue Neuve 1", "postcode": "1000", "commune": "Bruxelles"}
    response = visitor.post(links[BABEL] + "/facts", data={**data, "version": "0"})
    assert response.status_code == 409
    assert "Rue Neuve 1" in response.text and "pendant que vous la modifiiez" in response.text
    assert lieu_of(seeded_path, LIEU_A).address == lieu.address


def unknown(visitor, links, seeded_path, clock):
    return "/check/" + "x" * 43


def expired(visitor, links, seeded_path, clock):
    clock.now = DEMO_NOW + timedelta(days=40)  # the campaign's links last 30 days
    return links[BABEL]


def archived(visitor, links, seeded_path, clock):
    query(
        seeded_path,
        "UPDATE lieux SET archived_at = ? WHERE slug = ?",
        [DEMO_NOW.isoformat(), LIEU_A],
    )
    return links[BABEL]


REFUSALS = {
    unknown: (404, "n'existe pas"),
    expired: (410, "est terminée"),
    archived: (410, "ne fait plus partie"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.__name__)
@pytest.mark.parametrize("suffix", ["", "/hours", "/facts", "/confirm"])
def test_a_link_that_opens_nothing_is_a_clear_page(
    visitor, links, seeded_path, clock, case, suffix
):
    path = case(visitor, links, seeded_path, clock)
    before = snapshot(seeded_path)
    if suffix == "/confirm":
        response = visitor.post(path + suffix, follow_redirects=False)
    else:
        response = visitor.get(path + suffix + "?lang=fr")
    status, words = REFUSALS[case]
    assert response.status_code == status
    assert "<html" in response.text and words in unescape(response.text)
    assert response.headers.get_list("set-cookie") == []
    assert snapshot(seeded_path) == before


def test_a_revoked_link_is_refused_and_a_new_one_works(client, admin, visitor, links, seeded_path):
    revoked = client.post(
        f"/admin/campaigns/1/lieux/{LIEU_A}/revoke",
        data={"_csrf_token": admin},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    refused = visitor.get(links[BABEL])
    assert refused.status_code == 410 and "a été retiré" in refused.text
    before = lieu_of(seeded_path, LIEU_A).hours_verified_at
    assert visitor.post(links[BABEL] + "/confirm").status_code == 410
    assert lieu_of(seeded_path, LIEU_A).hours_verified_at == before
    page = client.post(f"/admin/campaigns/1/lieux/{LIEU_A}/link", data={"_csrf_token": admin})
    fresh = page.text.split("http://testserver")[1].split("<")[0]
    assert visitor.get(fresh).status_code == 200
    assert visitor.get(links[CIRCUIT]).status_code == 200  # another lieu's link still works


def test_a_link_reaches_its_own_lieu_only(visitor, links, seeded_path):
    """Nothing in a form can point a link at another lieu: the token decides."""
    before_b = lieu_of(seeded_path, LIEU_B)
    slots_of_b = "SELECT weekday, opens, closes FROM opening_slots WHERE lieu_id = ? ORDER BY 1, 2"
    b_slots = query(seeded_path, slots_of_b, [before_b.id])
    form = {
        "slot-0-0-opens": "09:00",
        "slot-0-0-closes": "12:00",
        "slug": LIEU_B,
        "lieu_id": str(before_b.id),
    }
    assert (
        visitor.post(links[BABEL] + "/hours", data=form, follow_redirects=False).status_code == 303
    )
    assert query(seeded_path, slots_of_b, [before_b.id]) == b_slots
    a_slots = query(seeded_path, slots_of_b, [lieu_of(seeded_path, LIEU_A).id])
    assert a_slots == [(0, "09:00:00", "12:00:00")]
    assert lieu_of(seeded_path, LIEU_B).hours_verified_at == before_b.hours_verified_at
    assert progress_of(seeded_path, LIEU_B)[:3] == ("pending", "pending", "pending")
    # and a path naming another lieu is no route at all
    assert visitor.get(f"{links[BABEL]}/{LIEU_B}").status_code == 404


def test_a_link_sent_to_a_co_manager_who_left_stops_working(client, admin, visitor, seeded_path):
    member_id = add_member(seeded_path, "Co A", {LIEU_A: "co-manager"})
    campaign_id = start(client, admin)
    db = database.connect(seeded_path)
    check = campaigns_db.check_of(db, campaign_id, lieu_of(seeded_path, LIEU_A).id)
    token = new_token()
    campaigns_db.add_link(
        db, check.id, hash_token(token), kind="mail", member_id=member_id, outbox_id=None,
        now=DEMO_NOW,
    )  # fmt: skip
    db.execute("UPDATE roles SET role = 'member' WHERE member_id = ?", [member_id])
    db.close()
    response = visitor.get(f"/check/{token}")
    assert response.status_code == 410 and "ne gère plus ce lieu" in response.text


def test_a_section_the_campaign_does_not_ask_is_not_offered(client, admin, visitor):
    campaign_id = start(client, admin, sections=["facts"])
    link = copied_links(client, admin, campaign_id)[BABEL]
    page = visitor.get(link)
    assert "/hours" not in page.text.split("<main")[1]
    assert visitor.get(link + "/hours").status_code == 404
    assert visitor.post(link + "/hours", data={"slot-0-0-opens": "10:00"}).status_code == 404


def test_the_check_routes_are_rate_limited(visitor, links):
    statuses = [visitor.get("/check/" + "y" * 43).status_code for _ in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429


def test_the_verified_date_shows_the_answer_instant_not_the_request_time(
    visitor, links, seeded_path, clock
):
    clock.now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    visitor.post(links[BABEL] + "/confirm")
    assert lieu_of(seeded_path, LIEU_A).hours_verified_at == clock.now
    page = visitor.get(links[BABEL])
    assert "Horaires vérifiés le 1er décembre 2026." in page.text
