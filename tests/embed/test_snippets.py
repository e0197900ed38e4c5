"""The snippets the configurator prints: absolute URLs, escaped values, the right hash."""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import lieux.embed.assets as assets
from lieux.embed.snippets import (
    GUARD_ATTRIBUTES,
    SNIPPET_WIDTH,
    EmbedOptions,
    build,
    fragment_url,
    iframe_url,
    query,
)

BASE = "https://lieux.example.org"


def make(**options) -> object:
    return build(BASE, EmbedOptions(**options), iframe_title="Lieux ouverts")


def test_defaults_are_left_out_and_lists_repeat():
    options = EmbedOptions(communes=("Schaerbeek", "Jette"), kinds=("repas",), lang="nl")
    assert query(options) == [
        ("commune", "Schaerbeek"),
        ("commune", "Jette"),
        ("kind", "repas"),
        ("lang", "nl"),
    ]
    assert query(EmbedOptions()) == []
    assert fragment_url(BASE, EmbedOptions()) == BASE + "/widget/open-now"
    assert iframe_url(BASE, EmbedOptions(limit=3)) == BASE + "/embed/open-now?limit=3"


def test_script_snippet_matches_the_documented_form():
    snippets = make(communes=("Schaerbeek",), lang="nl")
    assert snippets.script == (
        '<div data-lieux-widget data-commune="Schaerbeek" data-lang="nl"></div>\n'
        f'<script src="{BASE}/embed.js" async></script>'
    )


def test_every_url_in_every_snippet_is_absolute():
    snippets = make(communes=("Schaerbeek",), layout="compact")
    for text in (snippets.script, snippets.htmx, snippets.htmx_loader, snippets.iframe):
        for url in re.findall(r'(?:src|href|hx-get)="([^"]+)"', text):
            assert url.startswith(BASE + "/"), url


def test_values_are_escaped():
    snippets = make(communes=('A"><script>alert(1)</script>',), at="x&y")
    for text in (snippets.script, snippets.htmx, snippets.iframe):
        assert "<script>alert" not in text
        assert '"><' not in text.replace('"></div>', "").replace('"></iframe>', "")


def test_htmx_snippet_polls_every_minute_and_allows_our_origin():
    snippets = make()
    assert 'hx-trigger="load, every 60s"' in snippets.htmx
    assert snippets.htmx.endswith("<script>htmx.config.selfRequestsOnly = false;</script>")
    assert f'href="{BASE}/embed/static/widget.css?v=' in snippets.htmx


class _Div(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag == "div":
            self.attributes = dict(attrs)


def test_the_htmx_snippet_carries_every_guard_on_short_lines():
    """What a browser reads from the pasted snippet: each guard attribute with its exact value
    (the JSON of hx-request survives its quotes), on lines the configurator's box shows whole."""
    code = make(communes=("Schaerbeek", 'Jette "centre"'), show="all").htmx
    div = _Div()
    div.feed(code)
    assert {name: div.attributes[name] for name, _ in GUARD_ATTRIBUTES} == dict(GUARD_ATTRIBUTES)
    assert json.loads(div.attributes["hx-request"])["noHeaders"] is True
    assert div.attributes["hx-get"].endswith(
        "&uid=" + div.attributes["hx-select"].removeprefix("#ldl-open-now-")
    )
    assert "Jette+%22centre%22" in div.attributes["hx-get"]
    lines = code.splitlines()[2:-1]  # the div's lines after the one with the URL
    assert lines and max(map(len, lines)) <= SNIPPET_WIDTH, lines


def test_printed_sri_is_the_hash_of_the_vendored_file():
    path = Path(assets.__file__).parent / "static" / "htmx-2.0.11.min.js"
    expected = "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()
    assert f'integrity="{expected}"' in make().htmx_loader


@pytest.mark.parametrize(
    "query_string",
    [
        "widget_lang=xx",
        "limit=0",
        "limit=500",
        "limit=abc",
        "kind=piscine",
        "commune=Atlantis",
        "layout=grid",
        "at=demain",
    ],
)
def test_configurator_refuses_bad_options_clearly(client, query_string):
    response = client.get("/embed?" + query_string)
    assert response.status_code == 400
    assert "<html" in response.text
    name, value = query_string.split("=")
    detail = re.search(r'<p class="error-detail">(.*?)</p>', response.text)[1]
    if name == "at":  # the sentence gives the date's form and an example instead
        assert detail.startswith("Date et heure invalides")
    else:
        assert f"« {name} »" in detail or f"« {value} »" in detail or detail.endswith(f" {name}.")
    assert "expected" not in response.text  # the API's English is not for this page


def test_configurator_form_with_every_default_renders(client):
    """The form sends empty values for "all" and "the visitor's language"."""
    response = client.get("/embed?widget_lang=&limit=&show=open&layout=list&theme=auto")
    assert response.status_code == 200
    assert 'id="ldl-open-now"' in response.text
    # Only our two files run: snippets and translated help text stay text.
    assert response.text.count("<script") == 2


@pytest.mark.parametrize("path", ["/embed", "/embed/open-now", "/widget/open-now"])
def test_pages_that_include_the_fragment_set_no_cookie(client, path):
    response = client.get(path, headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "path", ["/embed.js", "/embed/static/htmx-2.0.11.min.js", "/ical/network.ics"]
)
def test_no_cookie_on_embeddable_paths(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("path", ["/widget/open-now", "/embed/open-now", "/embed"])
def test_one_limit_contract_for_the_fragment_and_the_embeds(client, path):
    """The widget's options are checked by one parser: what one URL accepts, the others do."""
    assert client.get(path, params={"limit": "60"}).status_code == 200
    refused = client.get(path, params={"limit": "201"})
    assert refused.status_code == 400
    assert "« limit »" in refused.text


def test_embed_static_files_answer_304_to_their_etag(client):
    """Litestar sends the ETag of a static file but never a 304: lieux.conditional does."""
    first = client.get("/embed/static/widget.css")
    assert first.status_code == 200
    again = client.get("/embed/static/widget.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert "immutable" in again.headers["cache-control"]
    other = client.get("/embed/static/widget.css", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
    assert other.content == first.content
