"""The vendored htmx and the files third-party pages load: integrity, caching, no cookie."""

import base64
import hashlib
import re
from pathlib import Path

import lieux.embed.assets as assets

STATIC = Path(assets.__file__).parent / "static"


def sha384(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def test_vendored_htmx_is_the_pinned_release():
    source = (STATIC / "htmx-2.0.11.min.js").read_text("utf-8")
    assert 'version:"2.0.11"' in source


def test_embed_js_carries_the_sri_of_the_served_file(client):
    expected = sha384(STATIC / "htmx-2.0.11.min.js")
    served = client.get("/embed/static/htmx-2.0.11.min.js")
    assert served.status_code == 200
    assert (
        "sha384-" + base64.b64encode(hashlib.sha384(served.content).digest()).decode() == expected
    )
    loader = client.get("/embed.js")
    assert loader.status_code == 200
    assert loader.headers["content-type"].startswith("text/javascript")
    assert f'"htmxIntegrity": "{expected}"' in loader.text
    assert '"htmx": "http://testserver/embed/static/htmx-2.0.11.min.js"' in loader.text
    assert "/*CONFIG*/" not in loader.text


def test_static_files_are_cached_for_a_year_and_embed_js_for_an_hour(client):
    htmx = client.get("/embed/static/htmx-2.0.11.min.js")
    assert "immutable" in htmx.headers["cache-control"]
    assert "max-age=31536000" in htmx.headers["cache-control"]
    assert client.get("/embed.js").headers["cache-control"] == "public, max-age=3600"


def test_versioned_css_url_changes_with_its_content():
    url = assets.versioned("widget.css")
    digest = hashlib.sha256((STATIC / "widget.css").read_bytes()).hexdigest()[:12]
    assert url == f"/embed/static/widget.css?v={digest}"


def top_level_split(selector_list: str) -> list[str]:
    """Split at the commas that are not inside :where(...) and friends."""
    parts, depth, current = [], 0, ""
    for char in selector_list:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def test_widget_css_never_styles_the_host_page():
    """Every selector starts inside .ldl-widget or with another ldl- class."""
    css = re.sub(r"/\*.*?\*/", "", (STATIC / "widget.css").read_text("utf-8"), flags=re.S)
    selectors = []
    for block in re.findall(r"([^{}]+)\{", css):
        block = block.strip()
        if block.startswith("@"):
            continue
        selectors += top_level_split(block)
    assert selectors
    for selector in selectors:
        assert selector.startswith(".ldl-"), selector


def test_embed_js_is_small_and_self_contained(client):
    body = client.get("/embed.js").content
    # A loader every visitor of every embedding site downloads: keep it tiny.
    assert len(body) < 10_000
    assert b"import " not in body and b"require(" not in body
