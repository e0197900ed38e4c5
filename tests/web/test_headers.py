"""Security headers (lieux/security.py, docs/security.md): every GET route of the app, walked from
`app.routes`, answers with nosniff and its Referrer-Policy; every HTML page carries the site's
CSP (no inline script or style, not frameable) and every embed a CSP any site may frame."""

import base64
import hashlib
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from litestar.testing import TestClient

from tests.conftest import make_app
from tests.people import LIEU_A, Actions

TEMPLATES = Path(__file__).parents[2] / "lieux" / "templates"

# What other sites load, named here rather than taken from the code under test.
EMBEDS = {
    "/embed/open-now",
    "/embed/agenda",
    "/widget/open-now",
    "/widget/agenda",
    "/embed.js",
    "/embed/static/{file_path:path}",
}
# A value for each path parameter; a route with a parameter not listed here fails by its name.
SAMPLES = {
    "slug": LIEU_A,
    "token": "unknown-token",
    "lang": "fr",
    "organization_id": str(uuid.UUID(int=1)),
    "service_id": str(uuid.UUID(int=2)),
    "path": "unknown",
    "ref": "1",
    "campaign_id": "1",
}
OWN_SAMPLES = {
    "/static/{file_path:path}": "/static/site.css",
    "/embed/static/{file_path:path}": "/embed/static/widget.css",
    "/ical/lieux/{filename:str}": f"/ical/lieux/{LIEU_A}.ics",
    "/ical/kinds/{filename:str}": "/ical/kinds/repas.ics",
    "/ical/communes/{filename:str}": "/ical/communes/schaerbeek.ics",
}
# The samples that name nothing on purpose (an unknown token, id or schema page).
NOT_FOUND = {
    "/join/{token:str}",
    "/signin/{token:str}",
    "/unsubscribe/{token:str}",
    "/check/{token:str}",  # a campaign's link: an unknown token is a 404 page
    "/check/{token:str}/facts",
    "/check/{token:str}/hours",
    "/admin/campaigns/{ref:str}",  # no campaign in the walk's database
    "/admin/campaigns/{campaign_id:int}/lieux/{slug:str}",
    "/api/hsds/organizations/{organization_id:uuid}",
    "/api/hsds/services/{service_id:uuid}",
    "/schema/{path:str}",
    "/metrics",  # the test client's address is not on LIEUX_METRICS_ALLOW
}


def get_routes() -> list[str]:
    app = make_app(Path("never-opened.sqlite3"))
    return sorted(
        {
            route.path
            for route in app.routes
            for handler in getattr(route, "route_handlers", ())
            if "GET" in (handler.http_methods or ())
        }
    )


ROUTES = get_routes()


def url_for(path: str, activity_id: int) -> str:
    if path in OWN_SAMPLES:
        return OWN_SAMPLES[path]
    samples = {**SAMPLES, "activity_id": str(activity_id)}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        assert name in samples, f"{path}: add a sample value for {{{name}}} in SAMPLES"
        return samples[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in found, f"{name} twice in {policy}"
        found[name] = values
    return found


def check_site_csp(policy: str) -> None:
    csp = directives(policy)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"][0] == "'self'"
    assert all(value.startswith("'sha256-") for value in csp["style-src"][1:])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert "unsafe" not in policy


def check_embed_csp(policy: str) -> None:
    csp = directives(policy)
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "frame-ancestors" not in csp  # any site may show it
    assert "unsafe" not in policy


@pytest.fixture(scope="module")
def walker(tmp_path_factory, _template_databases) -> Iterator[tuple[TestClient, int]]:
    """A client signed in as a network admin who co-manages LIEU_A, and one of its activities;
    one for the whole walk (the requests below only read)."""
    path = tmp_path_factory.mktemp("headers") / "lieux.sqlite3"
    with closing(sqlite3.connect(_template_databases["seeded"])) as source:
        with closing(sqlite3.connect(path)) as target:
            source.backup(target)
        [(activity_id,)] = source.execute(
            "SELECT a.id FROM activities a JOIN lieux l ON l.id = a.lieu_id"
            " WHERE l.slug = ? ORDER BY a.id LIMIT 1",
            (LIEU_A,),
        ).fetchall()
    with TestClient(app=make_app(path)) as client:
        actions = Actions(client, path)
        actions.sign_in("Admin A", admin=True)
        # The public proposal form (its honeypot lost its style="") is off until a lieu opts in.
        opened = actions.post(
            f"/manage/{LIEU_A}/settings",
            {"governance": "coordinated", "support_threshold": "3", "public_proposals": "1"},
        )
        assert opened.status_code == 303
        yield client, activity_id


@pytest.mark.parametrize("path", ROUTES)
def test_every_get_route_carries_the_headers(walker, path):
    client, activity_id = walker
    response = client.get(url_for(path, activity_id), follow_redirects=False)
    expected = 404 if path in NOT_FOUND else range(200, 400)
    assert response.status_code in ([expected] if expected == 404 else expected), response.text
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    html = headers.get("content-type", "").startswith("text/html")
    if path in EMBEDS:
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        if html:
            check_embed_csp(headers["content-security-policy"])
        assert "x-frame-options" not in headers
    else:
        # A campaign's link carries its token in the URL: its pages send no referrer at all.
        private = "no-referrer" if path.startswith("/check/") else "same-origin"
        assert headers["referrer-policy"] == private
        if html:
            check_site_csp(headers["content-security-policy"])
            assert headers["x-frame-options"] == "DENY"


def test_the_walk_meets_the_pages_and_the_embeds():
    """The parametrized test above covers what it should (a broken walk would cover nothing)."""
    for path in ("/", "/lieux/{slug:str}", "/manage/{slug:str}", "/admin", "/guide", *EMBEDS):
        assert path in ROUTES


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/occurrences?kind=<script>alert(1)</script>", 400),  # echoes the input
        ("GET", "/api/lieux/<b>nope</b>", 404),
        ("POST", "/api/lieux", 405),
        ("GET", "/no/such/page", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("GET", "/embed/open-now?commune=nowhere", 400),
        ("GET", "/widget/open-now?limit=many", 400),
    ],
)
def test_errors_carry_the_headers_too(walker, method, url, status):
    client, _ = walker
    response = client.request(method, url)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.headers["content-type"].startswith("text/html"):
        policy = response.headers["content-security-policy"]
        if url.startswith(("/embed/", "/widget/")):
            check_embed_csp(policy)
        else:
            check_site_csp(policy)


def test_the_embeds_keep_their_cors(walker):
    client, _ = walker
    for url in ("/widget/open-now", "/embed.js", "/embed/static/htmx-2.0.11.min.js"):
        response = client.get(url, headers={"Origin": "https://partner.example"})
        assert response.headers["access-control-allow-origin"] == "*", url
        assert response.headers["x-content-type-options"] == "nosniff"
    preflight = client.options(
        "/widget/open-now",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "hx-request, hx-current-url",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    # Our pages are not readable from other origins.
    assert "access-control-allow-origin" not in client.get("/lieux").headers


@pytest.mark.parametrize("url", ["/guide", f"/lieux/{LIEU_A}/poster"])
def test_the_print_sheets_are_allowed_by_their_hash(walker, url):
    """The guide and the poster keep their CSS inline (they print from a file): the CSP allows
    exactly those blocks, as the browser hashes them."""
    client, _ = walker
    response = client.get(url)
    [css] = re.findall(r"<style>(.*?)</style>", response.text, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert (
        f"'sha256-{digest}'" in directives(response.headers["content-security-policy"])["style-src"]
    )


def test_a_handler_that_sets_its_own_policy_keeps_it(walker):
    client, _ = walker
    framed = client.get("/embed/open-now")
    assert framed.headers.get_list("content-security-policy") == [
        framed.headers["content-security-policy"]
    ]
    assert "form-action 'none'" in framed.headers["content-security-policy"]


INLINE_CODE = [
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler (onclick=...)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), 'a style="" attribute'),
    # A script element must load a file; JSON-LD is data, which the CSP does not run.
    (re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/ld\+json)[^>]*>", re.I), "a script"),
    # Inline CSS only as the two print sheets the CSP lists by hash.
    (re.compile(r'<style>(?!\{% include "(guide|poster)/print\.css" %\}</style>)'), "a <style>"),
]


# E-mail bodies are not pages: mail apps ignore style sheets, so they carry their styles inline.
PAGES = sorted(t for t in TEMPLATES.rglob("*.html") if t.relative_to(TEMPLATES).parts[0] != "mail")


@pytest.mark.parametrize("template", PAGES, ids=str)
def test_templates_hold_no_inline_code(template):
    text = re.sub(r"\{#.*?#\}", "", template.read_text("utf-8"), flags=re.S)  # not comments
    found = [what for pattern, what in INLINE_CODE if pattern.search(text)]
    assert not found, f"{template.relative_to(TEMPLATES)}: {', '.join(found)}"
