"""What a visitor of a partner site sees: layout, not only content, in Chromium.

Each embed variant (embed.js, the htmx markup, the iframe) is pasted into a page of another
origin at 320 px and 1280 px, light and dark. A lieu's name, state and address must sit on
separate lines, its state must not be tinted like its address, and at night the helplines must
show inside the recommended 420 px frame without scrolling. Screenshots of every variant go to
var/screenshots/ (git-ignored): look at them after changing the widget's markup or CSS.
"""

import html
import re

import httpx
import pytest
from playwright.sync_api import expect

from lieux.embed.snippets import IFRAME_HEIGHT
from tests.conftest import axe_violations
from tests.embed.conftest import watch
from tests.screenshots import shot

AFTERNOON = "2026-11-23T14:30:00+01:00"  # Monday: some demo lieux open, others closed
NIGHT = "2026-11-24T03:00:00+01:00"  # every demo lieu closed
WEDNESDAY_11 = "2026-11-25T11:00:00+01:00"
WIDTHS = (320, 1280)
THEMES = ("light", "dark")
VARIANTS = ("script", "htmx", "iframe")
TIMEOUT = 15_000
LIEUX_CHECKED = 4  # the first lieux of the list; the rest are built the same way


def snippet(server, name: str, **options) -> str:
    """The snippet the configurator prints for these options, ready to paste."""
    page = httpx.get(server.url + "/embed", params=options).text
    match = re.search(rf'<code id="snippet-{name}">(.*?)</code>', page, re.S)
    assert match, f"no snippet-{name} on /embed"
    return html.unescape(match.group(1))


def open_variant(browser, server, host_site, variant: str, *, width: int, **options):
    """A host page on another origin showing `variant`; returns (context, page, widget)."""
    head = ""
    if variant == "htmx":
        vendored = httpx.get(server.url + "/embed/static/htmx-2.0.11.min.js").content
        host_site.add("/htmx.min.js", vendored, "text/javascript")
        head = '<script src="/htmx.min.js"></script>'
    body = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Association</title>{head}</head><body><h1>Notre association</h1>"
        f"<main>{snippet(server, variant, **options)}</main></body></html>"
    )
    url = host_site.add("/", body)
    context = browser.new_context(locale="fr-BE", viewport={"width": width, "height": 900})
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator("section[id^=ldl-open-now]")
    widget.wait_for(timeout=TIMEOUT)
    # embed.js adds the stylesheet after the fragment may have arrived: wait for its rules.
    expect(widget).to_have_css("container-type", "inline-size", timeout=TIMEOUT)
    return context, page, widget, seen


def boxes(widget) -> list[dict]:
    """Position and colour of the name, state and address of the first lieux."""
    return widget.evaluate(
        """(root, count) => Array.from(root.querySelectorAll('.ldl-lieu')).slice(0, count)
            .map(li => Object.fromEntries(['name', 'state', 'address'].map(part => {
                const el = li.querySelector('.ldl-' + part);
                const r = el.getBoundingClientRect();
                return [part, {top: r.top, bottom: r.bottom, height: r.height,
                               color: getComputedStyle(el).color, text: el.textContent,
                               state: el.className}];
            })))""",
        LIEUX_CHECKED,
    )


def frame_or_widget(page, widget, variant: str):
    """What the visitor sees: the frame (its 420 px) for the iframe, else the widget."""
    return page.locator("iframe") if variant == "iframe" else widget


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_name_state_and_address_are_separate_lines(
    browser, demo_server, host_site, variant, width, theme
):
    context, page, widget, seen = open_variant(
        browser, demo_server, host_site, variant, width=width, at=AFTERNOON, show="all", theme=theme
    )
    shot(frame_or_widget(page, widget, variant), f"{variant}-{theme}-{width}")
    lieux = boxes(widget)
    assert len(lieux) == LIEUX_CHECKED
    for lieu in lieux:
        name, state, address = lieu["name"], lieu["state"], lieu["address"]
        assert min(name["height"], state["height"], address["height"]) > 0, lieu
        # One below the other (a pixel of rounding allowed), never side by side.
        assert name["bottom"] <= state["top"] + 1, lieu
        assert state["bottom"] <= address["top"] + 1, lieu
        assert state["color"] != address["color"], lieu
        assert state["color"] != name["color"], lieu
    colours = widget.evaluate(
        """root => Object.fromEntries(['open', 'closed'].map(s => [s,
            getComputedStyle(root.querySelector('.ldl-state-' + s)).color]))"""
    )
    assert colours["open"] != colours["closed"], colours
    assert not seen.console_errors and not seen.page_errors
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_compact_layout_keeps_name_and_state_readable(
    browser, demo_server, host_site, variant, width
):
    context, page, widget, _seen = open_variant(
        browser,
        demo_server,
        host_site,
        variant,
        width=width,
        at=AFTERNOON,
        show="all",
        layout="compact",
        theme="dark" if variant == "htmx" else "light",
    )
    shot(frame_or_widget(page, widget, variant), f"{variant}-compact-{width}")
    first = widget.locator(".ldl-lieu").first
    assert first.locator(".ldl-address").is_hidden()
    name = first.locator(".ldl-name").bounding_box()
    state = first.locator(".ldl-state").bounding_box()
    # Side by side or one under the other, never on top of each other.
    assert (
        name["x"] + name["width"] <= state["x"] + 1 or name["y"] + name["height"] <= state["y"] + 1
    )
    context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_at_night_the_helplines_show_in_a_420px_frame_without_scrolling(
    browser, demo_server, host_site, width, theme
):
    context, page, widget, _seen = open_variant(
        browser, demo_server, host_site, "iframe", width=width, at=NIGHT, show="all", theme=theme
    )
    shot(page.locator("iframe"), f"iframe-night-{theme}-{width}")
    where = widget.locator(".ldl-helplines").evaluate(
        "el => ({bottom: el.getBoundingClientRect().bottom, top: el.getBoundingClientRect().top,"
        " inner: window.innerHeight, scrolled: window.scrollY})"
    )
    assert where["inner"] == IFRAME_HEIGHT and where["scrolled"] == 0
    assert where["top"] > 0 and where["bottom"] <= where["inner"], where
    context.close()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    ("situation", "at", "lang", "expected"),
    [
        ("night", NIGHT, "fr", "Aucun lieu n'est ouvert en ce moment."),
        ("night", NIGHT, "nl", "Er is op dit moment geen enkele plek open."),
        ("night", NIGHT, "en", "No lieu is open right now."),
        ("unknown", WEDNESDAY_11, "fr", "Les horaires de ces lieux ne sont pas encore en ligne"),
        ("unknown", WEDNESDAY_11, "nl", "De openingsuren van deze plekken staan nog niet online"),
        ("unknown", WEDNESDAY_11, "en", "The hours of these lieux are not online yet"),
    ],
)
def test_nothing_open_and_hours_unknown_in_each_variant(
    browser, demo_server, real_server, host_site, variant, situation, at, lang, expected
):
    server = real_server if situation == "unknown" else demo_server
    context, page, widget, seen = open_variant(
        browser, server, host_site, variant, width=320, at=at, widget_lang=lang
    )
    if lang == "fr":
        shot(frame_or_widget(page, widget, variant), f"{variant}-{situation}-320")
    expect(widget.locator(".ldl-message")).to_contain_text(expected)
    helplines = widget.locator(".ldl-helplines")
    # The lines in the widget's language first: Tele-Onthaal in Dutch, Télé-Accueil in French.
    first_line = {"fr": "tel:107", "nl": "tel:106", "en": "tel:026484014"}[lang]
    expect(helplines.locator(".ldl-call").first).to_have_attribute("href", first_line)
    expect(helplines.locator(".ldl-call").first).to_be_visible()
    if situation == "unknown":
        # The lieux to call, each with its phone, before the helplines.
        lieux = widget.locator(".ldl-lieu")
        expect(lieux).to_have_count(11)
        assert lieux.locator(".ldl-tel").count() == 10  # Le Pianocktail has no phone
        assert lieux.first.bounding_box()["y"] < helplines.bounding_box()["y"]
        for lieu in boxes(widget):
            assert lieu["name"]["bottom"] <= lieu["state"]["top"] + 1 <= lieu["address"]["top"] + 2
            assert lieu["state"]["color"] != lieu["address"]["color"]
    else:
        assert widget.locator(".ldl-lieu").count() == 0  # show=open: nothing to list
    assert not seen.console_errors and not seen.page_errors
    context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("situation", ["night", "unknown"])
def test_nothing_open_and_hours_unknown_are_accessible(
    browser, demo_server, real_server, host_site, axe_source, situation, theme
):
    server, at = (real_server, WEDNESDAY_11) if situation == "unknown" else (demo_server, NIGHT)
    context, page, widget, _seen = open_variant(
        browser, server, host_site, "script", width=320, at=at, show="all", theme=theme
    )
    widget.locator(".ldl-others-title").click()  # the lines in other languages, unfolded
    expect(widget.locator(".ldl-others .ldl-call").first).to_be_visible()
    assert axe_violations(page, axe_source, "section[id^=ldl-open-now]", tags=None) == []
    context.close()
