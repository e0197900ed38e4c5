"""The live status from the dashboard: the three buttons, their undo, the audit, bad input, and
what the public outputs (widget fragment, lieu page, directory, home) say while it lasts."""

import html
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from tests.conftest import DEMO_NOW
from tests.people import LIEU_B, count

ZONE = ZoneInfo("Europe/Brussels")
STATUS = f"/manage/{LIEU_B}/status"  # Circuit: open on Mondays 10:00-16:00 (demo hours)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


@pytest.fixture
def circuit(actions, seeded_path):
    """`client` signed in as a co-manager of Circuit, whose hours were checked last week."""
    db = database.connect(seeded_path)
    verified = (DEMO_NOW - timedelta(days=7)).isoformat()
    db.execute("UPDATE lieux SET hours_verified_at = ?", [verified])
    db.close()
    actions.sign_in(roles={LIEU_B: "co-manager"})
    return actions


def api(client, slug=LIEU_B):
    client.get("/lieux")  # a page reads the data at once; the polled API within half a second
    return next(e for e in client.get("/api/open-now").json() if e["slug"] == slug)


def audit(seeded_path):
    db = database.connect(seeded_path)
    rows = db.execute(
        "SELECT action, before, after FROM audit_log WHERE entity = 'live_status' ORDER BY id"
    ).fetchall()
    db.close()
    return [(a, json.loads(b) if b else None, json.loads(c) if c else None) for a, b, c in rows]


def test_closed_today_with_a_note_shows_everywhere_then_undo(circuit, client, seeded_path):
    assert api(client)["state"] == "open"
    assert 'href="/lieux/circuit"' in client.get("/lieux?open=now").text
    response = circuit.post(STATUS, {"state": "closed", "note": "Fuite d'eau"})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"/manage/{LIEU_B}?done=status-set&at=live-status&entry=")
    assert location.endswith("#live-status")
    page = html.unescape(client.get(location).text)
    assert "C'est publié" in page
    assert "Fermé aujourd'hui, jusqu'à ce soir minuit</strong> — Fuite d'eau" in page
    # what the public now sees, in the lieu page's and the widget's words
    assert "Fermé exceptionnellement · ouvre demain à 10:00</strong> — Fuite d'eau" in page
    assert "Fermé exceptionnellement · ouvre demain à 10:00 — Fuite d'eau" in page
    assert f'action="/manage/{LIEU_B}/status/clear"' in page

    entry = api(client)
    assert (entry["state"], entry["source"], entry["note"]) == ("closed", "live", "Fuite d'eau")
    assert entry["next_open"] == "2026-11-24T10:00:00+01:00"
    lieu = html.unescape(client.get(f"/lieux/{LIEU_B}").text)
    assert "Fermé exceptionnellement · ouvre demain à 10:00</strong> — Fuite d'eau" in lieu
    fragment = html.unescape(client.get("/widget/open-now?show=all").text)
    assert "fermé exceptionnellement · ouvre demain à 10:00" in fragment
    assert "Fuite d'eau" in fragment
    directory = client.get("/lieux?open=now").text
    assert 'href="/lieux/circuit"' not in directory.split("Fermés en ce moment")[0]

    [(action, before, after)] = audit(seeded_path)
    assert (action, before, after["state"], after["note"]) == ("set", None, "closed", "Fuite d'eau")

    undo = circuit.post(f"{STATUS}/clear", {})
    assert "?done=status-cleared&at=live-status&entry=" in undo.headers["location"]
    assert "Retiré : ce sont à nouveau" in client.get(undo.headers["location"]).text
    assert (api(client)["state"], api(client)["source"]) == ("open", "hours")
    assert [a for a, _b, _c in audit(seeded_path)] == ["set", "clear"]
    assert audit(seeded_path)[1][1]["note"] == "Fuite d'eau"


def test_it_expires_by_itself(circuit, client, clock):
    circuit.post(STATUS, {"state": "closed", "until": "15:00", "note": "Grève"})
    assert api(client)["source"] == "live"
    clock.now = local(2026, 11, 23, 15, 0)
    entry = api(client)
    assert (entry["state"], entry["source"], entry["note"]) == ("open", "hours", "")
    # Gone from the dashboard too: nothing to undo.
    page = client.get(f"/manage/{LIEU_B}").text
    assert "status/clear" not in page and "Grève" not in page


def test_open_defaults_to_the_end_of_the_slot(circuit, client):
    circuit.post(STATUS, {"state": "open"})
    entry = api(client)
    assert (entry["state"], entry["until"], entry["source"]) == (
        "open",
        "2026-11-23T16:00:00+01:00",
        "live",
    )


def test_closes_early(circuit, client, clock):
    circuit.post(STATUS, {"state": "closes-early", "until": "13:30", "note": "Formation"})
    assert api(client)["until"] == "2026-11-23T13:30:00+01:00"
    page = html.unescape(client.get(f"/manage/{LIEU_B}").text)
    assert "On ferme plus tôt : à 13:30 aujourd'hui" in page
    clock.now = local(2026, 11, 23, 14, 0)
    entry = api(client)
    assert (entry["state"], entry["note"], entry["source"]) == ("closed", "Formation", "live")


def test_a_new_status_replaces_the_one_before(circuit, client, seeded_path):
    circuit.post(STATUS, {"state": "closed"})
    circuit.post(STATUS, {"state": "open", "until": "18:00"})
    assert count(seeded_path, "live_status") == 1
    assert api(client)["until"] == "2026-11-23T18:00:00+01:00"
    actions = audit(seeded_path)
    assert [a for a, _b, _c in actions] == ["set", "set"]
    assert actions[1][1]["state"] == "closed" and actions[1][2]["state"] == "open"


POISON = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"state": "closed", "until": "09:00"}, "Ce moment est déjà passé."),
        ({"state": "closed", "until": "2026-12-25"}, "Au plus 14 jours"),
        ({"state": "open", "until": "bientôt"}, "Indiquez une heure (HH:MM)"),
        ({"state": "closed", "note": "x" * 141}, "Trop long : 140 caractères au maximum."),
        ({"state": "closed", "note": POISON}, "Pas de balises HTML ici."),
        ({"state": "ajar"}, "Choisissez : ouvert, fermé ou on ferme plus tôt."),
        ({"note": "grève"}, "Choisissez : ouvert, fermé ou on ferme plus tôt."),
        ({"state": "closed", "colour": "red"}, "Champ inconnu."),
    ],
)
def test_bad_input_reshows_the_dashboard(circuit, client, seeded_path, data, message):
    before = api(client)
    response = circuit.post(STATUS, data)
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert POISON not in response.text  # what was typed comes back escaped
    if "note" in data and len(data["note"]) <= 140:
        assert "grève" in response.text or "&lt;img" in response.text  # kept in its field
    assert count(seeded_path, "live_status") == 0 and audit(seeded_path) == []
    assert api(client) == before


def test_bad_input_keeps_what_was_typed(circuit):
    response = circuit.post(STATUS, {"state": "closed", "until": "9h", "note": "Grève"})
    assert response.status_code == 422
    assert 'value="9h"' in response.text and 'value="Grève"' in response.text
    assert 'aria-describedby="live-until-hint until-error" aria-invalid="true"' in response.text
    assert 'href="#live-until"' in response.text  # the banner links to the field
    assert 'value="closed" checked' in response.text  # the choice is kept too


def test_members_may_not_and_see_no_buttons(actions, client, seeded_path):
    token = actions.sign_in("Membre", roles={LIEU_B: "member"})
    page = client.get(f"/manage/{LIEU_B}")
    assert page.status_code == 200 and 'id="live-status"' not in page.text
    response = client.post(
        STATUS, data={"state": "closed", "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert count(seeded_path, "live_status") == 0


def test_buttons_come_first_and_work_without_javascript(circuit, client):
    page = client.get(f"/manage/{LIEU_B}").text
    assert page.index('id="live-status"') < page.index('id="proposals-title"')
    form = page[page.index('class="live-form"') :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in page[page.index('action="/manage/circuit/status"') - 40 :]
    for value in ("open", "closed", "closes-early"):
        assert f'name="state" value="{value}"' in form
    assert 'name="csrf' in form or "_csrf_token" in form
    assert "hx-" not in form


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ("We zijn open", "Vandaag gesloten", "We sluiten vroeger", "Op dit moment")),
        ("en", ("We are open", "Closed today", "Closing early", "Right now")),
    ],
)
def test_dashboard_in_dutch_and_english(circuit, client, lang, words):
    page = client.get(f"/manage/{LIEU_B}", params={"lang": lang}).text
    for word in words:
        assert word in page
    circuit.post(STATUS, {"state": "closed"})
    lieu = client.get(f"/lieux/{LIEU_B}", params={"lang": lang}).text
    assert {"nl": "Uitzonderlijk gesloten", "en": "Exceptionally closed"}[lang] in lieu


def test_the_lieu_log_names_it(circuit, client):
    circuit.post(STATUS, {"state": "closed", "note": "Grève"})
    circuit.post(f"{STATUS}/clear", {})
    log = client.get(f"/manage/{LIEU_B}/audit").text
    assert "affichage · statut en ce moment" in log
    assert "retrait · statut en ce moment" in log


def test_one_short_form_choose_add_a_note_and_an_end_then_publish(circuit, client):
    """The note and the end time sit in the form, before "Publier" (no "Préciser…" under the
    buttons): choosing is one tap, publishing the second (issue 23)."""
    page = client.get(f"/manage/{LIEU_B}").text
    form = page.split(f'action="/manage/{LIEU_B}/status" class="live-form"', 1)[1].split("</form>")[
        0
    ]
    assert "<details" not in form
    radios = re.findall(r'type="radio" id="live-([\w-]+)" name="state" value="([\w-]+)"', form)
    assert radios == [(v, v) for v in ("open", "closed", "closes-early")]
    assert 'name="until"' in form and 'name="note"' in form
    # One button publishes; choosing is not publishing.
    assert re.findall(r"<button[^>]*>", form) == ['<button type="submit" class="live-publish">']
    assert 'type="radio"' in form and " checked" not in form
    response = circuit.post(STATUS, {"state": "open", "until": "18:30", "note": "Soupe ce soir"})
    page = html.unescape(client.get(response.headers["location"]).text)
    # What the public now sees, in the lieu page's and the widget's own words.
    view = page.split('class="public-view', 1)[1].split("</div>", 1)[0]
    lieu = html.unescape(client.get(f"/lieux/{LIEU_B}").text)
    headline = re.search(r'<p class="live-state[^"]*" role="status"><strong>(.*?)</strong>', lieu)[
        1
    ]
    assert headline == "Ouvert maintenant, jusqu'à 18:30"
    assert f"<strong>{headline}</strong> — Soupe ce soir" in view
    assert "Ouvert jusqu'à 18:30 — Soupe ce soir" in view


def test_no_choice_is_refused_and_linked(circuit):
    response = circuit.post(STATUS, {"note": "Soupe"})
    assert response.status_code == 422
    assert 'href="#live-open"' in response.text and 'id="state-error"' in response.text
    assert 'value="Soupe"' in response.text
