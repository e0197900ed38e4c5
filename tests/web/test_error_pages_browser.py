"""Error pages in Chromium: a very long value typed into an address wraps (the page stays as wide
as a phone), the sentence reads right to left in Arabic, and the report form's e-mail or phone
field runs left to right there. Screenshots: var/screenshots/errors/ (LIEUX_SCREENSHOTS=1).
"""

import pytest

from tests.people import LIEU_B
from tests.screenshots import shot

LONG = "x" * 3000  # the walk-through's: a 404 page 26,786 px wide at 320 px


def open_page(browser, url: str, *, width: int, scheme: str = "light"):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="fr-BE", color_scheme=scheme
    )
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (320, "dark"), (1280, "light")])
def test_a_very_long_value_leaves_the_page_as_wide_as_the_screen(
    live_server, browser, lang, width, scheme
):
    context, page = open_page(
        browser, f"{live_server.url}/agenda?lang={lang}&lieu={LONG}", width=width, scheme=scheme
    )
    try:
        shot(page, f"errors/long-value-{lang}-{width}-{scheme}", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        detail = page.locator(".error-detail")
        box = detail.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert detail.evaluate("e => getComputedStyle(e).direction") == (
            "rtl" if lang == "ar" else "ltr"
        )
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("width", [320, 1280])
def test_a_refused_week_reads_in_the_page_language(live_server, browser, lang, width):
    context, page = open_page(
        browser, f"{live_server.url}/agenda?week=2026-99-99&lang={lang}", width=width
    )
    try:
        shot(page, f"errors/bad-week-{lang}-{width}", full_page=True)
        text = page.locator(".error-detail").inner_text()
        assert text.startswith({"fr": "Semaine invalide", "ar": "أسبوع غير صالح"}[lang])
        assert "expected" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_report_contact_field_runs_left_to_right(live_server, browser, lang):
    context, page = open_page(
        browser, f"{live_server.url}/lieux/{LIEU_B}/report?lang={lang}", width=320
    )
    try:
        contact = page.locator("#contact")
        contact.fill("0470 12 34 56")
        shot(page, f"errors/report-contact-{lang}-320", full_page=True)
        assert contact.evaluate("e => getComputedStyle(e).direction") == "ltr"
        # the page around it keeps its own direction
        page_dir = page.evaluate("getComputedStyle(document.body).direction")
        assert page_dir == ("rtl" if lang == "ar" else "ltr")
        assert contact.evaluate("e => getComputedStyle(e).textAlign") in ("start", "left")
    finally:
        context.close()
