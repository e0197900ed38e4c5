"""deploy/nginx/lieux.conf in front of `lieux serve --workers 2 --proxy-headers`, both real
processes on loopback ports (nginx unprivileged, its files in a temporary folder, no TLS).

The servers read the real clock (and so work under faketime, which their processes inherit);
the one wait is the widget's own max-age (at most a minute), to see a change arrive through
the cache.
"""

import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.deploy.servers import NGINX, Nginx, Serve
from tests.people import LIEU_A, add_member, post, sign_in

# Under faketime nginx's cache did not expire within the widget's max-age (a moved-clock CI run
# failed on it), so `make test-dates` leaves these out, as it does the browser tests.
pytestmark = pytest.mark.proxy

WIDGET = "/widget/open-now?show=all&lang=fr"
PLAIN = {"Accept-Encoding": "identity"}


def client_from(address: str, base_url: str, timeout: float = 10) -> httpx.Client:
    """A client whose connections leave from `address` (any 127.x.y.z is this machine)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, transport=transport, timeout=timeout)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """(nginx, lieux serve, database path): the whole deployment, started once."""
    from lieux import db as database
    from lieux.demo import seed_demo
    from lieux.seed import seed_guide
    from tests.conftest import DEMO_NOW, DEMO_TODAY

    assert NGINX, "nginx is missing: `make browser` installs it"
    root = tmp_path_factory.mktemp("deploy")
    path = root / "lieux.sqlite3"
    db = database.connect(path)
    database.migrate(db)
    seed_guide(db, now=DEMO_NOW)
    seed_demo(db, today=DEMO_TODAY, now=DEMO_NOW)
    db.close()
    serve = Serve(path, "--workers", "2", "--proxy-headers")
    try:
        nginx = Nginx(serve.port, root / "nginx")
    except Exception:
        serve.stop()
        raise
    # Cached first, so the wait for its max-age runs while the other tests do (see the last one).
    nginx.widget = httpx.get(nginx.url + WIDGET, headers=PLAIN), time.monotonic()
    yield nginx, serve, path
    nginx.stop()
    serve.stop()


def test_two_workers_behind_the_proxy(stack):
    nginx, serve, _ = stack
    assert len(serve.workers()) == 2
    assert httpx.get(nginx.url + "/healthz").text == "ok"


def test_the_widget_is_cached_by_nginx_and_answers_304(stack):
    nginx, serve, _ = stack
    url = WIDGET + "&layout=compact"  # a key of its own: nothing cached it yet
    first = httpx.get(nginx.url + url, headers=PLAIN)
    assert first.status_code == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert 'id="ldl-open-now"' in first.text
    second = httpx.get(nginx.url + url, headers=PLAIN)
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.content == first.content
    # What the service answers itself: the same fragment, the same validator.
    direct = httpx.get(serve.url + url, headers=PLAIN)
    assert direct.content == first.content and direct.headers["ETag"] == first.headers["ETag"]
    again = httpx.get(nginx.url + url, headers={**PLAIN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    # Compressed for a browser, and still a 304 with the (weakened) validator it got.
    zipped = httpx.get(nginx.url + url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.text == first.text
    revalidated = httpx.get(
        nginx.url + url,
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert revalidated.status_code == 304


def test_feeds_are_cached_with_their_own_compression(stack):
    nginx, serve, _ = stack
    url = f"/ical/lieux/{LIEU_A}.ics"
    plain = httpx.get(nginx.url + url, headers=PLAIN)
    assert plain.status_code == 200 and plain.text.startswith("BEGIN:VCALENDAR")
    assert plain.headers["X-Cache-Status"] == "MISS"
    assert httpx.get(nginx.url + url, headers=PLAIN).headers["X-Cache-Status"] == "HIT"
    assert plain.content == httpx.get(serve.url + url, headers=PLAIN).content
    gzipped = httpx.get(nginx.url + url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzipped.text == plain.text
    etag = plain.headers["ETag"]
    assert httpx.get(nginx.url + url, headers={**PLAIN, "If-None-Match": etag}).status_code == 304


def test_nothing_private_or_with_a_cookie_is_cached(stack):
    nginx, _, _ = stack
    with_cookie = httpx.get(nginx.url + WIDGET, headers={**PLAIN, "Cookie": "lang=nl"})
    assert with_cookie.headers["X-Cache-Status"] == "BYPASS"
    for path in ("/signin/unknown-token", f"/manage/{LIEU_A}", "/lieux", "/api/open-now"):
        for _ in range(2):
            response = httpx.get(nginx.url + path, headers=PLAIN)
            assert "X-Cache-Status" not in response.headers, path
    # The sign-in page's CSRF cookie reaches the browser, uncached.
    signin = httpx.get(nginx.url + "/signin/unknown-token")
    assert "csrftoken=" in signin.headers.get("Set-Cookie", "")
    assert signin.headers.get("Content-Encoding") == "gzip"  # pages are compressed too


def test_plain_http_goes_to_https(stack):
    nginx, _, _ = stack
    response = httpx.get(f"http://127.0.0.1:{nginx.http_port}/lieux?q=x")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/lieux?q=x"


def _sign_in_posts(client: httpx.Client, count: int, headers=None) -> list[int]:
    """`count` sign-in attempts (with a valid CSRF token, so each reaches the rate limit)."""
    client.get("/signin/unknown-token")
    token = client.cookies["csrftoken"]
    return [
        client.post(
            "/signin/unknown-token", data={"_csrf_token": token}, headers=headers or {}
        ).status_code
        for _ in range(count)
    ]


def test_the_rate_limit_is_keyed_on_the_client_behind_the_proxy(stack):
    nginx, serve, _ = stack
    # 10 a minute per process: 21 attempts give one of the two workers its 11th.
    with client_from("127.0.0.1", nginx.url) as first:
        # Whatever X-Forwarded-For a visitor sends, nginx puts their real address.
        statuses = [
            _sign_in_posts(first, 1, {"X-Forwarded-For": f"203.0.113.{i}"})[0] for i in range(21)
        ]
    assert 429 in statuses and statuses[0] != 429
    with client_from("127.0.0.2", nginx.url) as second:
        assert _sign_in_posts(second, 3) == [404, 404, 404]  # another visitor is not limited
    # A peer that is not the trusted proxy cannot pick its address either.
    with client_from("127.0.0.3", serve.url) as direct:
        statuses = [
            _sign_in_posts(direct, 1, {"X-Forwarded-For": f"198.51.100.{i}"})[0] for i in range(21)
        ]
    assert 429 in statuses


def _state(url: str) -> tuple[str, str | None]:
    """LIEU_A's state and its end, from the JSON API (not cached by nginx)."""
    states = {s["slug"]: s for s in httpx.get(url + "/api/open-now").json()}
    return states[LIEU_A]["state"], states[LIEU_A]["until"]


def test_a_change_through_the_proxy_shows_in_the_cached_widget_within_its_max_age(stack):
    nginx, _, path = stack
    now = datetime.now(UTC)  # the servers' clock
    cached, stored_at = nginx.widget  # stored by nginx when the stack started
    assert cached.headers["X-Cache-Status"] == "MISS"
    max_age = int(cached.headers["Cache-Control"].rsplit("=", 1)[1])
    assert 0 < max_age <= 60
    before = _state(nginx.url)
    member = add_member(path, "Co Proxy", {LIEU_A: "co-manager"})
    with client_from("127.0.0.5", nginx.url) as browser:
        csrf = sign_in(browser, path, member, at=now)
        saved = post(browser, csrf, f"/manage/{LIEU_A}/hours/osm", {"osm": "24/7"})
        assert saved.status_code == 303, saved.text[-500:]
    # The service itself knows within its revision check (every worker: the API is not cached
    # by nginx, and each new connection may reach either).
    time.sleep(0.6)
    for _ in range(6):
        after = _state(nginx.url)
        assert after[0] == "open" and after != before
    # The shared cache keeps its copy until max-age, then fetches the new one.
    while True:
        response = httpx.get(nginx.url + WIDGET, headers=PLAIN)
        if response.content != cached.content:
            break
        assert response.headers["X-Cache-Status"] in {"HIT", "REVALIDATED", "UPDATING", "STALE"}
        assert time.monotonic() - stored_at < max_age + 3, "the change never reached the cache"
        time.sleep(0.5)
    assert response.headers["X-Cache-Status"] in {"EXPIRED", "MISS"}
    assert time.monotonic() - stored_at >= max_age - 1  # not before the cache let go of it


def test_the_largest_calendar_file_gets_through_and_a_bigger_body_does_not(stack):
    """What nginx lets through is what the service takes (tests/deploy/test_body_limit.py):
    a file of MAX_BYTES reaches the service's own answer, one byte more its own refusal, and a
    body past nginx's limit stops at nginx."""
    from lieux.calendar.fetch import MAX_BYTES

    nginx, _, path = stack
    member = add_member(path, "Co Upload", {LIEU_A: "co-manager"})
    # Parsing a 5 MB file takes seconds on a loaded 2-core CI machine: a generous client deadline.
    with client_from("127.0.0.6", nginx.url, timeout=60) as browser:
        csrf = sign_in(browser, path, member, at=datetime.now(UTC))
        url = f"/manage/{LIEU_A}/calendars"

        def upload(size: int) -> httpx.Response:
            content = b"BEGIN:VCALENDAR\r\n" + b"X" * (size - 17)
            return browser.post(
                url,
                data={"_csrf_token": csrf},
                files={"file": ("agenda.ics", content, "text/calendar")},
            )

        largest = upload(MAX_BYTES)
        assert largest.status_code == 400 and "larger than" not in largest.text
        assert "Importer un agenda" in largest.text  # the service's own page
        too_large = upload(MAX_BYTES + 1)
        assert too_large.status_code == 400 and "larger than 5 MB" in too_large.text
        refused = upload(6_000_000)
        assert refused.status_code == 413 and "nginx" in refused.text
