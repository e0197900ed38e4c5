"""The public form, GET and POST /lieux/{slug}/report, as a browser without JavaScript uses it:
what is stored (with what the site showed at that instant), bad input on every field, the
honeypot, CSRF, the rate limit, unknown and archived lieux, and where the link appears."""

import html as entities
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.reports.models import CONTACT_MAX, MESSAGE_MAX
from lieux.reports.routes import REPORT_RATE
from tests.conftest import DEMO_NOW, make_app
from tests.people import LIEU_A, LIEU_B, add_member, count, sign_in
from tests.reports.conftest import audit_of_reports, stored
from tests.widget.conftest import seed_real

ZONE = ZoneInfo("Europe/Brussels")
FORM = f"/lieux/{LIEU_B}/report"  # Circuit: open on Mondays 10:00-16:00 (demo hours)


def csrf_of(client, path=FORM) -> str:
    """Open the form as a visitor does; the token its hidden field carries."""
    page = client.get(path)
    assert page.status_code == 200
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text)[1]


def send(client, data: dict, *, token: str | None = None, path=FORM, **kwargs):
    token = csrf_of(client, path) if token is None else token
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False, **kwargs)


def test_the_page_is_a_plain_form(client):
    page = client.get(FORM)
    assert page.status_code == 200
    html = page.text
    assert "<h1>Signaler un problème</h1>" in html
    assert '<form method="post" action="/lieux/circuit/report?lang=fr"' in html
    assert "<script" not in html  # nothing to run: it works in any browser
    for kind in ("found-closed", "wrong-hours", "wrong-contact", "other"):
        assert f'name="kind" value="{kind}"' in html
    assert f'maxlength="{MESSAGE_MAX}"' in html and f'maxlength="{CONTACT_MAX}"' in html
    # what the site says of Circuit right now, so that a visitor at its door can compare
    assert "Ouvert maintenant, jusqu'à 16:00" in entities.unescape(html)
    assert '<meta name="robots" content="noindex">' in html
    # the form's CSRF cookie, the only one; the lieu page itself still sets none
    assert [c.split("=")[0] for c in page.headers.get_list("set-cookie")] == ["csrftoken"]
    assert client.get(f"/lieux/{LIEU_B}").headers.get_list("set-cookie") == []


def test_a_visitor_reports_a_door_found_closed(client, seeded_path):
    response = send(
        client,
        {"kind": "found-closed", "message": "Porte close à midi", "contact": "0470 12 34 56"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{FORM}?sent=1&lang=fr"
    thanks = entities.unescape(client.get(response.headers["location"]).text)
    assert "<h1>Merci, l'équipe du lieu est prévenue</h1>" in thanks
    assert "jamais publié" in thanks
    [report] = stored(seeded_path)
    assert (report.lieu_slug, report.kind, report.message, report.contact, report.lang) == (
        LIEU_B,
        "found-closed",
        "Porte close à midi",
        "0470 12 34 56",
        "fr",
    )
    assert report.created_at == DEMO_NOW and report.open
    # What the site said at that instant: open on its weekly hours, until 16:00.
    assert (report.shown.state, report.shown.source, report.shown.hours_stale) == (
        "open",
        "hours",
        False,
    )
    assert report.shown.until == datetime(2026, 11, 23, 16, tzinfo=ZONE).astimezone(UTC)
    assert report.contradicts_the_page
    # Audited without what the visitor typed: the kind and what the site showed.
    assert audit_of_reports(seeded_path) == [
        ("create", None, "visitor", None, {"kind": "found-closed", "shown": "open"})
    ]


def test_what_was_shown_follows_the_clock_and_the_live_status(client, seeded_path, clock):
    clock.now = datetime(2026, 11, 23, 20, tzinfo=ZONE).astimezone(UTC)  # after closing
    assert send(client, {"kind": "wrong-hours"}).status_code == 303
    db = database.connect(seeded_path)
    db.execute(
        "INSERT INTO live_status (lieu_id, state, starts_at, expires_at, set_at) "
        "SELECT id, 'open', ?, ?, ? FROM lieux WHERE slug = ?",
        [clock.now.isoformat(), "2026-11-23T22:00:00+00:00", clock.now.isoformat(), LIEU_B],
    )
    db.close()
    assert send(client, {"kind": "found-closed"}).status_code == 303
    live, evening = stored(seeded_path)
    assert (evening.shown.state, evening.shown.source) == ("closed", "hours")
    assert evening.shown.until == datetime(2026, 11, 24, 10, tzinfo=ZONE).astimezone(UTC)
    assert (live.shown.state, live.shown.source) == ("open", "live")


def test_a_lieu_whose_hours_nobody_entered_is_shown_unknown(tmp_path):
    path = seed_real(tmp_path / "real.sqlite3")
    with TestClient(app=make_app(path)) as client:
        assert "horaires non communiqués" in client.get(FORM).text
        assert send(client, {"kind": "wrong-contact"}).status_code == 303
    [report] = stored(path)
    assert (report.shown.state, report.shown.until) == ("unknown", None)


LONG = "x" * (MESSAGE_MAX + 1)
BAD = [
    ({"kind": "closed-ish"}, "Choix invalide."),
    ({}, "Choisissez ce qui ne va pas."),
    ({"kind": ""}, "Choisissez ce qui ne va pas."),
    ({"kind": "found-closed", "message": LONG}, f"Trop long : {MESSAGE_MAX} caractères"),
    ({"kind": "found-closed", "message": "<script>alert(1)</script>"}, "Pas de balises HTML"),
    ({"kind": "found-closed", "message": '<img src=x onerror="alert(1)">'}, "Pas de balises HTML"),
    ({"kind": "found-closed", "contact": "y" * (CONTACT_MAX + 1)}, f"{CONTACT_MAX} caractères"),
    ({"kind": "found-closed", "contact": "<b>moi</b>"}, "Pas de balises HTML"),
    ({"kind": "other"}, "Dites en quelques mots ce qui ne va pas."),
    ({"kind": "other", "message": "   "}, "Dites en quelques mots ce qui ne va pas."),
    ({"kind": "found-closed", "lieu_id": "3"}, "Champ inconnu."),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_says_what_is_wrong_and_stores_nothing(client, seeded_path, data, message):
    before = count(seeded_path, "audit_log")
    response = send(client, data)
    assert response.status_code == 400
    text = entities.unescape(response.text)
    assert "<html" in text and message in text
    assert "Le signalement n'est pas parti" in text
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert stored(seeded_path) == [] and count(seeded_path, "audit_log") == before


def test_what_was_typed_comes_back_with_the_errors(client):
    data = {"kind": "other", "contact": "lea@example.org", "message": "<i>x</i> bonjour"}
    html = send(client, data).text
    assert 'value="other" checked' in html
    assert 'value="lea@example.org"' in html
    assert "&lt;i&gt;x&lt;/i&gt; bonjour</textarea>" in html


def test_the_honeypot_stores_nothing_and_says_thanks(client, seeded_path):
    response = send(client, {"kind": "found-closed", "website": "http://spam.example"})
    assert response.status_code == 303  # a robot learns nothing
    assert stored(seeded_path) == [] and count(seeded_path, "audit_log") == 0


@pytest.mark.parametrize("token", ["", "forged"])
def test_without_the_csrf_token_nothing_is_stored(client, seeded_path, token):
    csrf_of(client)  # the visitor has the cookie; the post lacks the matching token
    response = send(client, {"kind": "found-closed"}, token=token)
    assert response.status_code == 403
    assert "<html" in response.text
    assert stored(seeded_path) == []


def test_a_signed_in_member_reports_like_anyone(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "co-manager"}))
    assert send(client, {"kind": "wrong-hours"}).status_code == 303
    [report] = stored(seeded_path)
    assert report.lieu_slug == LIEU_B  # no account link kept: a report is anonymous


def test_the_rate_limit_answers_a_readable_page(client, seeded_path):
    limit = REPORT_RATE.rate_limit[1]
    token = csrf_of(client)
    statuses = [
        send(client, {"kind": "wrong-hours"}, token=token).status_code for _ in range(limit)
    ]
    assert statuses == [303] * limit
    refused = send(client, {"kind": "wrong-hours"}, token=token, path=f"{FORM}?lang=nl")
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert '<html lang="nl">' in refused.text
    assert f'href="/lieux/{LIEU_B}"' in refused.text
    assert len(stored(seeded_path)) == limit
    # French for a French page, and the other lieux' forms are limited too (per address).
    again = send(client, {"kind": "wrong-hours"}, token=token, path=f"/lieux/{LIEU_A}/report")
    assert again.status_code == 429 and "Trop de signalements" in again.text
    # Reading the form is never limited.
    assert client.get(FORM).status_code == 200


def test_unknown_and_archived_lieux(client, seeded_path):
    token = csrf_of(client)
    assert client.get("/lieux/nowhere/report").status_code == 404
    assert (
        send(
            client, {"kind": "other", "message": "?"}, token=token, path="/lieux/nowhere/report"
        ).status_code
        == 404
    )
    db = database.connect(seeded_path)
    db.execute("UPDATE lieux SET archived_at = ? WHERE slug = ?", [DEMO_NOW.isoformat(), LIEU_A])
    db.close()
    gone = client.get(f"/lieux/{LIEU_A}/report")
    assert gone.status_code == 410 and "ne fait plus partie de la liste du réseau" in gone.text
    path = f"/lieux/{LIEU_A}/report"
    assert send(client, {"kind": "wrong-hours"}, token=token, path=path).status_code == 410
    assert stored(seeded_path) == []


def test_reports_are_never_public(client, seeded_path, make_report):
    make_report(LIEU_B, message="Secret du visiteur", contact="secret@example.org")
    for path in (
        f"/lieux/{LIEU_B}",
        "/lieux",
        "/",
        f"/api/lieux/{LIEU_B}",
        "/api/lieux",
        "/api/open-now",
        "/widget/open-now",
        f"/lieux/{LIEU_B}/poster",
        FORM,
    ):
        text = client.get(path).text
        assert "Secret du visiteur" not in text and "secret@example.org" not in text, path


@pytest.mark.parametrize(
    ("lang", "title", "thanks"),
    [
        ("nl", "Een probleem melden", "Bedankt, het team van de plek is verwittigd"),
        ("en", "Report a problem", "Thank you, the team of this place has been told"),
    ],
)
def test_the_page_and_its_thanks_in_dutch_and_english(client, seeded_path, lang, title, thanks):
    page = client.get(f"{FORM}?lang={lang}")
    assert f'<html lang="{lang}">' in page.text and f"<h1>{title}</h1>" in page.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)[1]
    response = send(client, {"kind": "found-closed"}, token=token, path=f"{FORM}?lang={lang}")
    assert response.headers["location"] == f"{FORM}?sent=1&lang={lang}"
    assert thanks in entities.unescape(client.get(response.headers["location"]).text)
    assert stored(seeded_path)[0].lang == lang


def test_the_lieu_page_links_to_its_form(client):
    html = client.get(f"/lieux/{LIEU_B}").text
    assert f'<a href="/lieux/{LIEU_B}/report?lang=fr">Signaler un problème</a>' in html
    html = client.get(f"/lieux/{LIEU_B}?lang=en").text  # the page's language goes along
    assert f'<a href="/lieux/{LIEU_B}/report?lang=en">Report a problem</a>' in html


def test_the_widget_links_each_lieu_to_its_form_in_a_new_tab(client):
    html = client.get("/widget/open-now", params={"lang": "nl", "show": "all"}).text
    links = re.findall(r'<a class="ldl-report" href="([^"]+)" target="_blank" rel="noopener"', html)
    assert f"http://testserver/lieux/{LIEU_B}/report?lang=nl" in links
    assert len(links) == html.count('class="ldl-lieu"')  # one per lieu listed
    assert "<form" not in html  # never a form inside the partner's page


def test_the_poster_has_a_qr_code_to_the_form(client):
    html = client.get(f"/lieux/{LIEU_B}/poster").text
    assert f"http://testserver/lieux/{LIEU_B}/report</span>" in html
    assert html.count("<svg") == 3
