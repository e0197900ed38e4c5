"""The public pages in a real browser: axe-core, a 320 px screen, keyboard only, no JavaScript.
Every test only reads: they share one server (`read_only_server`)."""

import pytest

from tests.conftest import axe_violations

PAGES = ["/", "/lieux", "/lieux/l-entr-act", "/agenda", "/guide", "/embed", "/lieux/nulle-part"]
# An instant when some demo lieux are open and others closed, near conftest.DEMO_TODAY.
AT = "2026-11-25T14:30:00+01:00"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(read_only_server, page, axe_source, path, lang):
    page.goto(f"{read_only_server.url}{path}?lang={lang}&at={AT}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page, axe_source) == []


@pytest.mark.parametrize("path", PAGES)
def test_readable_on_a_320px_screen_without_horizontal_scroll(read_only_server, browser, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{read_only_server.url}{path}?at={AT}")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 320


def test_zoom_200_percent_keeps_everything_on_screen(read_only_server, browser):
    # 200 % zoom of a 1280 px window is a 640 px layout viewport with doubled pixels.
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{read_only_server.url}/lieux/club-55")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    context.close()


def test_keyboard_only_from_home_to_a_subscribe_button(read_only_server, page):
    page.goto(read_only_server.url + "/")

    def tab_to(predicate_js: str, limit: int = 80) -> str:
        for _ in range(limit):
            page.keyboard.press("Tab")
            found = page.evaluate(
                f"(() => {{ const e = document.activeElement; return ({predicate_js}) ? "
                "(e.textContent || e.value || '').trim() : null; })()"
            )
            if found is not None:
                return found
        raise AssertionError(f"never reached by Tab: {predicate_js}")

    # The skip link comes first, and it is visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator("a.skip").is_visible()
    tab_to("e.getAttribute('href') === '/lieux'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lieux")
    tab_to("e.getAttribute('href') === '/lieux/l-entr-act'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lieux/l-entr-act")
    label = tab_to("e.href && e.href.startsWith('webcal://')")
    assert label  # a named control, not an empty link
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible


def test_pages_work_without_javascript(read_only_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(read_only_server.url + "/lieux")
    page.click("form.filters summary")  # the filters are folded
    page.fill("#q", "tricot")
    page.click("button[type=submit]")
    # Without JavaScript the form loads a new page: read the results once it is there (a fast
    # browser read the page before, with no result yet).
    page.wait_for_url("**/lieux?*q=tricot*")
    assert page.locator("main h3").all_inner_texts() == ["Circuit"]
    context.close()
