"""GET /api: the API reference as a page of the site, read from the OpenAPI document.

Screenshots at 320 and 1280 px go to var/screenshots/ (git-ignored): look at them after
changing the page's template or CSS.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.conftest import axe_violations
from tests.screenshots import shot


class Page(HTMLParser):
    """What a reader (and a browser) gets from the page: text, ids, links, resources."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.scripts = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag == "script":
            self.scripts += 1
        for name in ("src", "srcset", "poster", "data"):
            if attrs.get(name):
                self.resources.append(attrs[name])
        if tag == "link":
            self.resources.append(attrs.get("href", ""))
        if any(name.startswith("on") for name in attrs):
            self.scripts += 1

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def _words(text: str) -> str:
    """A description as the page shows it: lines joined, `code` marks gone."""
    return " ".join(text.replace("`", "").split())


@pytest.fixture
def document(client) -> dict:
    return client.get("/schema").json()


def test_every_operation_parameter_answer_and_field_is_on_the_page(client, document):
    response = client.get("/api")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    words = page.words
    schemas = document["components"]["schemas"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"op-{operation['operationId']}" in page.ids, path
            assert f"{method.upper()} {path}" in words
            assert _words(operation["description"]) in words, path
            for parameter in operation.get("parameters", ()):
                assert _words(parameter["description"]) in words, (path, parameter["name"])
                schema = parameter["schema"]
                for value in schema.get("enum", schema.get("items", {}).get("enum", ())):
                    assert f" {value}" in words, (path, parameter["name"], value)
            for status, answer in operation["responses"].items():
                assert _words(answer["description"]) in words, (path, status)
    for name, schema in schemas.items():
        assert f"schema-{name}" in page.ids, name
        for field, spec in schema.get("properties", {}).items():
            assert _words(spec["description"]) in words, (name, field)
    # bounds, defaults and examples of parameters
    assert "De 1 à 100" in words and "Par défaut : 50" in words
    assert "Exemple : 2026-12-24T18:00" in words
    assert "liste de ApiOccurrence" in words


def test_its_links_lead_somewhere_and_nothing_comes_from_elsewhere(client):
    page = Page(client.get("/api").text)
    assert page.scripts == 0
    assert all(not urlsplit(url).netloc for url in page.resources), page.resources
    anchors = [link[1:] for link in page.links if link.startswith("#")]
    assert anchors and set(anchors) <= page.ids
    tries = [link for link in page.links if link.startswith("/api/")]
    assert len(tries) == 9
    for link in tries:  # every "try it" example answers, with the demo data
        assert client.get(link).status_code == 200, link
    assert "/schema" in page.links


def test_the_page_is_cached_and_answers_304(client):
    first = client.get("/api")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    assert "Accept-Language" in first.headers["vary"]
    again = client.get("/api", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # rendered once per language and kept: the same bytes, whatever the data does
    assert client.get("/api").content == first.content
    assert client.get("/api", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api?lang=nl").headers["etag"] != etag


@pytest.mark.parametrize(
    ("lang", "heading", "notice"),
    [
        ("fr", "L'API des lieux de liens", True),
        ("nl", "De API van de lieux de liens", True),
        ("en", "The lieux de liens API", False),
    ],
)
def test_the_page_speaks_the_visitors_language(client, lang, heading, notice):
    text = client.get("/api", params={"lang": lang}).text
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{heading}</h1>" in text
    # the descriptions are the document's, in English, and marked so on other pages
    assert ('<p lang="en">' in text) is notice
    assert (lang == "en") is (re.search(r'lang="en">Every lieu of the network', text) is None)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_page_reads_on_a_phone_and_a_desktop(browser, live_server, axe_source, width):
    context = browser.new_context(
        locale="fr-BE", viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api")
    shot(page, f"api-reference-{width}", full_page=True)
    shot(page, f"api-reference-{width}-top")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert all(url.startswith(live_server.url) for url in requests), requests
    # without JavaScript, the pattern of a date opens in place
    operation = page.locator("#op-list_occurrences")
    operation.locator("summary").first.click()
    assert operation.locator("code.pattern").first.is_visible()
    shot(operation, f"api-reference-occurrences-{width}")
    context.close()
    context = browser.new_context(locale="fr-BE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/api")
    assert axe_violations(page, axe_source) == []
    context.close()


def test_types_and_descriptions_read_as_the_document_writes_them():
    from lieux.api.reference import TypeInfo, text, type_of

    nullable_ref = {"oneOf": [{"$ref": "#/components/schemas/Location"}, {"type": "null"}]}
    assert type_of(nullable_ref) == TypeInfo(name="Location", schema="Location", nullable=True)
    listed = {"type": "array", "items": {"$ref": "#/components/schemas/ApiOverride"}}
    assert type_of(listed) == TypeInfo(name="ApiOverride", schema="ApiOverride", array=True)
    date = {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
    assert type_of(date) == TypeInfo(name="string", format="date-time", nullable=True)
    assert type_of({"type": ["null", "string"], "enum": ["a", None]}).nullable
    assert text("The `a`\nand `b`.\n\nNext.") == (
        (("The ", False), ("a", True), (" and ", False), ("b", True), (".", False)),
        (("Next.", False),),
    )
