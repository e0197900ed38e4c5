"""The configurator's own language and the widget's language are two choices, not one.

`?lang=` is the page's language on every page; the widget's language is `widget_lang`, so that
choosing a Dutch widget leaves the configurator in French (it once switched it to Dutch).
"""

import html
import re

import pytest

from tests.embed.conftest import watch

AT = "2026-11-23T14:30:00+01:00"
TIMEOUT = 15_000


def test_a_dutch_widget_in_a_french_configurator(client):
    page = client.get("/embed", params={"widget_lang": "nl", "at": AT}).text
    assert '<html lang="fr">' in page
    assert "Intégrer les lieux ouverts sur votre site" in page
    assert '<option value="nl" lang="nl" selected>' in page
    assert re.search(r'<section id="ldl-open-now"[^>]* lang="nl"', page)  # the preview
    assert 'data-lang="nl"' in html.unescape(page)  # the snippets
    assert 'name="lang"' not in page  # nothing to keep: the page speaks the visitor's language


def test_the_configurator_in_english_keeps_its_language_through_the_form(client):
    page = client.get("/embed", params={"lang": "en", "at": AT}).text
    assert '<html lang="en">' in page
    assert '<input type="hidden" name="lang" value="en">' in page
    # No widget language chosen: the preview speaks the page's, the snippets leave it open.
    assert re.search(r'<section id="ldl-open-now"[^>]* lang="en"', page)
    assert "data-lang" not in page


def test_the_iframe_page_still_takes_lang(client):
    page = client.get("/embed/open-now", params={"lang": "nl", "at": AT}).text
    assert '<html lang="nl">' in page
    assert re.search(r'<section id="ldl-open-now"[^>]* lang="nl"', page)


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(locale="fr-BE")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.seen = watch(page)
    yield page
    context.close()


def test_choosing_the_widget_language_leaves_the_page_in_french(page, demo_server):
    page.goto(f"{demo_server.url}/embed?at={AT.replace('+', '%2B')}")
    page.locator(".copy").first.wait_for(state="visible", timeout=TIMEOUT)
    page.get_by_label("Langue du widget").select_option("nl")
    page.locator('#embed-preview #ldl-open-now[lang="nl"]').wait_for(timeout=TIMEOUT)
    assert 'data-lang="nl"' in page.locator("#snippet-script").text_content()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").text_content() == "Intégrer les lieux ouverts sur votre site"
    assert "widget_lang=nl" in page.url and not re.search(r"[?&]lang=", page.url)
    # The address the form pushed opens the same page: French, with a Dutch widget.
    page.reload()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#embed-preview #ldl-open-now").get_attribute("lang") == "nl"
    assert not page.seen.console_errors and not page.seen.page_errors


def test_an_english_configurator_stays_english_while_the_preview_changes(page, demo_server):
    page.goto(f"{demo_server.url}/embed?lang=en&at={AT.replace('+', '%2B')}")
    page.locator(".copy").first.wait_for(state="visible", timeout=TIMEOUT)
    page.get_by_label("compact", exact=True).check()
    page.locator("#embed-preview #ldl-open-now.ldl-layout-compact").wait_for(timeout=TIMEOUT)
    assert page.locator("#embed-preview #ldl-open-now").get_attribute("lang") == "en"
    assert page.locator("#embed-code-title").text_content() != "Le code à coller"
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
