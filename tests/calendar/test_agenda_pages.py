"""The public agenda, the activity page and the subscribe box, as people and browsers see them."""

import re

import pytest

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


def test_copy_button_only_with_javascript(live_server, browser):
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts)
        page = context.new_page()
        page.goto(live_server.url + "/lieux/babel-zin")
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
