"""The poster in Chromium: a 320 px phone and a desktop screen (light and dark), printed on A4,
its QR codes decoded from the rendered page, axe-core in every language."""

import io

import pytest
import zxingcpp
from PIL import Image

from tests.conftest import axe_violations
from tests.poster.conftest import BUSY
from tests.screenshots import shot

WEEK = "2026-11-23"  # the live server runs on the machine's clock: always name the week
# A4 at the CSS 96 px per inch, less the 12 mm margins of @page.
A4_CONTENT = (round((210 - 24) / 25.4 * 96), round((297 - 24) / 25.4 * 96))


def open_page(browser, url, *, width, height=900, scheme="light", scale=1):
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        device_scale_factor=scale,
        locale="fr-BE",
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return context, page, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_screen_layouts(busy_server, browser, width, scheme):
    url = f"{busy_server.url}/lieux/{BUSY}/poster?week={WEEK}"
    context, page, errors = open_page(browser, url, width=width, scheme=scheme)
    shot(page, f"poster/poster-{width}-{scheme}", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_role("button", name="Imprimer cette affiche").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Babel'Zin"
    assert errors == []
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize(
    ("slug", "week", "lang"),
    [(BUSY, WEEK, "fr"), ("club-55", "2026-12-24", "nl"), ("le-pianocktail", "2027-03-25", "en")],
)
def test_printed_it_fits_one_a4_page_with_only_the_poster(busy_server, browser, slug, week, lang):
    url = f"{busy_server.url}/lieux/{slug}/poster?week={week}&lang={lang}"
    context, page, _errors = open_page(browser, url, width=A4_CONTENT[0], height=A4_CONTENT[1])
    page.emulate_media(media="print")
    shot(page, f"poster/poster-print-a4-{slug}-{lang}", full_page=True)
    assert page.evaluate("document.documentElement.scrollHeight") <= A4_CONTENT[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT[0]
    assert not page.locator("nav.screen-only").is_visible()
    # Black on white, whatever the screen's scheme.
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    context.close()


@pytest.mark.parametrize(("lang", "query"), [("fr", ""), ("nl", "?lang=nl")])
def test_the_qr_codes_decode_to_the_printed_urls(busy_server, browser, lang, query):
    url = f"{busy_server.url}/lieux/{BUSY}/poster?week={WEEK}&lang={lang}"
    context, page, _errors = open_page(browser, url, width=A4_CONTENT[0], scale=2)
    page.emulate_media(media="print")
    found = []
    for figure in page.locator(".links figure").all():
        image = Image.open(io.BytesIO(figure.locator("svg").screenshot()))
        [code] = zxingcpp.read_barcodes(image)
        found.append((code.text, figure.locator(".url").inner_text()))
    context.close()
    # The calendar's code opens the lieu page's subscribe box, in the poster's language, as
    # the box's own code does: a camera opening the .ics would import it once or download it.
    assert found == [
        (f"{busy_server.url}/lieux/{BUSY}",) * 2,
        (f"{busy_server.url}/lieux/{BUSY}{query}#subscribe",) * 2,
        (f"{busy_server.url}/lieux/{BUSY}/report",) * 2,
    ]


@pytest.mark.parametrize(("lang", "button"), [("fr", "Ajouter à mon calendrier"), ("nl", None)])
def test_the_calendar_code_opens_the_subscribe_box_on_a_phone(busy_server, browser, lang, button):
    """What the phone's camera opens: the subscribe box on the first screen, its button to the
    webcal feed in the poster's language."""
    suffix = "" if lang == "fr" else f"?lang={lang}"
    url = f"{busy_server.url}/lieux/{BUSY}{suffix}#subscribe"
    context, page, errors = open_page(browser, url, width=360, height=740)
    shot(page, f"poster/poster-qr-opens-subscribe-{lang}-360")
    title = page.locator("#subscribe-title").bounding_box()
    assert 0 <= title["y"] < 740
    webcal = page.locator("#subscribe a.button").first
    assert webcal.get_attribute("href") == (
        f"webcal://{busy_server.url.split('://')[1]}/ical/lieux/{BUSY}.ics{suffix}"
    )
    if button:
        assert webcal.inner_text() == button
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_no_serious_accessibility_violation(busy_server, browser, axe_source, lang):
    url = f"{busy_server.url}/lieux/{BUSY}/poster?week={WEEK}&lang={lang}"
    for scheme in ("light", "dark"):
        context, page, _errors = open_page(browser, url, width=1280, scheme=scheme)
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page, axe_source) == [], scheme
        context.close()


def test_keyboard_reaches_the_week_links_and_the_print_button(busy_server, browser):
    url = f"{busy_server.url}/lieux/{BUSY}/poster?week={WEEK}"
    context, page, _errors = open_page(browser, url, width=1280)
    reached = []
    # The language links come between the week links and the print button (nine languages).
    for _ in range(16):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Semaine suivante" in reached and "Imprimer cette affiche" in reached
    page.get_by_role("link", name="Semaine suivante").click()
    assert "Semaine du 30 novembre au 6 décembre 2026" in page.content()
    context.close()
