"""On a partner's site (issue 23): light colours unless the webmaster chooses otherwise, ids of
their own for every widget of a page, a configurator a phone does not zoom into, and a plain
warning on the htmx snippet. Chromium at 360 px (and 1280 px), French and Dutch, a visitor in
dark mode on a light-only page.

Screenshots go to var/screenshots/public-ux/ (git-ignored): look at them after a change.
"""

from collections import Counter

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.embed.conftest import watch
from tests.embed.test_browser import TIMEOUT, assert_clean, host_page, snippet
from tests.screenshots import shot

WHITE = "rgb(255, 255, 255)"
DARK = "rgb(27, 29, 28)"  # widget.css's dark background, #1b1d1c
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}
WIDGET = "section.ldl-widget"


def visitor(browser, *, width=360, scheme="dark", lang="fr"):
    """A visitor whose phone is in dark mode (or not), reading in `lang`."""
    context = browser.new_context(
        viewport={"width": width, "height": 800}, color_scheme=scheme, locale=LOCALES[lang]
    )
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("variant", ["script", "htmx", "iframe"])
def test_the_default_widget_stays_light_for_a_visitor_in_dark_mode(
    demo_server, host_site, browser, variant, lang
):
    head = ""
    if variant == "htmx":
        vendored = httpx.get(demo_server.url + "/embed/static/htmx-2.0.11.min.js").content
        host_site.add("/htmx.min.js", vendored, "text/javascript")
        head = '<script src="/htmx.min.js"></script>'
    code = snippet(demo_server, variant, widget_lang=lang)
    url = host_site.add("/", host_page(f"<p>A light-only page.</p>{code}", head))
    context = visitor(browser, lang=lang)
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator(WIDGET)
    widget.wait_for(timeout=TIMEOUT)
    assert "ldl-theme-light" in widget.get_attribute("class")
    # The stylesheet may arrive after the fragment: wait for its colours, then look.
    expect(widget).to_have_css("background-color", WHITE, timeout=TIMEOUT)
    shot(page, f"public-ux/partner-dark-visitor-{variant}-{lang}-360", full_page=True)
    assert_clean(seen, context, {demo_server.url, host_site.url})
    context.close()


@pytest.mark.parametrize(("theme", "expected"), [("auto", DARK), ("dark", DARK), ("light", WHITE)])
def test_the_webmaster_can_still_follow_the_visitor_or_choose_dark(
    demo_server, host_site, browser, theme, expected
):
    code = snippet(demo_server, "script", theme=theme)
    assert f'data-theme="{theme}"' in code or theme == "light"
    url = host_site.add("/", host_page(code))
    context = visitor(browser, width=1280)
    page = context.new_page()
    page.goto(url)
    widget = page.locator(WIDGET)
    widget.wait_for(timeout=TIMEOUT)
    expect(widget).to_have_css("background-color", expected, timeout=TIMEOUT)
    shot(page, f"public-ux/partner-dark-visitor-theme-{theme}-1280", full_page=True)
    context.close()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "Claires par défaut. « Selon le réglage du visiteur » suit le mode sombre"),
        ("nl", "Standaard licht. „Volgens de instelling van de bezoeker” volgt de donkere"),
    ],
)
@pytest.mark.parametrize("tab", ["open-now", "agenda"])
def test_the_configurator_says_light_is_the_default(demo_server, browser, tab, lang, words):
    context = visitor(browser, scheme="light", lang=lang)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed?widget={tab}&lang={lang}")
    colours = page.locator("fieldset", has=page.locator("input[name=theme]"))
    assert words in colours.inner_text()
    checked = colours.locator("input[name=theme]:checked")
    assert checked.get_attribute("value") == "light"
    assert "ldl-theme-light" in page.locator(f"#embed-preview {WIDGET}").get_attribute("class")
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("tab", ["open-now", "agenda"])
def test_the_configurators_fields_do_not_make_a_phone_zoom(demo_server, browser, tab, lang):
    """iOS zooms into a field whose text is smaller than 16 px when it is tapped."""
    context = visitor(browser, scheme="light", lang=lang)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed?widget={tab}&lang={lang}")
    shot(page, f"public-ux/configurator-{tab}-{lang}-360", full_page=True)
    sizes = page.locator("form.embed-form select").evaluate_all(
        "fields => fields.map(f => parseFloat(getComputedStyle(f).fontSize))"
    )
    assert sizes and min(sizes) >= 16, sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize(
    ("lang", "warning", "recommended"),
    [
        ("fr", "autorise htmx à envoyer des requêtes vers n'importe quel autre site", "recommandé"),
        ("nl", "laat htmx verzoeken sturen naar om het even welke andere site", "aanbevolen"),
    ],
)
def test_the_htmx_snippet_says_what_it_relaxes(demo_server, browser, lang, warning, recommended):
    context = visitor(browser, scheme="light", width=1280, lang=lang)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed?lang={lang}")
    shot(page, f"public-ux/configurator-open-now-{lang}-1280", full_page=True)
    note = page.locator("#snippet-htmx-title ~ p.warning").first
    assert warning in note.inner_text()
    # Said before the code it is about, and the script snippet is the one recommended.
    assert note.bounding_box()["y"] < page.locator("#snippet-htmx").bounding_box()["y"]
    assert recommended in page.locator("#snippet-script-title").inner_text()
    context.close()


def ids_and_labels(page) -> tuple[list[str], list[tuple[str, str]]]:
    """Every id of the page, and each widget's id with the id of the title it is labelled by
    when that title is inside it."""
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    labels = page.locator(WIDGET).evaluate_all(
        """widgets => widgets.map(w => {
             const label = w.getAttribute('aria-labelledby');
             const title = label && document.getElementById(label);
             return [w.id, title && w.contains(title) ? title.id : null];
           })"""
    )
    return ids, labels


def test_several_widgets_of_the_script_on_one_page_have_ids_of_their_own(
    demo_server, host_site, browser, axe_source
):
    loader = f'<script src="{demo_server.url}/embed.js" async></script>'
    body = (
        '<div data-lieux-widget data-commune="Schaerbeek" data-show="all"></div>'
        '<div data-lieux-widget data-commune="Anderlecht" data-show="all"></div>'
        '<lieux-open-now show="all" lang="nl"></lieux-open-now>'
        '<div data-lieux-widget="agenda" data-lieu="club-55"></div>'
        '<lieux-agenda lieu="circuit"></lieux-agenda>'
        f"{loader}"
    )
    url = host_site.add("/", host_page(body))
    context = visitor(browser, width=1280, scheme="light")
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.wait_for_function(
        "document.querySelectorAll('section.ldl-widget').length === 5", timeout=TIMEOUT
    )
    shot(page, "public-ux/partner-five-widgets-1280", full_page=True)
    ids, labels = ids_and_labels(page)
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    open_now = [(w, title) for w, title in labels if w.startswith("ldl-open-now")]
    assert len(open_now) == 3 and all(title == f"{w}-title" for w, title in open_now), labels
    assert len({w for w, _title in labels}) == 5
    assert axe_violations(page, axe_source, tags=None) == []
    assert_clean(seen, context, {demo_server.url, host_site.url})
    context.close()


def test_two_htmx_snippets_on_one_page_have_ids_of_their_own(
    demo_server, host_site, browser, axe_source
):
    vendored = httpx.get(demo_server.url + "/embed/static/htmx-2.0.11.min.js").content
    host_site.add("/htmx.min.js", vendored, "text/javascript")
    first = snippet(demo_server, "htmx", commune="Schaerbeek", show="all")
    second = snippet(demo_server, "htmx", commune="Anderlecht", show="all")
    url = host_site.add("/", host_page(first + second, '<script src="/htmx.min.js"></script>'))
    context = visitor(browser, width=360, scheme="light")
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.wait_for_function(
        "document.querySelectorAll('section.ldl-widget').length === 2", timeout=TIMEOUT
    )
    shot(page, "public-ux/partner-two-htmx-widgets-360", full_page=True)
    ids, labels = ids_and_labels(page)
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    assert all(title == f"{w}-title" for w, title in labels) and len(labels) == 2
    # Each shows its own commune: hx-select picked its own widget out of its own answer.
    texts = page.locator(WIDGET).all_inner_texts()
    assert "1030 Schaerbeek" in texts[0] and "1070 Anderlecht" in texts[1]
    assert axe_violations(page, axe_source, tags=None) == []
    assert_clean(seen, context, {demo_server.url, host_site.url})
    context.close()
