"""Browser-test helpers: a host site on another origin, axe-core, and a watch on each page."""

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import copy_database, read_only
from tests.live_server import LiveServer


class HostSite:
    """A third-party site on 127.0.0.1 and another port: pages set by the test, no cookie."""

    def __init__(self):
        self.pages: dict[str, tuple[bytes, str, dict[str, str]]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/favicon.ico":  # asked by the browser; a 404 would be a console error
                    self.send_response(204)
                    self.end_headers()
                    return
                if path not in site.pages:
                    self.send_error(404)
                    return
                body, content_type, headers = site.pages[path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, body: str | bytes, content_type="text/html; charset=utf-8", **headers):
        self.pages[path] = (body.encode() if isinstance(body, str) else body, content_type, headers)
        return self.url + path

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.stop()


@dataclass
class Watch:
    """What a page did: console errors, uncaught errors, dialogs, and the origins it contacted."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    origins: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)


def watch(page) -> Watch:
    seen = Watch()

    def on_dialog(dialog):
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request):
        parts = urlsplit(request.url)
        seen.urls.append(request.url)
        if parts.scheme in {"http", "https"}:
            seen.origins.add(f"{parts.scheme}://{parts.netloc}")
        elif parts.scheme not in {"data", "about", "blob"}:
            seen.origins.add(request.url)

    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("dialog", on_dialog)
    page.on("request", on_request)
    return seen


def without_http_cache(page) -> None:
    """The fragment may be cached up to a minute (its Cache-Control): a test that checks a data
    change within seconds must not be answered from the browser's cache."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})


def execute(db_path: Path, sql: str, params=()) -> None:
    """Change the data behind the live server, as another process would."""
    with sqlite3.connect(db_path) as connection:
        connection.execute(sql, params)


# Read-only servers shared by the tests of a module (starting `lieux serve` takes a second):
# tests that change data use the function-scoped `live_server` instead.
@pytest.fixture(scope="module")
def demo_server(read_only_server: LiveServer) -> LiveServer:
    """The real lieux and the demo data, as `make run` serves them (tests/conftest.py's
    `read_only_server`, under the name these tests know it by)."""
    return read_only_server


@pytest.fixture(scope="module")
def real_server(tmp_path_factory, real_template: Path) -> Iterator[LiveServer]:
    """The real lieux only (`lieux seed` without --demo): every lieu's hours are unknown."""
    path = tmp_path_factory.mktemp("real") / "lieux.sqlite3"
    copy_database(real_template, path)
    with read_only(path) as server:
        yield server
