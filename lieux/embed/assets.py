"""The static files third-party pages load from us, and their integrity hashes.

The SRI hash printed in the snippets and in embed.js is computed here from the vendored file
itself, so it can never drift from the bytes we serve.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

STATIC = Path(__file__).parent / "static"
HTMX_VERSION = "2.0.11"
HTMX_FILE = f"htmx-{HTMX_VERSION}.min.js"
WIDGET_CSS = "widget.css"
AGENDA_CSS = "agenda.css"
STATIC_PATH = "/embed/static"


@cache
def sri(name: str) -> str:
    """The Subresource Integrity value (sha384) of a file under embed/static."""
    digest = hashlib.sha384((STATIC / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


@cache
def versioned(name: str) -> str:
    """`/embed/static/NAME?v=HASH`: the URL changes with the content, cacheable forever."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PATH}/{name}?v={digest}"


def htmx_url(base_url: str) -> str:
    # The version is in the file name, so no ?v= is needed.
    return f"{base_url}{STATIC_PATH}/{HTMX_FILE}"
