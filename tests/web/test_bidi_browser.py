"""Latin text on Arabic pages, in Chromium: each helpline's name stays beside its number (footer
of every page, the poster), and a lieu's untranslated French text reads from its own left edge
(lieu page, guide), at 320 and 1280 px; in the other languages, the footer's name and number on
one line at 320 px.

Screenshots go to var/screenshots/bidi/ (with LIEUX_SCREENSHOTS=1).
"""

import pytest

from tests.i18n.rtl import SLACK
from tests.screenshots import shot

WIDTHS = (320, 1280)
AFTERNOON = "2026-11-23T14:30:00+01:00"

# Where a helpline's name and its number are drawn: the boxes of the name's own text (the text
# nodes of `unit` outside its number) and of the number, per line box, and the unit's bidi style.
NAME_AND_NUMBER = """unit => {
    const number = unit.querySelector('.number, span[dir=ltr]');
    const boxes = node => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return [...range.getClientRects()].filter(r => r.width > 0).map(r => r.toJSON());
    };
    const name = [...unit.childNodes]
        .filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
        .flatMap(boxes);
    const style = getComputedStyle(unit);
    return {
        name, number: boxes(number), text: unit.textContent.trim(),
        direction: style.direction, unicodeBidi: style.unicodeBidi,
    };
}"""


def open_page(browser, url: str, width: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    return context, page


def together(unit: dict, *, number_first: bool) -> bool:
    """The number and the nearest line box of the name sit on one line, side by side in the
    order they are written (left to right), a space apart."""
    if not unit["name"] or len(unit["number"]) != 1:
        return False
    number = unit["number"][0]
    name = unit["name"][0] if number_first else unit["name"][-1]
    gap = name["left"] - number["right"] if number_first else number["left"] - name["right"]
    return abs(name["top"] - number["top"]) <= SLACK + 4 and 0 <= gap <= 12


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", "/lieux/babel-zin", "/agenda"])
def test_footer_helplines_keep_name_and_number_together_in_arabic(
    browser, read_only_server, path, width
):
    context, page = open_page(browser, f"{read_only_server.url}{path}?lang=ar", width)
    footer = page.locator("footer.site")
    footer.scroll_into_view_if_needed()
    shot(footer, f"bidi/footer{path.replace('/', '-')}-ar-{width}")
    units = footer.locator("a[href^='tel:']")
    assert units.count() == 2
    for unit in units.all():
        seen = unit.evaluate(NAME_AND_NUMBER)
        # One left-to-right isolate: the Arabic sentence around it cannot reorder its pieces.
        assert seen["direction"] == "ltr" and seen["unicodeBidi"] == "isolate", seen
        assert together(seen, number_first=False), seen
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en", "es", "pt", "ro", "tr", "uk"])
def test_footer_helplines_keep_name_and_number_on_one_line(browser, read_only_server, lang):
    """Left to right too, on the narrowest phone: "Télé-" never ends a line before "Accueil"."""
    context, page = open_page(browser, f"{read_only_server.url}/?lang={lang}", 320)
    units = page.locator("footer.site a[href^='tel:']")
    assert units.count() == 2
    for unit in units.all():
        # The tops of the line boxes its text is drawn in: one line, one top.
        tops = unit.evaluate(
            """a => {
                const range = document.createRange();
                range.selectNodeContents(a);
                return [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
            }"""
        )
        assert tops and max(tops) - min(tops) <= SLACK, (unit.inner_text(), tops)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_poster_helplines_keep_name_and_number_together_in_arabic(browser, read_only_server, width):
    url = f"{read_only_server.url}/lieux/babel-zin/poster?lang=ar&at={AFTERNOON}"
    context, page = open_page(browser, url.replace("+", "%2B"), width)
    lines = page.locator("footer.helplines li")
    assert lines.count() >= 6
    shot(page.locator("footer.helplines"), f"bidi/poster-helplines-ar-{width}")
    for line in lines.all():
        unit = line.locator(".line")
        seen = unit.evaluate(NAME_AND_NUMBER)
        assert seen["direction"] == "ltr" and seen["unicodeBidi"] == "isolate", seen
        assert together(seen, number_first=True), seen
    # "0800 32 123 Centre de prévention du suicide" among them, whole.
    assert any("Centre de prévention du suicide" in text for text in lines.all_inner_texts())
    context.close()


# The left edge of a paragraph's content and where the last line of its own text starts.
LAST_LINE = """el => {
    const text = [...el.childNodes]
        .find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const range = document.createRange();
    range.selectNodeContents(text);
    const lines = [...range.getClientRects()].filter(r => r.width > 0);
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const px = name => parseFloat(style[name]) || 0;
    return {
        lines: lines.length, lastLeft: lines[lines.length - 1].left,
        left: box.left + px('borderLeftWidth') + px('paddingLeft'),
        direction: style.direction,
    };
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("path", "selector"),
    [("/lieux/babel-zin", "p.lead"), ("/guide", "section.lieu p[lang=fr]")],
    ids=["lieu", "guide"],
)
def test_french_text_on_an_arabic_page_reads_from_the_left(
    browser, read_only_server, path, selector, width
):
    context, page = open_page(browser, f"{read_only_server.url}{path}?lang=ar", width)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    text = page.locator(selector).first
    shot(text, f"bidi/french{path.replace('/', '-')}-ar-{width}")
    assert text.get_attribute("lang") == "fr"
    seen = text.evaluate(LAST_LINE)
    assert seen["direction"] == "ltr", seen
    # Its last line (shorter than the box, at 320 px and at 1280) starts at the left edge, as
    # French is read, not ragged on the left and pushed to the right.
    assert abs(seen["lastLeft"] - seen["left"]) <= SLACK, seen
    context.close()
