"""CORS on the embeddable paths only, GET only, no credentials; and no cookie there."""

import pytest

from lieux.embed.cors import ALLOWED_HEADERS

HTMX2 = "hx-request, hx-current-url, hx-target, hx-trigger, hx-trigger-name, hx-boosted"
HTMX4 = "hx-request, hx-source, hx-target, hx-request-type, hx-current-url"
ORIGIN = {"Origin": "https://association.example"}


@pytest.mark.parametrize("asked", [HTMX2, HTMX4, ""])
def test_preflight_allows_the_htmx_headers(client, asked):
    headers = {**ORIGIN, "Access-Control-Request-Method": "GET"}
    if asked:
        headers["Access-Control-Request-Headers"] = asked
    response = client.options("/embed.js", headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in asked.split(",") if h} <= allowed


@pytest.mark.parametrize(
    ("method", "asked"),
    [("POST", "hx-request"), ("GET", "x-csrftoken"), ("DELETE", "")],
)
def test_preflight_refuses_other_methods_and_headers(client, method, asked):
    headers = {**ORIGIN, "Access-Control-Request-Method": method}
    if asked:
        headers["Access-Control-Request-Headers"] = asked
    response = client.options("/embed.js", headers=headers)
    assert "access-control-allow-origin" not in response.headers


def test_embeddable_paths_are_readable_from_any_origin(client):
    for path in (
        "/embed.js",
        "/embed/static/htmx-2.0.11.min.js",
        "/ical/network.ics",
        "/widget/agenda",
        "/api/lieux",  # the public JSON API is CORS GET for any origin too (issue 13)
    ):
        response = client.get(path, headers=ORIGIN)
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("path", ["/", "/lieux", "/healthz", "/agenda"])
def test_other_paths_get_no_cors_headers(client, path):
    response = client.get(path, headers=ORIGIN)
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(path, headers={**ORIGIN, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


def test_allowed_headers_are_lower_case_names():
    assert all(h == h.lower() and h.startswith("hx-") for h in ALLOWED_HEADERS)
