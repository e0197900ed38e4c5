"""Our widget (the htmx snippet, and embed.js) on htmx sites that put hx-* attributes on an
ancestor of it.

htmx 2 lets an element inherit hx-headers, hx-vals, hx-target, hx-swap... from its ancestors. A
host page that sets a CSRF token with hx-headers on <body> (a common htmx pattern) made the CORS
preflight fail and the block stay empty; allowing the header would have sent the host's token to
us. Here each host page puts such attributes on <body> and on a wrapper; between the service and
the browser stands a recording proxy (a real server on 127.0.0.1) that keeps every request it
receives: the token must never reach it, and the block must fill and refresh.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from lieux.embed.snippets import DEFAULT_REFRESH_SECONDS, MIN_REFRESH_SECONDS
from tests.embed.conftest import watch, without_http_cache
from tests.embed.test_browser import TIMEOUT, assert_clean, snippet
from tests.screenshots import shot

SECRET = "host-secret-7f3a"
REFRESH = 2  # seconds between polls in these tests (the snippet says 60)
# Headers the proxy does not pass back: hop-by-hop, or undone by httpx (it decompresses).
HOP = {"connection", "transfer-encoding", "content-encoding", "content-length", "keep-alive"}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case


class RecordingProxy:
    """Forwards GET and OPTIONS to the service and keeps what each request carried."""

    def __init__(self, upstream: str):
        self.requests: list[Seen] = []
        proxy = self
        client = httpx.Client(base_url=upstream, timeout=10)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                proxy.requests.append(Seen(self.command, self.path, headers))
                sent = {k: v for k, v in headers.items() if k not in {"host", *HOP}}
                answer = client.request(self.command, self.path, headers=sent)
                self.send_response(answer.status_code)
                for name, value in answer.headers.multi_items():
                    if name.lower() not in HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = forward
            do_OPTIONS = forward

            def log_message(self, *args):
                pass

        self.client = client
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.client.close()


@pytest.fixture
def proxy(demo_server) -> Iterator[RecordingProxy]:
    recording = RecordingProxy(demo_server.url)
    yield recording
    recording.stop()


# What a host page puts around the snippet. Each case: the attributes of <body>, those of a
# wrapper <div> just around the snippet, and what else the page holds.
HOST_FORM = (
    f'<form id="host-form"><input type="hidden" name="csrfmiddlewaretoken" value="{SECRET}"></form>'
)
HOST_OUT = '<div id="host-out">the host\'s own block</div>'
# The Django/Rails way of sending a token with every htmx request, from a listener.
HOST_LISTENER = (
    "<script>document.body.addEventListener('htmx:configRequest', e => {"
    f"e.detail.headers['X-CSRFToken'] = '{SECRET}'; }});</script>"
)
# A stand-in for the include-vals extension (not vendored): it adds to every request it sees.
EXTENSION = (
    "<script>htmx.defineExtension('include-vals', {onEvent: (name, event) => {"
    f"if (name === 'htmx:configRequest') event.detail.parameters.csrf = '{SECRET}'; }}}});"
    "</script>"
)
CASES = {
    "hx-headers": (f'hx-headers=\'{{"X-CSRFToken": "{SECRET}"}}\'', "", HOST_LISTENER),
    "hx-vals-include": (
        f'hx-vals=\'{{"csrf": "{SECRET}"}}\' hx-include="#host-form"',
        'hx-params="*"',
        HOST_FORM,
    ),
    "hx-target-swap-select": (
        'hx-target="#host-out" hx-swap="outerHTML"',
        'hx-select="#nothing" hx-select-oob="#host-out"',
        HOST_OUT,
    ),
    "everything-else": (
        'hx-confirm="Sure?" hx-prompt="Your name?" hx-boost="true" hx-push-url="true"'
        ' hx-ext="include-vals"'
        ' hx-request=\'{"credentials": true, "timeout": 1}\'',
        'hx-replace-url="/replaced" hx-sync="body:drop" hx-disabled-elt="#host-button"'
        ' hx-indicator="#host-spinner"',
        '<button id="host-button">Send</button><span id="host-spinner">…</span>'
        # Whatever htmx does to the host's button and spinner during our polls, kept.
        "<script>window.touched = []; new MutationObserver(changes => changes.forEach("
        "c => touched.push(c.target.id + ' ' + c.attributeName))).observe(document.body,"
        " {attributes: true, subtree: true, attributeFilter: ['disabled', 'class']});</script>",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("variant", ["htmx", "script"])
def test_our_widget_ignores_what_the_host_set_on_its_ancestors(
    demo_server, proxy, host_site, browser, variant, case
):
    body_attrs, wrapper_attrs, extra = CASES[case]
    vendored = httpx.get(demo_server.url + "/embed/static/htmx-2.0.11.min.js").content
    host_site.add("/htmx.min.js", vendored, "text/javascript")
    if variant == "htmx":  # through the recording proxy: what the server received
        refresh, service = REFRESH, proxy.url
        code = snippet(demo_server, "htmx").replace(demo_server.url, proxy.url)
        code = code.replace(f"every {DEFAULT_REFRESH_SECONDS}s", f"every {REFRESH}s")
    else:  # embed.js calls the service's own address: what Chromium sent, as Playwright saw it
        refresh, service = MIN_REFRESH_SECONDS, demo_server.url
        code = snippet(demo_server, "script").replace(
            "<div data-lieux-widget", f'<div data-lieux-widget data-refresh="{refresh}"'
        )
    page_html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Association</title>'
        f'<script src="/htmx.min.js"></script>{EXTENSION}</head>'
        f"<body {body_attrs}><h1>Our association</h1>"
        f'{extra}<div class="host-wrapper" {wrapper_attrs}>{code}</div></body></html>'
    )
    url = host_site.add("/", page_html)
    # No context.route(): while it intercepts requests, Playwright answers Chromium's CORS
    # preflights itself, permissively (microsoft/playwright#3331), and the preflight is what
    # failed on the host pages. The host site answers the favicon request.
    context = browser.new_context(locale="fr-BE", viewport={"width": 360, "height": 800})
    page = context.new_page()
    seen = watch(page)
    sent: list[Seen] = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(demo_server.url + "/widget/")
            and sent.append(Seen(r.method, r.url[len(demo_server.url) :], dict(r.headers)))
        ),
    )
    without_http_cache(page)
    page.goto(url)

    widget = page.locator(".host-wrapper section[id^=ldl-open-now]")
    widget.get_by_text("Club 55").wait_for(timeout=TIMEOUT)
    # Refreshes: a later poll replaces the section (the mark set on this one disappears).
    widget.evaluate("section => { section.dataset.seen = 'before' }")
    page.wait_for_selector(
        ".host-wrapper section[id^=ldl-open-now]:not([data-seen])", timeout=(refresh + 8) * 1000
    )
    widget.get_by_text("Club 55").wait_for(timeout=TIMEOUT)
    shot(page, f"embed/host-attributes-{variant}-{case}-360", full_page=True)

    requests = proxy.requests if variant == "htmx" else sent
    polls = [r for r in requests if r.path.startswith("/widget/open-now") and r.method == "GET"]
    assert len(polls) >= 2, requests
    for request in requests:
        assert SECRET not in request.path, request
        assert SECRET not in " ".join(request.headers.values()), request
        assert "x-csrftoken" not in request.headers, request
        # The host page's address stays with the host (the browser's Referer gives its origin).
        assert "hx-current-url" not in request.headers, request
        assert "hx-request" not in request.headers, request
    # No header of ours or the host's: a plain GET, which needs no preflight (only the server
    # sees preflights: Playwright does not report them).
    assert [r for r in proxy.requests if r.method == "OPTIONS"] == []
    assert page.url == url  # no hx-push-url or hx-replace-url of the host applied to our polls
    if case == "hx-target-swap-select":
        assert page.locator("#host-out").inner_text() == "the host's own block"
    if case == "everything-else":
        touched = page.evaluate("touched.filter(t => t.startsWith('host-'))")
        assert touched == [], touched  # hx-disabled-elt and hx-indicator stayed the host's
        # The fragment's links stay plain links: the host's hx-boost does not reach them.
        boosted = widget.locator("a").evaluate_all(
            "links => links.filter(a => (a['htmx-internal-data'] || {}).boosted).length"
        )
        assert boosted == 0
    assert_clean(seen, context, {service, host_site.url})
    context.close()
