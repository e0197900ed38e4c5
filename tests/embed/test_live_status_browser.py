"""Phone-sized, in Chromium: a co-manager taps "Fermé aujourd'hui" with a note on the dashboard,
and the widget pasted into a site of another origin shows the lieu closed, with the note.

The service is a real `lieux serve` process on the real clock (no `at=`): the status starts
now and lasts until tonight, whatever the hour the test runs. Screenshots of the dashboard
(320 px and 1280 px, light and dark) and of the widget go to var/screenshots/status/.
"""

import html
import re
from datetime import UTC, datetime

import httpx
import pytest

from tests.conftest import axe_violations
from tests.embed.conftest import watch, without_http_cache
from tests.people import add_member, new_token_for
from tests.screenshots import shot

LIEU = "circuit"
NOTE = "Fuite d'eau : réouverture demain"
PHONE = {"width": 320, "height": 720}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT = 15_000


def signed_in(browser, live_server, seeded_path, **options):
    """A browser context signed in as a co-manager of Circuit (through the real link flow)."""
    member = add_member(seeded_path, "Co Circuit", {LIEU: "co-manager"})
    token = new_token_for(seeded_path, member, at=datetime.now(UTC))  # the server's own clock
    context = browser.new_context(locale="fr-BE", **options)
    page = context.new_page()
    page.goto(f"{live_server.url}/signin/{token}")
    page.get_by_role("button", name="Se connecter sur cet appareil").click()
    page.wait_for_url(lambda url: "/signin/" not in url)
    return context, page


def script_snippet(live_server) -> str:
    page = httpx.get(live_server.url + "/embed", params={"show": "all"}).text
    match = re.search(r'<code id="snippet-script">(.*?)</code>', page, re.S)
    assert match, "no script snippet on /embed"
    return html.unescape(match.group(1))


def test_closed_today_on_a_phone_reaches_a_partner_site(
    browser, live_server, host_site, seeded_path, axe_source
):
    context, page = signed_in(browser, live_server, seeded_path, viewport=PHONE)
    page.goto(f"{live_server.url}/manage/{LIEU}")
    # The big choices are the first thing below the lieu's name on a phone's first screen.
    closed = page.locator("label[for=live-closed]")
    box = closed.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] and box["width"] >= 250
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "status/dashboard-320-light", full_page=True)

    page.get_by_label("Note affichée").fill(NOTE)
    # Enter in the note must not choose "open" by itself: nothing chosen, nothing published.
    page.get_by_label("Note affichée").press("Enter")
    page.locator("#state-error").wait_for(timeout=TIMEOUT)
    assert "done=status-set" not in page.url
    closed.click()
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("C'est publié").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("button", name=re.compile("^Annuler")).is_visible()
    shot(page, "status/dashboard-320-light-set", full_page=True)
    assert axe_violations(page, axe_source, tags=None) == []
    context.close()

    host = browser.new_context(locale="fr-BE", viewport=PHONE)
    widget_page = host.new_page()
    seen = watch(widget_page)
    without_http_cache(widget_page)
    url = host_site.add(
        "/",
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Association</title>'
        f"</head><body><h1>Notre association</h1><main>{script_snippet(live_server)}</main>"
        "</body></html>",
    )
    widget_page.goto(url)
    item = widget_page.locator("section[id^=ldl-open-now] .ldl-lieu", has_text="Circuit")
    item.get_by_text(NOTE).wait_for(timeout=TIMEOUT)
    assert "fermé exceptionnellement" in item.locator(".ldl-state").text_content()
    assert "ldl-state-closed" in item.locator(".ldl-state").get_attribute("class")
    assert not seen.page_errors and not seen.dialogs
    assert host.cookies() == []
    item.scroll_into_view_if_needed()
    shot(widget_page, "status/widget-320-live", full_page=True)
    host.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_dashboard_accessible_and_looked_at(browser, live_server, seeded_path, axe_source, lang):
    first, _page = signed_in(browser, live_server, seeded_path)
    session = first.storage_state()
    first.close()
    for name, viewport in (("320", PHONE), ("1280", DESKTOP)):
        for scheme in ("light", "dark"):
            context = browser.new_context(
                locale="fr-BE", viewport=viewport, color_scheme=scheme, storage_state=session
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/manage/{LIEU}?lang={lang}")
            page.locator("#live-status").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            if lang == "fr" or name == "320":
                shot(page, f"status/dashboard-{lang}-{name}-{scheme}")
            assert axe_violations(page, axe_source, tags=None) == [], (lang, name, scheme)
            context.close()
