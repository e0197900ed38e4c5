"""The hot path pays only for what it uses: the public read paths run no session, CSRF or
language layer, and need none: each answers the same whatever language, cookie or session the
visitor brings, while the pages still read all three."""

import re

from lieux.app import create_app
from lieux.embed.cors import cors_middleware
from lieux.members.session import COOKIELESS_PATHS
from tests.conftest import Clock, make_settings
from tests.people import LIEU_A, add_member, sign_in

HOT_PREFIXES = (
    "/widget/",
    "/embed/static/",
    "/ical/",
    "/api/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/",
)

URLS = [
    "/",
    "/lieux",
    "/lieux/babel-zin",
    "/lieux/nowhere",
    "/agenda",
    "/guide",
    "/embed",
    "/embed/open-now",
    "/embed/open-now?lang=nl&limit=2",
    "/embed.js",
    "/embed/static/widget.css",
    "/static/site.css",
    "/widget/open-now",
    "/widget/open-now?lang=nl&show=all",
    "/widget/open-now?at=not-a-date",
    "/widget/agenda",
    "/widget/agenda?lang=nl",
    "/api/hsds/services",
    "/ical/network.ics",
    "/ical/network.ics?lang=en&include=hours",
    "/ical/lieux/babel-zin.ics",
    "/ical/lieux/nowhere.ics",
    "/api/lieux",
    "/api/open-now",
    "/api/open-now?at=never",
    "/healthz",
    "/readyz",
    "/metrics",
    "/schema/openapi.json",
    "/nowhere",
    "/me",
    "/join/not-a-token",
    "/signin/not-a-token",
    "/langue/nl?next=/lieux",
    f"/manage/{LIEU_A}",
    f"/manage/{LIEU_A}/activities/new",
    f"/propose/{LIEU_A}",
]
# The ways a browser can ask: nothing, another language, a remembered language, a
# conditional request (the ETag comes back the same when the body is the same).
ASKING = {
    "plain": {},
    "dutch": {"accept-language": "nl-BE,nl;q=0.9"},
    "english cookie": {"cookie": "lang=en"},
}
# Values that are random at each answer: a fresh CSRF token, an encrypted session cookie.
COOKIE_VALUE = re.compile(r"^([^=]+)=[^;]*;")
TOKEN = re.compile(r"[0-9a-f]{40,}|[A-Za-z0-9_\-]{40,}={0,2}")


def answer(response) -> tuple:
    cookies = sorted(
        COOKIE_VALUE.sub(r"\1=<value>;", cookie)
        for cookie in response.headers.get_list("set-cookie")
    )
    headers = sorted(
        (name, value) for name, value in response.headers.multi_items() if name != "set-cookie"
    )
    body = TOKEN.sub("<token>", response.content.decode("utf-8", "replace"))
    return response.status_code, headers, cookies, body


HOT_URLS = [url for url in URLS if url.startswith(HOT_PREFIXES)]


def hot_answer(response) -> tuple:
    """The answer, but for an error page's words: the error page speaks the visitor's language
    wherever the error happened (lieux/web/errors.py), as it did when every layer ran
    everywhere. (A wrong widget parameter is a fragment, not that page: compared in full.)"""
    error_page = response.status_code >= 400 and not response.url.path.startswith("/widget/")
    if error_page and "text/html" in response.headers.get("content-type", ""):
        return response.status_code, response.headers.get_list("set-cookie")
    return answer(response)


def test_the_hot_path_answers_alike_whatever_the_visitor_brings(client, seeded_path):
    """What the layers it does not run would have read (a language asked by the browser or
    remembered in a cookie, a member's session) changes nothing on the hot path."""
    plain = {url: hot_answer(client.get(url, follow_redirects=False)) for url in HOT_URLS}
    for name, headers in ASKING.items():
        for url in HOT_URLS:
            found = hot_answer(client.get(url, headers=headers, follow_redirects=False))
            assert found == plain[url], f"{url} ({name})"
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "co-manager"}))
    for url in HOT_URLS:
        found = hot_answer(client.get(url, follow_redirects=False))
        assert found == plain[url], f"{url} (signed in)"
    # and the members' area did see the session: the dashboard is hers, not a sign-in page
    assert client.get(f"/manage/{LIEU_A}").status_code == 200


def test_the_language_layer_still_chooses_the_page_language(client):
    assert 'lang="nl"' in client.get("/lieux", headers={"accept-language": "nl"}).text
    client.cookies.set("lang", "en")
    assert 'lang="en"' in client.get("/lieux").text
    client.cookies.delete("lang")
    assert 'lang="en"' in client.get("/lieux?lang=en", headers={"accept-language": "nl"}).text
    # the iframe page too, which has no lang= of its own here
    assert 'lang="nl"' in client.get("/embed/open-now", headers={"accept-language": "nl"}).text


def test_public_read_paths_run_no_session_csrf_or_language_layer(seeded_path):
    """Each route's middleware stack is built at start-up from its layers: the hot routes
    carry neither the session nor the CSRF layer, and no before_request hook."""
    app = create_app(make_settings(seeded_path), clock=Clock())
    hot = [route for route in app.routes if route.path.startswith(HOT_PREFIXES)]
    assert {route.path for route in hot} >= {
        "/widget/open-now",
        "/ical/network.ics",
        "/api/open-now",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    for route in hot:
        for handler in route.route_handlers:
            layers = handler.resolve_middleware()
            assert cors_middleware in layers, route.path
            # Their own layers (CORS, ETags, metrics) but none of the members' area.
            assert not [m for m in layers if "_layer" in getattr(m, "__qualname__", "")], route.path
            assert handler.resolve_before_request() is None, route.path
    people = [r for r in app.routes if r.path.split("/")[1] in {"manage", "me", "join", "signin"}]
    assert people
    for route in people:
        for handler in route.route_handlers:
            layers = handler.resolve_middleware()
            members = [m for m in layers if "_layer" in getattr(m, "__qualname__", "")]
            assert len(members) == 2, route.path  # session, then CSRF
            assert handler.resolve_before_request() is not None, route.path


def test_no_cookie_and_no_vary_cookie_on_the_hot_path(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "co-manager"}))
    for url in ("/widget/open-now", "/ical/network.ics", "/api/open-now", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get_list("set-cookie") == [], url
        assert "cookie" not in response.headers.get("vary", "").lower(), url


def test_every_hot_prefix_is_cookieless(seeded_path):
    """A hot route skips CSRF entirely: it must be one CSRF was already skipping."""
    for prefix in HOT_PREFIXES:
        assert any(re.search(pattern, prefix) for pattern in COOKIELESS_PATHS), prefix
    app = create_app(make_settings(seeded_path), clock=Clock())
    for route in app.routes:
        if route.path.startswith(HOT_PREFIXES):
            assert set(route.methods) <= {"GET", "HEAD", "OPTIONS"}, route.path
