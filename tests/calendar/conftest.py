"""Calendar servers on 127.0.0.1 for the linked-calendar tests: a well-behaved one, and the
slow or hostile ones an import must survive. The path asks for the behaviour."""

import functools
import gzip
import http.server
import ipaddress
import socket
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from lieux.calendar import fetch as fetch_module
from tests.calendar.samples import SOURCE

LOOPBACK = ipaddress.ip_address("127.0.0.1")
# How fast the slow servers drip: one byte per DRIP_S, as the slow-loris did per 5 s.
DRIP_S = 0.5
# Zeros that deflate about a thousandfold: 100 MB in ~100 KB, twenty times the 5 MB cap.
BOMB_BYTES = 100_000_000


@functools.cache
def bomb(wbits: int) -> bytes:
    """BOMB_BYTES of zeros, compressed (31: gzip, 15: zlib "deflate"), built a MB at a time."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1_000_000)
    return b"".join([squeezer.compress(zeros) for _ in range(BOMB_BYTES // 1_000_000)]) + (
        squeezer.flush()
    )


def _raw_deflate(data: bytes) -> bytes:
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeezer.compress(data) + squeezer.flush()


# path: (Content-Encoding, body)
ENCODED = {
    "/gzip.ics": ("gzip", lambda: gzip.compress(SOURCE.encode())),
    "/two-members.ics": (
        "gzip",
        lambda: gzip.compress(SOURCE.encode()[:500]) + gzip.compress(SOURCE.encode()[500:]),
    ),
    "/padded-gzip.ics": ("gzip", lambda: gzip.compress(SOURCE.encode()) + bytes(8)),
    "/deflate.ics": ("deflate", lambda: zlib.compress(SOURCE.encode())),
    "/raw-deflate.ics": ("deflate", lambda: _raw_deflate(SOURCE.encode())),
    "/cut-gzip.ics": ("gzip", lambda: gzip.compress(SOURCE.encode())[:-40]),
    "/brotli.ics": ("br", lambda: b"\x1b\x00"),
    "/gzip-bomb.ics": ("gzip", lambda: bomb(31)),
    "/deflate-bomb.ics": ("deflate", lambda: bomb(15)),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
        self.server.requests.append((path, dict(self.headers), time.monotonic()))
        if path == "/agenda.ics":
            self._answer(200, SOURCE.encode())
        elif path in ENCODED:
            encoding, body = ENCODED[path]
            self._answer(200, body(), {"Content-Encoding": encoding})
        elif path == "/no-length.ics":  # no Content-Length: the body ends when we close
            self.close_connection = True
            self.wfile.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + SOURCE.encode() * 50)
        elif path == "/loop":
            self._answer(302, b"", {"Location": "/loop"})
        elif path == "/redirect":
            self._answer(302, b"", {"Location": query["to"][0]})
        elif path == "/slow-headers.ics":
            self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: 1\r\n" * 1000)
        elif path == "/slow-body.ics":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            self._drip(SOURCE.encode() * 100)
        else:
            self._answer(404, b"not here")

    def _answer(self, status: int, body: bytes, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, data: bytes):
        self.close_connection = True
        for byte in data:
            try:
                self.wfile.write(bytes([byte]))
            except OSError:  # the client gave up: what we want
                return
            time.sleep(DRIP_S)

    def log_message(self, *args):
        pass


class CalendarServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict, float]] = []
        self.base = f"http://127.0.0.1:{self.server_port}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def calendar_server(monkeypatch):
    """A calendar server on loopback, and 127.0.0.1 alone let through the address filter: the
    rest of the fetch (resolution, pinned connect, deadline, caps) runs as in the service."""
    server = CalendarServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(fetch_module, "ALLOWED_PRIVATE", frozenset({LOOPBACK}))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """Accepts connections and never says a word (a TLS handshake waits on it forever)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in accepted:
        connection.close()
