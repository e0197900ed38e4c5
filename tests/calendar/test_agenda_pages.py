"""The public agenda, the activity page and the subscribe box, as people and browsers see them."""

import re

import pytest

from tests.screenshots import shot

AT = "2026-11-23T09:00:00+01:00"


def test_week_lists_occurrences_with_the_cancelled_one_marked(client):
    page = client.get("/agenda", params={"at": AT, "lieu": "babel-zin", "week": "2026-11-30"})
    assert page.status_code == 200
    assert "Café-papote" in page.text
    # the demo cancels the ninth weekly papote after the series start (1 December 2026 here)
    assert re.search(r'class="occurrence cancelled".*?Annulé', page.text, re.S)
    assert 'href="/agenda?lieu=babel-zin&amp;week=2026-12-07"' in page.text
    assert 'href="/agenda?lieu=babel-zin&amp;week=2026-11-23"' in page.text


def test_filters_narrow_the_week(client):
    page = client.get("/agenda", params={"at": AT, "kind": "repas"}).text
    assert "Soupe du midi" in page and "Café-papote</a>" not in page
    page = client.get("/agenda", params={"at": AT, "commune": "schaerbeek"}).text
    assert "Atelier d&#39;écriture" in page or "Assemblée mensuelle" in page
    assert "Soupe du midi" not in page


@pytest.mark.parametrize(
    ("params", "status"),
    [({"lieu": "nulle-part"}, 404), ({"kind": "karaoke"}, 404), ({"week": "demain"}, 400)],
)
def test_bad_filters_get_a_page_not_a_trace(client, params, status):
    page = client.get("/agenda", params=params)
    assert page.status_code == status
    assert "<html" in page.text and "Traceback" not in page.text


def test_activity_page(client):
    page = client.get("/agenda/1", params={"at": AT})
    assert page.status_code == 200
    assert "Prochaines dates" in page.text and "Babel" in page.text
    assert client.get("/agenda/99999").status_code == 404


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/lieux/babel-zin", "/ical/lieux/babel-zin.ics"),
        ("/agenda", "/ical/network.ics"),
        ("/agenda?kind=atelier", "/ical/kinds/atelier.ics"),
        ("/agenda?commune=schaerbeek", "/ical/communes/schaerbeek.ics"),
        (
            "/agenda?kind=atelier&commune=schaerbeek",
            "/ical/network.ics?kinds=atelier&amp;communes=",
        ),
        ("/agenda/1", "/ical/lieux/babel-zin.ics"),
    ],
)
def test_subscribe_box_everywhere_with_the_right_feed(client, url, feed):
    text = client.get(url).text
    assert f'href="webcal://testserver{feed}' in text
    assert f">http://testserver{feed}" in text  # the address is visible text
    assert "<svg" in text and "Google" in text
    address = re.search(r'id="feed-address"[^>]*>([^<]+)<', text).group(1).replace("&amp;", "&")
    assert client.get(address.removeprefix("http://testserver")).status_code == 200


def test_lieu_page_lists_coming_activities(client):
    text = client.get("/lieux/babel-zin", params={"at": AT}).text
    section = text[text.index('id="lieu-agenda"') :]
    assert "Café-papote" in section and "/agenda/1" in section


def test_copy_button_only_with_javascript(read_only_server, browser):
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts)
        page = context.new_page()
        page.goto(read_only_server.url + "/lieux/babel-zin")
        assert "/ical/lieux/babel-zin.ics" in page.locator("#feed-address").inner_text()
        assert page.locator("#subscribe button.copy").is_visible() is scripts
        context.close()


def test_the_subscribed_feed_is_in_the_page_language(client):
    text = client.get("/lieux/babel-zin", params={"lang": "nl"}).text
    assert 'href="webcal://testserver/ical/lieux/babel-zin.ics?lang=nl"' in text
    text = client.get("/agenda", params={"lang": "en", "kind": "atelier", "commune": "schaerbeek"})
    assert "/ical/network.ics?kinds=atelier&amp;communes=schaerbeek&amp;lang=en" in text.text


def test_agenda_has_a_list_and_a_week_view_that_keep_the_filters(client):
    week = client.get("/agenda", params={"view": "week", "kind": "repas", "week": "2026-11-23"})
    assert week.status_code == 200
    assert re.search(r'id="agenda-week" class="[^"]*\bagenda-week\b', week.text)
    assert "view=week" in week.text.split('rel="next"')[0].rsplit("href=", 1)[1]
    listing = client.get("/agenda", params={"kind": "repas", "week": "2026-11-23"}).text
    assert re.search(r'id="agenda-week" class="[^"]*\bagenda-list\b', listing)
    assert "Soupe du midi" in listing and "Atelier tricot" not in listing
    assert client.get("/agenda", params={"view": "month"}).status_code == 400


@pytest.mark.parametrize(
    ("feed", "page"),
    [
        ("/ical/lieux/babel-zin.ics", "/lieux/babel-zin"),
        ("/ical/lieux/babel-zin.ics?lang=nl", "/lieux/babel-zin?lang=nl"),
        ("/ical/network.ics", "/agenda"),
        ("/ical/kinds/atelier.ics?lang=en", "/agenda?kind=atelier&lang=en"),
        ("/ical/communes/schaerbeek.ics", "/agenda?commune=schaerbeek"),
        (
            "/ical/network.ics?kinds=atelier&communes=schaerbeek",
            "/agenda?kind=atelier&commune=schaerbeek",
        ),
    ],
)
def test_the_qr_code_opens_the_page_of_the_feed(feed, page):
    from lieux.calendar.subscribe import feed_page

    assert feed_page(feed) == page


def test_the_subscribe_box_has_a_way_for_each_device(client):
    text = client.get("/lieux/babel-zin").text
    box = text[text.index('id="subscribe"') :]
    box = box[: box.index("</section>")]
    # iPhone/Mac: the webcal button, which says it needs ICSx⁵ on Android
    assert 'class="button" href="webcal://testserver/ical/lieux/babel-zin.ics"' in box
    assert "Sur Android, ce bouton ne marche qu'avec l'application ICSx⁵" in box
    # Android: Google's "add by URL" link, given the webcal address, and the ICSx⁵ path
    google = "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Ftestserver%2Fical%2Flieux%2Fbabel-zin.ics"
    assert f'href="{google}"' in box
    assert 'href="https://f-droid.org/packages/at.bitfire.icsdroid/"' in box
    assert 'href="https://play.google.com/store/apps/details?id=at.bitfire.icsdroid"' in box
    # Google's own steps say they need a computer; Outlook.com and others have theirs
    assert "<summary>Google Agenda sur un ordinateur</summary>" in box
    assert "depuis un ordinateur" in box and "Outlook.com" in box and "Thunderbird" in box
    # the QR code: of this page, for a computer's screen, and says so
    assert "<title>http://testserver/lieux/babel-zin#subscribe</title>" in box
    assert "Sur un ordinateur ? Scannez ce code" in box
    assert "Scannez ce code avec votre téléphone pour ouvrir" not in box
    # the page requests nothing from Google: only links the reader may follow
    assert not re.search(r'(src|action)="https://[^"]*google', text)
    nl = client.get("/lieux/babel-zin", params={"lang": "nl"}).text
    assert "<title>http://testserver/lieux/babel-zin?lang=nl#subscribe</title>" in nl
    assert "Sur un ordinateur" not in nl and "Op een computer? Scan deze code" in nl


def test_the_qr_code_only_on_wide_screens_and_the_box_without_javascript(read_only_server, browser):
    for width, shown in ((320, False), (1280, True)):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False
        )
        page = context.new_page()
        page.goto(read_only_server.url + "/lieux/babel-zin")
        assert page.locator("#subscribe figure.qr").is_visible() is shown
        assert page.locator("#subscribe a.button[href^='webcal:']").is_visible()
        google = page.locator("#subscribe details a[href^='https://calendar.google.com/']").first
        assert not google.is_visible()
        page.locator("#subscribe summary", has_text="Android").click()  # <details>: no script
        assert google.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page.locator("#subscribe"), f"agenda/subscribe-{width}")
        context.close()
