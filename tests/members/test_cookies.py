"""Embeds, feeds and machine URLs set no cookie; forms are CSRF-protected."""

import pytest

from tests.conftest import make_app
from tests.people import LIEU_A, add_member, count, sign_in

# Fetched by third-party pages and calendar apps: a cookie there would follow people around.
COOKIELESS = [
    "/widget/open-now",
    "/embed/open-now",
    "/embed.js",
    "/embed",
    "/ical/network.ics",
    "/ical/lieux/babel-zin.ics",
    "/api/lieux",
    "/api/open-now",
    "/healthz",
    "/static/site.css",
    "/schema/openapi.json",
    # the public pages: reading needs no account and leaves no cookie
    "/",
    "/lieux",
    "/lieux/circuit",
    "/agenda",
    "/guide",
]


@pytest.mark.parametrize("path", COOKIELESS)
def test_no_cookie_on_embeds_feeds_and_apis(client, seeded_path, path):
    # Whatever the status (a route still being built may 404), no cookie.
    response = client.get(path)
    assert response.headers.get_list("set-cookie") == [], path


@pytest.mark.parametrize("path", ["/widget/open-now", "/ical/network.ics", "/healthz", "/lieux"])
def test_no_cookie_even_for_a_signed_in_member(client, seeded_path, path):
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "co-manager"}))
    response = client.get(path)
    assert response.headers.get_list("set-cookie") == [], path


def test_cookieless_patterns_cover_no_write_route(seeded_path):
    """Excluding a path from CSRF also drops its protection: no write route may match."""
    import re

    from lieux.members.session import COOKIELESS_PATHS

    app = make_app(seeded_path)
    for route in app.routes:
        methods = set(getattr(route, "methods", ())) - {"GET", "HEAD", "OPTIONS"}
        if methods:
            assert not any(re.search(p, route.path) for p in COOKIELESS_PATHS), route.path


def test_a_post_without_csrf_token_is_refused(client, seeded_path):
    sign_in(client, seeded_path, add_member(seeded_path, "Anne", {LIEU_A: "co-manager"}))
    data = {"title": "Café", "kind": "repas", "day": "2026-12-01", "start": "10:00", "end": "11:00"}
    assert client.post(f"/manage/{LIEU_A}/activities", data=data).status_code == 403
    assert (
        client.post(
            f"/manage/{LIEU_A}/activities", data={**data, "_csrf_token": "forged"}
        ).status_code
        == 403
    )
    before = count(seeded_path, "activities")
    # The header htmx sends works as well as the form field.
    ok = client.post(
        f"/manage/{LIEU_A}/activities",
        data=data,
        headers={"x-csrftoken": client.cookies.get("csrftoken"), "hx-request": "true"},
    )
    assert ok.status_code == 200 and ok.headers["hx-redirect"].startswith(f"/manage/{LIEU_A}/")
    assert count(seeded_path, "activities") == before + 1


def test_the_members_area_does_set_its_cookies(client, seeded_path):
    """The exclusions above must not switch CSRF off where forms are."""
    response = client.get("/me")
    assert any(c.startswith("csrftoken=") for c in response.headers.get_list("set-cookie"))
