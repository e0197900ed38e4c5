"""The lieu profile (`/manage/{slug}/profile`): co-managers and admins edit the lieu's facts and
texts; validation with inline errors (422, what was typed kept), optimistic locking (409, nothing
lost), one audited write, and the facts reaching /api/lieux."""

import json

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from tests.people import LIEU_A, add_member, count, post, sign_in

URL = f"/manage/{LIEU_A}/profile"

GOOD = {
    "address": "Chaussée de Wavre 1688",
    "postcode": "1160",
    "commune": "Auderghem",
    "lat": "50.8155",
    "lon": "4.4330",
    "phone": "0492 44 88 70",
    "email": "contact@babelzin.example",
    "website": "https://babelzin.example/",
    "description": "Un lieu où se poser.",
    "description_nl": "Een plek om even te landen.",
    "description_en": "A place to land for a while.",
    "welcome": "Sans rendez-vous, pour toute personne adulte.",
    "welcome_nl": "Zonder afspraak, voor iedere volwassene.",
    "welcome_en": "",
    "price": "free",
    "step_free": "partly",
    "accessibility_note": "Une marche de 10 cm à l'entrée.",
    "languages": ["fr", "nl", "ar"],
    "transport": "Tram 44, arrêt Auderghem-Shopping.",
}


def lieu_a(seeded_path):
    db = database.connect(seeded_path)
    try:
        return get_lieu(db, LIEU_A)
    finally:
        db.close()


def form(seeded_path, **changes):
    return {**GOOD, "version": str(lieu_a(seeded_path).version), **changes}


def test_a_co_manager_saves_the_profile_and_it_is_audited(client, seeded_path, manager):
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="description_nl"' in page.text and 'name="version"' in page.text
    # A co-manager sees the name, but cannot change it.
    assert 'name="name"' not in page.text and "Babel&#39;Zin" in page.text
    before = lieu_a(seeded_path)
    audit_rows = count(seeded_path, "audit_log")
    response = post(client, manager, URL, form(seeded_path, name="Autre nom"))
    assert response.status_code == 303, response.text[-800:]
    location = response.headers["location"]
    assert location.startswith(f"{URL}?done=profile-saved&at=saved&entry=")
    assert location.endswith("#saved")
    after = lieu_a(seeded_path)
    assert after.name == before.name  # ignored for a co-manager
    assert after.description_nl == "Een plek om even te landen."
    assert after.welcome_en is None  # empty: the marked French text is shown
    assert after.languages == ("fr", "nl", "ar")
    assert (after.lat, after.lon) == (50.8155, 4.433)
    assert (after.price, after.step_free) == ("free", "partly")
    assert after.version == before.version + 1
    assert count(seeded_path, "audit_log") == audit_rows + 1
    db = database.connect(seeded_path)
    row = next(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1"))
    db.close()
    assert (row["entity"], row["action"], row["entity_id"]) == ("lieu", "update", after.id)
    changed_before, changed_after = json.loads(row["before"]), json.loads(row["after"])
    assert changed_after["description_nl"] == "Een plek om even te landen."
    assert (
        changed_before["description_nl"] == before.description_nl != changed_after["description_nl"]
    )
    assert changed_after["languages"] == ["fr", "nl", "ar"]
    assert "name" not in changed_after and "address" not in changed_after  # unchanged fields
    # The same vocabulary reaches the API.
    api = {entry["slug"]: entry for entry in client.get("/api/lieux").json()}
    assert api[LIEU_A]["description_nl"] == "Een plek om even te landen."
    assert api[LIEU_A]["email"] == "contact@babelzin.example"
    assert api[LIEU_A]["languages"] == ["fr", "nl", "ar"]


def test_saving_nothing_new_writes_nothing(client, seeded_path, manager):
    post(client, manager, URL, form(seeded_path))
    version, rows = lieu_a(seeded_path).version, count(seeded_path, "audit_log")
    response = post(client, manager, URL, form(seeded_path))
    assert response.status_code == 303
    assert lieu_a(seeded_path).version == version
    assert count(seeded_path, "audit_log") == rows


def test_an_admin_renames_the_lieu(client, seeded_path, actions):
    token = actions.sign_in("Admin", {}, admin=True)
    assert 'name="name"' in client.get(URL).text
    response = post(client, token, URL, form(seeded_path, name="Babel'Zin (Auderghem)"))
    assert response.status_code == 303
    assert lieu_a(seeded_path).name == "Babel'Zin (Auderghem)"
    empty = post(client, token, URL, form(seeded_path, name=""))
    assert empty.status_code == 422 and 'id="name-error"' in empty.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("postcode", "7000", "Un code postal bruxellois : de 1000 à 1299."),
        ("postcode", "10a0", "Un code postal bruxellois : de 1000 à 1299."),
        ("postcode", "", "Ce champ est obligatoire."),
        ("commune", "Paris", "Choisissez la commune dans la liste."),
        ("phone", "02 12", "au moins 9 chiffres"),
        ("phone", "call me 0212345678", "au moins 9 chiffres"),
        ("email", "pas-une-adresse", "Une adresse e-mail"),
        ("website", "javascript:alert(1)", "Une adresse web comme maison-soleil.be"),
        ("website", "ftp://exemple.be", "Une adresse web comme maison-soleil.be"),
        ("website", "maison soleil", "Une adresse web comme maison-soleil.be"),
        ("description", "<script>alert(1)</script>", "Pas de balises HTML ici"),
        ("welcome_nl", "a > b", "Pas de balises HTML ici"),
        ("description_en", "x" * 2001, "Trop long : 2000 caractères au maximum."),
        ("lat", "48.85", "Hors de Bruxelles"),
        ("lon", "abc", "Un nombre est attendu"),
        ("price", "cher", "Choix invalide."),
        ("step_free", "maybe", "Choix invalide."),
        ("languages", ["fr", "xx"], "Choix invalide."),
        ("address", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_shown_inline_and_nothing_is_stored(
    client, seeded_path, manager, field, typed, message
):
    before = lieu_a(seeded_path)
    rows = count(seeded_path, "audit_log")
    data = form(seeded_path, **{field: typed})
    response = post(client, manager, URL, data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message.replace("'", "&#39;") in response.text
    # What was typed stays, escaped; the other fields too.
    assert "Een plek om even te landen." in response.text
    assert "<script>alert" not in response.text
    assert lieu_a(seeded_path) == before
    assert count(seeded_path, "audit_log") == rows


def test_half_a_position_is_refused(client, seeded_path, manager):
    response = post(client, manager, URL, form(seeded_path, lon=""))
    assert response.status_code == 422 and 'id="lon-error"' in response.text


def test_an_unknown_field_or_a_missing_version_is_a_clear_error(client, seeded_path, manager):
    response = post(client, manager, URL, {**form(seeded_path), "is_admin": "1"})
    assert response.status_code == 422 and "Champ inconnu : is_admin." in response.text
    response = post(client, manager, URL, {**GOOD})
    assert response.status_code == 422 and "rechargez la page" in response.text


def test_a_stale_version_keeps_what_was_typed(client, seeded_path, manager):
    """Someone saved meanwhile: 409, their change stored, ours still in the form."""
    old = form(seeded_path)
    other = add_member(seeded_path, "Lou", {LIEU_A: "co-manager"})
    from litestar.testing import TestClient

    from tests.conftest import make_app

    with TestClient(app=make_app(seeded_path)) as second:
        token = sign_in(second, seeded_path, other)
        saved = post(second, token, URL, {**old, "transport": "Métro Delta"})
        assert saved.status_code == 303
    response = post(client, manager, URL, {**old, "transport": "Bus 34"})
    assert response.status_code == 409
    assert "Quelqu'un a enregistré la fiche" in response.text
    assert "Lou" in response.text
    assert "Bus 34" in response.text  # kept in the form
    assert lieu_a(seeded_path).transport == "Métro Delta"  # theirs is stored
    # The form now carries the saved version: saving again is deliberate, and works.
    version = str(lieu_a(seeded_path).version)
    assert f'name="version" value="{version}"' in response.text
    again = post(client, manager, URL, {**old, "transport": "Bus 34", "version": version})
    assert again.status_code == 303
    assert lieu_a(seeded_path).transport == "Bus 34"


def test_a_member_may_not_open_or_save_the_profile(client, seeded_path, actions):
    token = actions.sign_in("Membre", {LIEU_A: "member"})
    assert client.get(URL).status_code == 403
    before = lieu_a(seeded_path)
    assert post(client, token, URL, form(seeded_path)).status_code == 403
    assert lieu_a(seeded_path) == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ["Fiche van de plek", "Postcode", "Talen die aan het onthaal gesproken worden"]),
        ("en", ["Place profile", "Postcode", "Languages spoken at the welcome"]),
    ],
)
def test_the_form_is_translated(client, manager, lang, words):
    page = client.get(f"{URL}?lang={lang}")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    # Language names in the reader's language.
    assert {"nl": "Arabisch", "en": "Arabic"}[lang] in page.text
    # Communes in the reader's language (Dutch names on Dutch pages).
    assert ("Oudergem" in page.text) == (lang == "nl")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("maison-soleil.be", "https://maison-soleil.be"),
        ("www.maison-soleil.be/contact", "https://www.maison-soleil.be/contact"),
        ("http://maison-soleil.be", "http://maison-soleil.be"),
        ("https://maison-soleil.be/", "https://maison-soleil.be/"),
    ],
)
def test_a_website_typed_without_https_gets_it(client, seeded_path, manager, typed, stored):
    response = post(client, manager, URL, form(seeded_path, website=typed))
    assert response.status_code == 303, response.text[-600:]
    assert lieu_a(seeded_path).website == stored


def test_the_error_banner_links_to_the_first_error_in_page_order(client, seeded_path, manager):
    # The website comes after the postcode on the page, whatever order the errors come in.
    response = post(client, manager, URL, form(seeded_path, website="a b", postcode="4000"))
    assert response.status_code == 422
    banner = response.text.split('<p class="form-errors" role="alert">', 1)[1].split("</p>")[0]
    assert banner.startswith('<a href="#postcode">')
    assert 'id="postcode"' in response.text
    # The field is a plain text field: a phone's browser does not refuse "maison-soleil.be".
    assert 'type="url"' not in response.text
    # An error without a field of its own is linked to its message.
    response = post(client, manager, URL, form(seeded_path, price="cher"))
    assert '<a href="#price-error">' in response.text and 'id="price-error"' in response.text
