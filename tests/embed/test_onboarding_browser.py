"""Issue 12 end to end, phone-sized, in Chromium, on a database with only the real lieux: a
network admin creates a lieu and invites its co-manager; the co-manager joins, writes a Dutch
description, enters the hours, then taps "Fermé aujourd'hui" with a note; the widget pasted
into a site of another origin shows the lieu closed with the note, and the lieu page in Dutch
shows the Dutch description.

The service is a real `lieux serve` process on the real clock: the hours are open all week, so
whatever the hour the test runs, only the live status can make the lieu closed.
"""

import html
import re
import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.embed.conftest import watch, without_http_cache
from tests.live_server import LiveServer
from tests.people import add_member, new_token_for
from tests.screenshots import shot
from tests.widget.conftest import seed_real

PHONE = {"width": 360, "height": 740}
TIMEOUT = 15_000
DUTCH = "Een warme plek om samen koffie te drinken."
NOTE = "Fuite d'eau : réouverture demain"


@pytest.fixture
def real_only(tmp_path):
    """`lieux init` + `lieux seed` without --demo, served by a real process."""
    path = seed_real(tmp_path / "real.sqlite3")
    server = LiveServer(path)
    yield path, server
    server.stop()


def test_a_coordinator_onboards_a_lieu_whose_live_status_reaches_a_partner_site(
    browser, real_only, host_site
):
    path, server = real_only
    admin = browser.new_context(locale="fr-BE", viewport=PHONE)
    page = admin.new_page()
    token = new_token_for(path, add_member(path, "Coordination", admin=True), at=datetime.now(UTC))
    page.goto(f"{server.url}/signin/{token}")
    page.get_by_role("button", name="Se connecter sur cet appareil").click()
    page.get_by_role("heading", name="Bonjour Coordination").wait_for()
    page.goto(f"{server.url}/admin/lieux/new")
    page.get_by_label("Nom", exact=True).fill("Le Phare")
    page.get_by_label("Adresse (rue et numéro)").fill("Rue de l'Exemple 1")
    page.get_by_label("Code postal").fill("1081")
    page.get_by_label("Commune").select_option("Koekelberg")
    page.get_by_role("button", name="Créer le lieu").click()
    page.get_by_role("heading", name="Invitations — Le Phare").wait_for()
    page.get_by_label("co-gestionnaire (modifie l'agenda, les horaires, invite)").check()
    page.get_by_role("button", name="Créer le lien").click()
    link = page.locator("#invite-link").text_content().strip()
    admin.close()

    co = browser.new_context(locale="fr-BE", viewport=PHONE)
    phone = co.new_page()
    phone.goto(link)
    phone.get_by_label("Votre nom").fill("Nadia")
    phone.get_by_role("button", name="Rejoindre").click()
    phone.get_by_role("heading", name="Bienvenue, Nadia").wait_for()

    phone.goto(f"{server.url}/manage/le-phare/profile")
    phone.get_by_label("Description (en français)").fill("Un lieu chaleureux pour un café.")
    phone.get_by_label("Description en néerlandais (facultatif)").fill(DUTCH)
    phone.get_by_role("button", name="Enregistrer la fiche").click()
    phone.get_by_text("Fiche enregistrée.").wait_for(timeout=TIMEOUT)

    # The weekly editor, as a co-manager would: two slots a day that together run round the
    # clock (a slot may not open and close at the same time; 12:00-00:00 ends at midnight).
    phone.goto(f"{server.url}/manage/le-phare/hours")
    usual = phone.get_by_role("group", name="Chaque semaine")  # the periods' weeks come after
    for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"):
        for n, (opens, closes) in enumerate((("00:00", "12:00"), ("12:00", "00:00")), start=1):
            usual.get_by_label(f"{day}, ouverture {n}", exact=True).fill(opens)
            usual.get_by_label(f"{day}, fermeture {n}", exact=True).fill(closes)
    phone.get_by_role("button", name="Enregistrer les horaires").click()
    phone.wait_for_url(re.compile(r"/hours\?done=hours-saved"))
    lieu = httpx.get(f"{server.url}/api/lieux/le-phare").json()
    assert lieu["opening_hours"] and lieu["hours_verified_at"], lieu
    assert lieu["description_nl"] == DUTCH

    phone.goto(f"{server.url}/manage/le-phare")
    phone.get_by_label("Fermé aujourd'hui").check()
    phone.get_by_label("Note affichée").fill(NOTE)
    phone.get_by_role("button", name="Publier").click()
    phone.get_by_text("C'est publié").wait_for(timeout=TIMEOUT)
    shot(phone, "onboarding/dashboard-closed-today", full_page=True)
    co.close()

    # The open-now answers read the data's revision at most every half second.
    deadline = time.monotonic() + 5
    while True:
        (state,) = [
            e for e in httpx.get(f"{server.url}/api/open-now").json() if e["slug"] == "le-phare"
        ]
        if state["source"] == "live" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (state["state"], state["source"], state["note"]) == ("closed", "live", NOTE)

    configurator = httpx.get(
        f"{server.url}/embed", params={"show": "all", "commune": "Koekelberg"}
    ).text
    snippet = re.search(r'<code id="snippet-script">(.*?)</code>', configurator, re.S)
    assert snippet, "no script snippet on /embed"
    partner = browser.new_context(locale="fr-BE", viewport=PHONE)
    site = partner.new_page()
    seen = watch(site)
    without_http_cache(site)
    site.goto(
        host_site.add(
            "/",
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire'
            f"</title></head><body><main>{html.unescape(snippet.group(1))}</main></body></html>",
        )
    )
    item = site.locator("section[id^=ldl-open-now] .ldl-lieu", has_text="Le Phare")
    item.get_by_text(NOTE).wait_for(timeout=TIMEOUT)
    assert "ldl-state-closed" in item.locator(".ldl-state").get_attribute("class")
    assert not seen.page_errors and partner.cookies() == []
    shot(site, "onboarding/partner-widget", full_page=True)
    partner.close()

    reader = browser.new_context(locale="nl-BE", viewport=PHONE)
    dutch = reader.new_page()
    dutch.goto(f"{server.url}/lieux/le-phare?lang=nl")
    lead = dutch.locator("p.lead")
    assert DUTCH in lead.text_content() and "Frans" not in lead.text_content()
    shot(dutch, "onboarding/lieu-page-nl", full_page=True)
    reader.close()
