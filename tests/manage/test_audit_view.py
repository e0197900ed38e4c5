"""The logs are for people: the lieu's log and the network log show the same readable changes
(field names in the page's language, dates as dates, a rule as the activity list says it), no
JSON; the profile edit is named as such (issue 23)."""

import html
import re
from datetime import timedelta

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.manage.profile_form import profile_values
from tests.conftest import DEMO_TODAY
from tests.people import LIEU_A, add_member, create, post, sign_in

FIRST = DEMO_TODAY + timedelta(days=8)  # a Tuesday
CAFE = {
    "title": "Café-papote",
    "kind": "cafe-papote",
    "day": FIRST.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "repeat": "weekly",
}
# What the stored JSON looks like: none of it may reach the page.
RAW = ('"rrule"', '"uid"', '"sequence"', "\\u00e9", '"version"', "FREQ=", "&#34;", '{"')


def changes(page: str) -> list[tuple[str, str]]:
    """Each change of the log as (field, "before → after"), as read."""
    log = re.sub(r'<span class="visually-hidden">.*?</span>', "", page)  # "avant :", "après :"
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", log, re.S)
    return [
        (html.unescape(dt), " ".join(html.unescape(re.sub(r"<[^>]+>", "", dd)).split()))
        for dt, dd in found
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", [
            ("Titre", "Café-papote → Café-papote du mardi"),
            ("Début", "mardi 01/12/2026 14:00 → mardi 01/12/2026 15:00"),
            ("Répétition", "chaque mardi → un mardi sur deux, jusqu'au 31/12/2026"),
        ]),
        ("nl", [
            ("Titel", "Café-papote → Café-papote du mardi"),
            ("Begin", "dinsdag 01/12/2026 14:00 → dinsdag 01/12/2026 15:00"),
            ("Herhaling", "elke dinsdag → om de twee weken op dinsdag, tot 31/12/2026"),
        ]),
    ],
)  # fmt: skip
def test_an_activity_edit_reads_field_by_field(client, seeded_path, manager, lang, expected):
    activity_id = create(client, manager, CAFE)
    edit = {
        **CAFE,
        "title": "Café-papote du mardi",
        "start": "15:00",
        "end": "17:00",
        "interval": "2",
        "until": "2026-12-31",
        "version": "1",
    }
    post(client, manager, f"/manage/{LIEU_A}/activities/{activity_id}", edit)
    page = client.get(f"/manage/{LIEU_A}/audit?lang={lang}").text
    for raw in RAW:
        assert raw not in page.split('id="audit-entries"', 1)[1], raw
    found = changes(page)
    for change in expected:
        assert change in found
    # The activity's own history reads the same.
    history = client.get(f"/manage/{LIEU_A}/activities/{activity_id}?lang={lang}").text
    assert expected[0] in changes(history)


def test_a_cancelled_date_and_its_reason_read_as_such(client, seeded_path, manager):
    activity_id = create(client, manager, CAFE)
    post(
        client,
        manager,
        f"/manage/{LIEU_A}/activities/{activity_id}/occurrence",
        {"do": "cancel", "recurrence_id": f"{FIRST.isoformat()}T14:00:00"},
    )
    page = html.unescape(client.get(f"/manage/{LIEU_A}/audit").text)
    assert "date annulée · activité « Café-papote »" in page
    assert ("Date du mardi 01/12/2026 14:00", "comme la série → annulée") in changes(page)


def test_hours_live_status_profile_and_rules_read_in_words(client, seeded_path, manager):
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_A)
    db.close()
    monday = {"slot-0-0-opens": "10:00", "slot-0-0-closes": "16:00"}
    post(client, manager, f"/manage/{LIEU_A}/hours", monday)
    post(client, manager, f"/manage/{LIEU_A}/status", {"state": "closed", "note": "Grève"})
    profile = {**profile_values(lieu), "address": "Rue Neuve 1", "languages": ["fr", "ar"]}
    post(client, manager, f"/manage/{LIEU_A}/profile", profile)
    post(client, manager, f"/manage/{LIEU_A}/settings", {"governance": "coordinated"})
    page = html.unescape(client.get(f"/manage/{LIEU_A}/audit").text)
    for raw in RAW:
        assert raw not in page.split('id="audit-entries"', 1)[1], raw
    found = changes(page)
    assert ("Lundi", "fermé → 10:00–16:00") in found
    shown = "les horaires habituels → Fermé aujourd'hui, jusqu'à ce soir minuit — Grève"
    assert ("Affiché", shown) in found
    assert ("Adresse", f"{lieu.address} → Rue Neuve 1") in found
    assert ("Langues", "— → Français, Arabe") in found
    assert ("Qui décide des propositions", "autogéré → coordonné") in found
    # The profile edit is named for what it is, the rules too.
    heads = re.findall(r'<p class="audit-head">(.*?)</p>', page, re.S)
    assert sum("modification · fiche du lieu" in head for head in heads) == 1
    assert sum("modification · règles du lieu" in head for head in heads) == 1


def test_the_network_log_reads_the_same_way(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Coordination", admin=True))
    token = client.cookies.get("csrftoken")
    edit = {"name": "Télé-Accueil", "number": "0800 99 999", "language": "fr", "what": "Écoute"}
    post(client, token, "/admin/helplines/1", edit)
    post(client, token, "/admin/lieux/circuit/archive", {})
    page = html.unescape(client.get("/admin/audit").text)
    for raw in RAW:
        assert raw not in page.split('id="audit-entries"', 1)[1], raw
    found = changes(page)
    assert ("Numéro", "107 → 0800 99 999") in found
    assert any(field == "Archivé le" and words.startswith("— → ") for field, words in found)
    assert "archivage · lieu « Circuit »" in page
