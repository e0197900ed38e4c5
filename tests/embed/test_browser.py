"""The three embed variants in Chromium, pasted into a page of another origin.

The service runs as a real `lieux serve` process; the host site is a tiny http.server on another
port. `at=` fixes the instant to a Monday afternoon when demo lieux are open.
"""

import html
import re

import httpx
import pytest

from tests.conftest import DEMO_TODAY, axe_violations
from tests.embed.conftest import execute, watch, without_http_cache

AT = f"{DEMO_TODAY.isoformat()}T14:30:00"
OPEN_AT_AT = ("Circuit", "Club 55", "La Trace")  # demo slots cover Monday 14:30
SHORT_REFRESH = 5  # seconds: the shortest embed.js and the iframe page accept
POISON = '<img src=x onerror=alert(1)> "><script>alert(2)</script>'
TIMEOUT = 15_000
STRICT_CSP = "default-src 'self'; script-src 'self'; frame-src {service}"


def snippet(live_server, name: str, **query) -> str:
    """A snippet as the configurator prints it, ready to paste."""
    page = httpx.get(live_server.url + "/embed", params={"at": AT, **query}).text
    match = re.search(rf'<code id="snippet-{name}">(.*?)</code>', page, re.S)
    assert match, f"no snippet-{name} on /embed"
    return html.unescape(match.group(1))


def host_page(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Association</title>'
        f"{head}</head><body><h1>Our association</h1><main>{body}</main></body></html>"
    )


def assert_clean(seen, context, allowed_origins):
    assert not seen.console_errors, seen.console_errors
    assert not seen.page_errors, seen.page_errors
    assert not seen.dialogs, seen.dialogs
    assert seen.origins <= set(allowed_origins), seen.origins
    assert context.cookies() == []


def new_context(browser, **options):
    # French, the service's first language; the browser's own favicon request is not our page's.
    context = browser.new_context(locale="fr-BE", **options)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context


@pytest.fixture
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


def test_script_variant_shows_open_lieux_and_refreshes(
    seeded_path, live_server, host_site, context
):
    code = snippet(live_server, "script").replace(
        "<div data-lieux-widget", f'<div data-lieux-widget data-refresh="{SHORT_REFRESH}"'
    )
    url = host_site.add("/", host_page(code))
    page = context.new_page()
    seen = watch(page)
    without_http_cache(page)
    page.goto(url)
    widget = page.locator("[data-lieux-widget] section[id^=ldl-open-now]")
    for name in OPEN_AT_AT:
        widget.get_by_text(name, exact=False).first.wait_for(timeout=TIMEOUT)
    # The page had no htmx: embed.js loaded the service's copy, checked by SRI.
    assert any(u.endswith("/embed/static/htmx-2.0.11.min.js") for u in seen.urls)
    assert page.evaluate("htmx.config.selfRequestsOnly") is False

    execute(seeded_path, "UPDATE lieux SET name = 'Circuit renommé' WHERE slug = 'circuit'")
    widget.get_by_text("Circuit renommé").wait_for(timeout=(SHORT_REFRESH + 5) * 1000)

    # Visible again after being hidden: one more request at once, not after the interval.
    before = sum("/widget/open-now" in u for u in seen.urls)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function(
        "n => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/widget/open-now')).length > n",
        arg=before,
        timeout=3000,
    )
    assert_clean(seen, context, {live_server.url, host_site.url})


def test_htmx_variant_on_a_site_with_its_own_htmx(seeded_path, live_server, host_site, context):
    vendored = httpx.get(live_server.url + "/embed/static/htmx-2.0.11.min.js").content
    host_site.add("/htmx.min.js", vendored, "text/javascript")
    host_site.add("/hello", "<p id='hello'>bonjour</p>")
    code = snippet(live_server, "htmx").replace("every 60s", "every 2s")
    body = (
        '<button hx-get="/hello" hx-target="#out">Hello</button><div id="out"></div>'
        f"<aside>{code}</aside>"
    )
    url = host_site.add("/", host_page(body, '<script src="/htmx.min.js"></script>'))
    page = context.new_page()
    seen = watch(page)
    without_http_cache(page)
    page.goto(url)
    widget = page.locator("aside section[id^=ldl-open-now]")
    widget.get_by_text("Club 55").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Hello").click()
    page.locator("#out #hello").wait_for(timeout=TIMEOUT)

    execute(seeded_path, "UPDATE lieux SET name = 'Club 55 bis' WHERE slug = 'club-55'")
    widget.get_by_text("Club 55 bis").wait_for(timeout=8000)
    assert_clean(seen, context, {live_server.url, host_site.url})


def test_script_variant_beside_a_host_htmx(demo_server, host_site, context):
    """embed.js uses the page's htmx, allows our origin only, and the page's own hx-get works."""
    vendored = httpx.get(demo_server.url + "/embed/static/htmx-2.0.11.min.js").content
    host_site.add("/htmx.min.js", vendored, "text/javascript")
    host_site.add("/hello", "<p id='hello'>bonjour</p>")
    elsewhere = "http://127.0.0.1:9/steal"  # a third origin: must stay refused
    body = (
        '<button hx-get="/hello" hx-target="#out">Hello</button><div id="out"></div>'
        f'<button hx-get="{elsewhere}" hx-target="#out">Elsewhere</button>'
        + snippet(demo_server, "script")
    )
    url = host_site.add("/", host_page(body, '<script src="/htmx.min.js"></script>'))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.locator("[data-lieux-widget] section[id^=ldl-open-now]").get_by_text("Club 55").wait_for(
        timeout=TIMEOUT
    )
    assert not any("/embed/static/htmx" in u for u in seen.urls), "loaded a second htmx"
    page.get_by_role("button", name="Hello").click()
    page.locator("#out #hello").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Elsewhere").click()
    page.wait_for_timeout(500)
    assert not any(u.startswith(elsewhere) for u in seen.urls)
    # htmx logs the refused URL as an error: that one is the guard working, not a fault.
    seen.console_errors = [e for e in seen.console_errors if "htmx:invalidPath" not in e]
    assert_clean(seen, context, {demo_server.url, host_site.url})


def test_iframe_variant_under_a_strict_csp(seeded_path, live_server, host_site, context):
    code = snippet(live_server, "iframe").replace(
        "/embed/open-now?", f"/embed/open-now?refresh={SHORT_REFRESH}&"
    )
    url = host_site.add(
        "/",
        host_page(code),
        **{"Content-Security-Policy": STRICT_CSP.format(service=live_server.url)},
    )
    page = context.new_page()
    seen = watch(page)
    without_http_cache(page)
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.locator("section[id^=ldl-open-now]").get_by_text("Club 55").wait_for(timeout=TIMEOUT)
    execute(seeded_path, "UPDATE lieux SET name = 'La Trace (neuf)' WHERE slug = 'la-trace'")
    frame.get_by_text("La Trace (neuf)").wait_for(timeout=(SHORT_REFRESH + 5) * 1000)
    assert_clean(seen, context, {live_server.url, host_site.url})


def test_iframe_resizes_itself_when_embed_js_is_there(demo_server, host_site, context):
    code = snippet(demo_server, "iframe", layout="compact", limit="3")
    loader = f'<script src="{demo_server.url}/embed.js" async></script>'
    url = host_site.add("/", host_page(code + loader))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.frame_locator("iframe").locator("#ldl-open-now").wait_for(timeout=TIMEOUT)
    page.wait_for_function("document.querySelector('iframe').style.height !== ''", timeout=TIMEOUT)
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    inner = page.frame_locator("iframe").locator("#ldl-frame").bounding_box()
    assert abs(height - inner["height"]) <= 8, (height, inner)
    assert_clean(seen, context, {demo_server.url, host_site.url})


@pytest.mark.parametrize("variant", ["script", "htmx", "iframe"])
def test_hostile_text_stays_text(seeded_path, live_server, host_site, context, variant):
    execute(
        seeded_path,
        "UPDATE lieux SET name = ?, website = 'javascript:alert(3)' WHERE slug = 'club-55'",
        (POISON,),
    )
    execute(
        seeded_path,
        "UPDATE activities SET title = ?, title_nl = ?, title_en = ?",
        (POISON + " javascript:alert(4)",) * 3,
    )
    head = ""
    if variant == "htmx":
        vendored = httpx.get(live_server.url + "/embed/static/htmx-2.0.11.min.js").content
        host_site.add("/htmx.min.js", vendored, "text/javascript")
        head = '<script src="/htmx.min.js"></script>'
    url = host_site.add("/", host_page(snippet(live_server, variant, show="all"), head))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator("section[id^=ldl-open-now]")
    widget.get_by_text(POISON, exact=False).first.wait_for(timeout=TIMEOUT)
    assert widget.locator("img, script").count() == 0
    assert widget.locator("a[href^='javascript:' i]").count() == 0
    page.wait_for_timeout(300)
    assert_clean(seen, context, {live_server.url, host_site.url})


def test_fragment_in_a_host_page_is_accessible(demo_server, host_site, context, axe_source):
    for theme in ("light", "dark"):
        for layout in ("list", "compact"):
            code = snippet(demo_server, "script", theme=theme, layout=layout, show="all")
            url = host_site.add("/", host_page(code))
            page = context.new_page()
            page.goto(url)
            page.locator("section[id^=ldl-open-now]").wait_for(timeout=TIMEOUT)
            assert axe_violations(page, axe_source, "section[id^=ldl-open-now]", tags=None) == [], (
                theme,
                layout,
            )
            page.close()


@pytest.mark.parametrize("query", ["", "?layout=compact&theme=dark&lang=nl&show=all"])
def test_configurator_is_accessible(demo_server, context, axe_source, query):
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{demo_server.url}/embed{query}")
    assert axe_violations(page, axe_source, tags=None) == []
    assert_clean(seen, context, {demo_server.url})


def test_configurator_preview_follows_the_form_with_javascript(demo_server, context):
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{demo_server.url}/embed?at={AT}")
    page.locator(".copy").first.wait_for(state="visible", timeout=TIMEOUT)
    page.get_by_label("compacte").check()
    page.locator("#embed-preview #ldl-open-now.ldl-layout-compact").wait_for(timeout=TIMEOUT)
    assert 'data-layout="compact"' in page.locator("#snippet-script").text_content()
    assert "layout=compact" in page.url
    assert_clean(seen, context, {demo_server.url})


def test_configurator_preview_works_without_javascript(demo_server, browser):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed?at={AT}")
    page.get_by_label("sombres").check()
    page.get_by_role("button", name="Mettre à jour").click()
    page.locator("#embed-preview #ldl-open-now.ldl-theme-dark").wait_for(timeout=TIMEOUT)
    assert 'data-theme="dark"' in page.locator("#snippet-script").text_content()
    context.close()


def test_iframe_page_is_accessible(demo_server, browser, axe_source):
    # The page's own CSP refuses inline scripts, axe-core included: bypass it for the audit only.
    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed/open-now?at={AT}&show=all")
    page.locator("section[id^=ldl-open-now]").wait_for(timeout=TIMEOUT)
    assert axe_violations(page, axe_source, tags=None) == []
    context.close()
