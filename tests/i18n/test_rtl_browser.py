"""Arabic, right to left, in Chromium: the pages mirror, the widgets mirror on a partner's
left-to-right page (script and iframe variants), numbers and times stay left to right, and
axe finds no serious issue in Arabic and Ukrainian.

Measured by bounding boxes (tests/i18n/rtl.py); screenshots go to var/screenshots/i18n/.
"""

import html
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.i18n.rtl import (
    TIMEOUT,
    drawn_left_to_right,
    scrolls_sideways,
    sits_at_left,
    sits_at_right,
    text_box,
)
from tests.screenshots import shot

AFTERNOON = "2026-11-23T14:30:00+01:00"  # Monday: some demo lieux open, Club 55 among them
NIGHT = "2026-11-24T03:00:00+01:00"  # every demo lieu closed: the helplines come first
WIDTHS = (360, 1280)


def open_page(browser, server, path: str, *, width: int, scheme: str = "light"):
    context = browser.new_context(
        locale="ar", viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.goto(server.url + path)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_an_arabic_lieu_page_mirrors(browser, read_only_server, width):
    seen = {}
    for lang in ("ar", "fr"):
        context, page = open_page(
            browser, read_only_server, f"/lieux/club-55?lang={lang}&at={AFTERNOON}", width=width
        )
        assert page.evaluate("getComputedStyle(document.body).direction") == (
            "rtl" if lang == "ar" else "ltr"
        )
        seen[lang] = {
            "h1": text_box(page.locator("main h1")),
            "state": text_box(page.locator("p.live-state")),
            "hours-title": text_box(page.locator("#hours-title")),
            "day": page.locator("table.hours th").first.bounding_box(),
            "slot": page.locator("table.hours td").first.bounding_box(),
            "sideways": scrolls_sideways(page),
        }
        if lang == "ar":
            shot(page, f"i18n/ar-lieu-page-{width}", full_page=width == 360)
            # The time ranges and the phone number read left to right inside Arabic.
            assert drawn_left_to_right(page.locator("table.hours td span[dir=ltr]").first)
            assert drawn_left_to_right(page.locator("dd a[href^='tel:']"))
            assert drawn_left_to_right(page.locator("footer a[href^='tel:'] span[dir=ltr]").first)
            # The lieu's own French text: marked, and laid out left to right.
            lead = page.locator("p.lead")
            assert lead.get_attribute("lang") == "fr" and lead.get_attribute("dir") == "ltr"
        context.close()
    ar, fr = seen["ar"], seen["fr"]
    for name in ("h1", "state", "hours-title"):
        assert sits_at_right(ar[name]), (name, ar[name])
        assert sits_at_left(fr[name]), (name, fr[name])
    # The weekday column comes first: at the right in Arabic, at the left in French.
    assert ar["day"]["x"] > ar["slot"]["x"]
    assert fr["day"]["x"] < fr["slot"]["x"]
    assert not ar["sideways"] and not fr["sideways"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_home_page_widget_puts_the_state_at_the_start(browser, read_only_server, width):
    for lang, at_start in (("ar", sits_at_right), ("fr", sits_at_left)):
        context, page = open_page(
            browser, read_only_server, f"/?lang={lang}&at={AFTERNOON}", width=width
        )
        widget = page.locator("section[id^=ldl-open-now]")
        assert widget.evaluate("e => getComputedStyle(e).direction") == (
            "rtl" if lang == "ar" else "ltr"
        )
        lieu = widget.locator(".ldl-lieu").first
        state = lieu.locator(".ldl-state")
        box, item = state.bounding_box(), text_box(lieu)
        # The state (its shape and words) starts at the item's start edge.
        if lang == "ar":
            assert abs(box["x"] + box["width"] - item["right"]) <= 2.5, (box, item)
        else:
            assert abs(box["x"] - item["left"]) <= 2.5, (box, item)
        assert at_start(text_box(widget.locator(".ldl-title")))
        # The helplines' accent border is on the start side; their numbers read left to right.
        borders = page.locator("#helplines").evaluate(
            "e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
        )
        assert borders == (["4px", "0px"] if lang == "ar" else ["0px", "4px"])
        assert drawn_left_to_right(page.locator("#helplines .number").first)
        assert not scrolls_sideways(page)
        if lang == "ar":
            shot(page, f"i18n/ar-home-{width}", full_page=width == 360)
        context.close()


def snippet(server, name: str, **options) -> str:
    """The snippet the configurator prints for these options, ready to paste."""
    page = httpx.get(server.url + "/embed", params=options).text
    found = re.search(rf'<code id="snippet-{name}">(.*?)</code>', page, re.S)
    assert found, f"no snippet-{name} on /embed"
    return html.unescape(found.group(1))


def partner_page(host_site, code: str) -> str:
    """A left-to-right partner page (English) holding the pasted snippet."""
    return host_site.add(
        "/",
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Association</title></head><body><h1>Our association</h1>"
        f"<main>{code}</main></body></html>",
    )


def open_partner(browser, url: str, *, width: int, scheme: str = "light"):
    context = browser.new_context(
        locale="en-GB", viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", ["script", "iframe"])
def test_the_arabic_widget_mirrors_on_a_partner_page(
    browser, read_only_server, host_site, variant, width
):
    code = snippet(read_only_server, variant, widget_lang="ar", at=NIGHT, show="all")
    context, page = open_partner(browser, partner_page(host_site, code), width=width)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator("section[id^=ldl-open-now]")
    widget.wait_for(timeout=TIMEOUT)
    expect(widget).to_have_css("container-type", "inline-size", timeout=TIMEOUT)
    shot(page.locator("iframe") if variant == "iframe" else widget, f"i18n/ar-{variant}-{width}")
    # The partner's page stays left to right; only the widget turns.
    assert page.evaluate("document.documentElement.dir") == ""
    assert sits_at_left(text_box(page.locator("h1")))
    assert widget.get_attribute("dir") == "rtl" and widget.get_attribute("lang") == "ar"
    assert widget.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert sits_at_right(text_box(widget.locator(".ldl-title")))
    # At night the helplines come first; their accent border is on the start (right) side.
    helplines = widget.locator(".ldl-helplines")
    assert helplines.evaluate("e => getComputedStyle(e).borderRightWidth") == "4px"
    numbers = widget.locator(".ldl-number")
    assert numbers.count() >= 4
    for index in range(numbers.count()):
        assert drawn_left_to_right(numbers.nth(index)), numbers.nth(index).text_content()
    # Each closed lieu: its state on the start side of the item.
    lieu = widget.locator(".ldl-lieu").first
    # Both boxes measured inside the widget's own document: in the iframe variant, Playwright's
    # bounding_box() would count from the partner's page, the offset of the iframe added.
    box, item = text_box(lieu.locator(".ldl-state")), text_box(lieu)
    assert abs(box["boxRight"] - item["right"]) <= 2.5, (box, item)
    assert not scrolls_sideways(page)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", ["script", "iframe"])
def test_the_arabic_agenda_widget_mirrors_on_a_partner_page(
    browser, read_only_server, host_site, variant, width
):
    code = snippet(
        read_only_server, variant, widget="agenda", widget_lang="ar", at=AFTERNOON, lieu="club-55"
    )
    context, page = open_partner(browser, partner_page(host_site, code), width=width)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator("section[id^=ldl-agenda]")
    widget.locator(".ldl-day").first.wait_for(timeout=TIMEOUT)
    shot(
        page.locator("iframe") if variant == "iframe" else widget,
        f"i18n/ar-agenda-{variant}-{width}",
    )
    assert page.evaluate("document.documentElement.dir") == ""
    assert widget.get_attribute("dir") == "rtl"
    assert sits_at_right(text_box(widget.locator(".ldl-title")))
    assert sits_at_right(text_box(widget.locator(".ldl-day").first))
    # The time of each activity reads left to right.
    times = widget.locator(".ldl-when span[dir=ltr]")
    assert times.count() > 0
    assert drawn_left_to_right(times.first)
    assert not scrolls_sideways(page)
    context.close()


AXE_PAGES = [
    "/",
    "/lieux",
    "/lieux/club-55",
    "/agenda",
    "/embed",
    "/embed?widget=agenda",
    "/embed/open-now",
    "/embed/agenda",
    "/guide",
    "/lieux/club-55/poster",
    "/lieux/club-55/report",
    "/api",
]


@pytest.mark.parametrize("lang", ["ar", "uk"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_serious_accessibility_issue(browser, read_only_server, axe_source, path, lang):
    sep = "&" if "?" in path else "?"
    context, page = open_page(
        browser, read_only_server, f"{path}{sep}lang={lang}&at={AFTERNOON}", width=360
    )
    assert axe_violations(page, axe_source) == []
    context.close()


# What an Arabic reader opens on a phone, light and dark: looked at by a person after a
# change of the markup or the CSS (the assertions only check that nothing scrolls sideways).
SCREENS = {
    "home": f"/?lang=ar&at={AFTERNOON}",
    "lieu": f"/lieux/club-55?lang=ar&at={AFTERNOON}",
    "agenda": f"/agenda?lang=ar&at={AFTERNOON}",
    "poster": f"/lieux/club-55/poster?lang=ar&week=2026-11-23&at={AFTERNOON}",
    "guide": "/guide?lang=ar",
    "report": "/lieux/club-55/report?lang=ar",
    "night": f"/?lang=ar&at={NIGHT}",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", SCREENS)
def test_arabic_screens_at_360px(browser, read_only_server, name, scheme):
    context, page = open_page(browser, read_only_server, SCREENS[name], width=360, scheme=scheme)
    shot(page, f"i18n/ar-360-{name}-{scheme}", full_page=True)
    assert not scrolls_sideways(page)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("widget", ["open-now", "agenda"])
def test_arabic_widgets_on_a_partner_page_at_360px(
    browser, read_only_server, host_site, widget, scheme
):
    code = snippet(read_only_server, "script", widget=widget, widget_lang="ar", at=AFTERNOON)
    context, page = open_partner(browser, partner_page(host_site, code), width=360, scheme=scheme)
    root = page.locator(f"section[id^=ldl-{widget}]")  # a script widget's id ends with its uid
    root.wait_for(timeout=TIMEOUT)
    expect(root).to_have_css("container-type", "inline-size", timeout=TIMEOUT)
    shot(page, f"i18n/ar-360-partner-{widget}-{scheme}", full_page=True)
    assert not scrolls_sideways(page)
    context.close()
