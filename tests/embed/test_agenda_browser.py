"""The agenda embed and the two custom elements in Chromium, on a page of another origin.

The service runs as a real `lieux serve` process; the host site is a tiny http.server on another
port (tests/embed/conftest.py). `at=` fixes the instant to the demo Monday afternoon.
"""

import html
import re

import httpx
import pytest

from tests.conftest import DEMO_TODAY, axe_violations
from tests.embed.conftest import execute, watch

AT = f"{DEMO_TODAY.isoformat()}T14:30:00"
POISON = '<img src=x onerror=alert(1)> "><script>alert(2)</script>'
TIMEOUT = 15_000
# A host that runs no inline script or style and talks to nobody but itself and the service.
SCRIPT_CSP = (
    "default-src 'self'; script-src 'self' {service}; style-src 'self' {service}; "
    "connect-src 'self' {service}; img-src 'self'; frame-src {service}"
)
FRAME_CSP = "default-src 'self'; script-src 'self'; frame-src {service}"


def agenda_snippet(live_server, name: str, **query) -> str:
    """An agenda snippet as the configurator prints it, ready to paste."""
    page = httpx.get(
        live_server.url + "/embed", params={"widget": "agenda", "at": AT, **query}
    ).text
    match = re.search(rf'<code id="snippet-{name}">(.*?)</code>', page, re.S)
    assert match, f"no snippet-{name} on /embed?widget=agenda"
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


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="fr-BE")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    yield context
    context.close()


def csp(live_server, policy=SCRIPT_CSP) -> dict[str, str]:
    return {"Content-Security-Policy": policy.format(service=live_server.url)}


def test_script_variant_shows_the_lieu_week_under_a_strict_csp(demo_server, host_site, context):
    code = agenda_snippet(demo_server, "script", lieu="babel-zin")
    assert code.startswith('<div data-lieux-widget="agenda" data-lieu="babel-zin"')
    url = host_site.add("/", host_page(code), **csp(demo_server))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    widget = page.locator("[data-lieux-widget] section[id^=ldl-agenda]")
    widget.locator(".ldl-day").first.wait_for(timeout=TIMEOUT)
    assert widget.locator(".ldl-day").first.text_content() == "Mardi 24 novembre"
    lieux = set(widget.locator(".ldl-lieu-link").all_text_contents())
    assert lieux == {"Babel'Zin"}
    # styled by our two stylesheets: the time column is bold, the day underlined in the accent
    assert (
        widget.locator(".ldl-when").first.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    )
    assert any("/embed/static/agenda.css?v=" in u for u in seen.urls)
    assert_clean(seen, context, {demo_server.url, host_site.url})


def test_both_custom_elements_under_a_strict_csp(demo_server, host_site, context):
    element = agenda_snippet(demo_server, "element", lieu="circuit", layout="compact")
    assert element.startswith('<lieux-agenda lieu="circuit"')
    open_now = f'<lieux-open-now at="{AT}" show="all" layout="compact"></lieux-open-now>'
    url = host_site.add(
        "/",
        host_page(f"<aside>{open_now}</aside><section>{element}</section>"),
        **csp(demo_server),
    )
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.locator(
        "lieux-agenda section[id^=ldl-agenda].ldl-layout-compact .ldl-event"
    ).first.wait_for(timeout=TIMEOUT)
    page.locator("lieux-open-now section[id^=ldl-open-now]").get_by_text("Club 55").wait_for(
        timeout=TIMEOUT
    )
    assert set(page.locator("lieux-agenda .ldl-lieu-link").all_text_contents()) == {"Circuit"}
    assert page.evaluate("getComputedStyle(document.querySelector('lieux-agenda')).display") == (
        "block"
    )
    assert_clean(seen, context, {demo_server.url, host_site.url})


def test_widgets_added_after_load_are_shown(demo_server, host_site, context):
    loader = f'<script src="{demo_server.url}/embed.js" async></script>'
    # The host's own script (a tab, a modal, a page builder) adds the widgets a moment later.
    host_site.add(
        "/later.js",
        f"""setTimeout(function () {{
          document.getElementById("tab").innerHTML =
            '<div data-lieux-widget="agenda" data-lieu="espace-51" data-at="{AT}"></div>';
          var el = document.createElement("lieux-agenda");
          el.setAttribute("lieu", "la-trace");
          el.setAttribute("at", "{AT}");
          document.getElementById("modal").appendChild(el);
          var now = document.createElement("div");
          now.setAttribute("data-lieux-widget", "");
          now.setAttribute("data-at", "{AT}");
          document.getElementById("modal").appendChild(now);
        }}, 400);""",
        "text/javascript",
    )
    body = '<div id="tab"></div><div id="modal"></div>' + loader
    url = host_site.add(
        "/", host_page(body, '<script src="/later.js" defer></script>'), **csp(demo_server)
    )
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    tab = page.locator("#tab [data-lieux-widget] section[id^=ldl-agenda] .ldl-lieu-link").first
    tab.wait_for(timeout=TIMEOUT)
    assert tab.text_content() == "Espace 51"
    modal = page.locator("#modal lieux-agenda section[id^=ldl-agenda] .ldl-lieu-link").first
    modal.wait_for(timeout=TIMEOUT)
    assert modal.text_content() == "La Trace"
    page.locator("#modal [data-lieux-widget] section[id^=ldl-open-now]").wait_for(timeout=TIMEOUT)
    # one htmx, one stylesheet of each
    assert page.locator("link[data-lieux-agenda-css]").count() == 1
    assert sum(u.endswith("/embed/static/htmx-2.0.11.min.js") for u in seen.urls) == 1
    assert_clean(seen, context, {demo_server.url, host_site.url})


def test_iframe_variant_under_a_strict_csp_resizes_with_embed_js(demo_server, host_site, context):
    code = agenda_snippet(demo_server, "iframe", lieu="babel-zin", days="7")
    assert "/embed/agenda?" in code and 'height="520"' in code
    loader = f'<script src="{demo_server.url}/embed.js" async></script>'
    url = host_site.add("/", host_page(code + loader), **csp(demo_server))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.locator("section[id^=ldl-agenda] .ldl-day").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function("document.querySelector('iframe').style.height !== ''", timeout=TIMEOUT)
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    inner = frame.locator("#ldl-frame").bounding_box()
    assert abs(height - inner["height"]) <= 8, (height, inner)
    # links open outside the frame
    assert frame.locator("a.ldl-event-title").first.evaluate("a => a.target || a.baseURI") != ""
    assert_clean(seen, context, {demo_server.url, host_site.url})


def test_iframe_alone_under_a_frame_only_csp(demo_server, host_site, context):
    code = agenda_snippet(demo_server, "iframe", lieu="circuit")
    url = host_site.add("/", host_page(code), **csp(demo_server, FRAME_CSP))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    page.frame_locator("iframe").locator("#ldl-agenda .ldl-event").first.wait_for(timeout=TIMEOUT)
    assert_clean(seen, context, {demo_server.url, host_site.url})


@pytest.mark.parametrize("variant", ["script", "element", "iframe"])
def test_hostile_titles_stay_text(seeded_path, live_server, host_site, context, variant):
    execute(
        seeded_path,
        "UPDATE activities SET title = ?, title_nl = ?, title_en = ?",
        (POISON + " javascript:alert(4)",) * 3,
    )
    execute(seeded_path, "UPDATE lieux SET name = ? WHERE slug = 'babel-zin'", (POISON,))
    code = agenda_snippet(live_server, variant, lieu="babel-zin")
    url = host_site.add("/", host_page(code), **csp(live_server))
    page = context.new_page()
    seen = watch(page)
    page.goto(url)
    root = page.frame_locator("iframe") if variant == "iframe" else page
    widget = root.locator("section[id^=ldl-agenda]")
    widget.get_by_text(POISON, exact=False).first.wait_for(timeout=TIMEOUT)
    assert widget.locator("img, script").count() == 0
    assert widget.locator("a[href^='javascript:' i]").count() == 0
    page.wait_for_timeout(300)
    assert_clean(seen, context, {live_server.url, host_site.url})


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_agenda_fragment_and_iframe_page_are_accessible(
    demo_server, host_site, browser, axe_source, lang
):
    context = browser.new_context(locale="fr-BE", bypass_csp=True)
    for theme in ("light", "dark"):
        for layout in ("list", "compact"):
            code = (
                f'<lieux-agenda at="{AT}" lang="{lang}" theme="{theme}" layout="{layout}" '
                f'days="30"></lieux-agenda><script src="{demo_server.url}/embed.js" async></script>'
            )
            page = context.new_page()
            page.goto(host_site.add("/", host_page(code)))
            page.locator("section[id^=ldl-agenda] .ldl-event").first.wait_for(timeout=TIMEOUT)
            assert axe_violations(page, axe_source, "section[id^=ldl-agenda]", tags=None) == [], (
                lang,
                theme,
                layout,
            )
            page.close()
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed/agenda?at={AT}&lang={lang}&days=30")
    page.locator("section[id^=ldl-agenda] .ldl-event").first.wait_for(timeout=TIMEOUT)
    assert axe_violations(page, axe_source, tags=None) == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_agenda_configurator_is_accessible_and_follows_the_form(
    demo_server, browser, axe_source, lang
):
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{demo_server.url}/embed?widget=agenda&at={AT}&lang={lang}")
    assert axe_violations(page, axe_source, tags=None) == []
    page.locator("#embed-preview #ldl-agenda").wait_for(timeout=TIMEOUT)
    page.locator("input[name=lieu][value=circuit]").check()
    page.locator("#embed-preview #ldl-agenda .ldl-title-names").wait_for(timeout=TIMEOUT)
    assert 'data-lieu="circuit"' in page.locator("#snippet-script").text_content()
    assert 'lieu="circuit"' in page.locator("#snippet-element").text_content()
    assert "lieu=circuit" in page.url
    assert not seen.console_errors and not seen.page_errors
    context.close()


def test_agenda_configurator_works_without_javascript(demo_server, browser):
    context = browser.new_context(locale="fr-BE", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_server.url}/embed?at={AT}")
    page.get_by_role("link", name="Agenda des activités").click()
    page.get_by_label("compacte").check()
    page.get_by_role("button", name="Mettre à jour").click()
    page.locator("#embed-preview #ldl-agenda.ldl-layout-compact").wait_for(timeout=TIMEOUT)
    assert 'data-layout="compact"' in page.locator("#snippet-script").text_content()
    context.close()
