"""Linked calendars: one deadline for the whole download, a size cap that holds once inflated,
public addresses only behind a refusal that names no address, one clear line for every bad
address, and a refresh where one slow source delays no other. The servers are real, on
127.0.0.1 (tests/calendar/conftest.py)."""

import gzip
import html
import ipaddress
import os
import socket
import threading
import time
import tracemalloc
import zlib
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from lieux import db as database
from lieux.calendar import fetch as fetch_module
from lieux.calendar import refresh
from lieux.calendar.fetch import MAX_BYTES, NOT_PUBLIC, check_url, fetch, is_public
from lieux.calendar.ical_import import ImportProblem
from lieux.calendar.refresh import refresh_linked
from lieux.cli import main
from lieux.db import sources as sources_db
from lieux.db.lieux import get_lieu
from tests.calendar.conftest import BOMB_BYTES, DRIP_S
from tests.calendar.samples import SOURCE, ZONE
from tests.conftest import DEMO_NOW, make_app
from tests.people import LIEU_A

FORM = f"/manage/{LIEU_A}/calendars"
# What the machine may add to a deadline before the refusal is out (2 shared cores, xdist).
SLACK_S = 1.0


def timed(url: str, **kwargs) -> tuple[str, float]:
    """The refusal `fetch` gives for `url`, and how long it took."""
    start = time.monotonic()
    with pytest.raises(ImportProblem) as problem:
        fetch(url, **kwargs)
    return str(problem.value), time.monotonic() - start


def import_cli(db_path, source: str, capsys, slug="circuit") -> tuple[int, str, str]:
    code = main(["import-ics", slug, source, "--db", str(db_path)])
    out, err = capsys.readouterr()
    return code, out, err


def source_count(db_path) -> int:
    db = database.connect(db_path)
    try:
        return db.execute("SELECT count(*) FROM ical_sources").fetchone()[0]
    finally:
        db.close()


# --- what arrives -------------------------------------------------------------------------------


def test_a_calendar_downloads_within_the_size_cap(calendar_server):
    assert fetch(calendar_server.url("/agenda.ics")) == SOURCE.encode()
    with pytest.raises(ImportProblem, match="larger than"):
        fetch(calendar_server.url("/agenda.ics"), max_bytes=100)
    assert timed(calendar_server.url("/missing.ics"))[0] == "the server answered 404"
    # A body that declares no length is counted as it arrives.
    assert fetch(calendar_server.url("/no-length.ics")) == SOURCE.encode() * 50
    with pytest.raises(ImportProblem, match="larger than"):
        fetch(calendar_server.url("/no-length.ics"), max_bytes=len(SOURCE.encode()) * 10)


@pytest.mark.parametrize(
    "path",
    ["/gzip.ics", "/two-members.ics", "/padded-gzip.ics", "/deflate.ics", "/raw-deflate.ics"],
)
def test_compressed_calendars_are_inflated_here(calendar_server, path):
    assert fetch(calendar_server.url(path)) == SOURCE.encode()
    (_, headers, _) = calendar_server.requests[-1]
    assert headers["Accept-Encoding"] == "gzip, deflate"  # only what we inflate ourselves


def test_inflating_does_not_depend_on_how_the_bytes_are_cut():
    """Two gzip members fed a byte at a time (a member's magic split across reads)."""
    body = gzip.compress(SOURCE.encode()[:500]) + gzip.compress(SOURCE.encode()[500:])
    inflater = fetch_module._Inflater("gzip", MAX_BYTES)
    out = b"".join(inflater.feed(body[i : i + 1]) for i in range(len(body)))
    inflater.finish()
    assert out == SOURCE.encode()


@pytest.mark.parametrize("path", ["/gzip-bomb.ics", "/deflate-bomb.ics"])
def test_a_compression_bomb_stops_at_the_cap(calendar_server, monkeypatch, path):
    """~100 KB that inflate to 100 MB: refused once 5 MB are decoded, never more in memory."""
    decoded = []
    real = zlib.decompressobj

    class Counting:  # the real decompressor, counted
        def __init__(self, *args):
            self.inner = real(*args)

        def decompress(self, data, max_length=0):
            out = self.inner.decompress(data, max_length)
            decoded.append(len(out))
            return out

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    tracemalloc.start()
    try:
        problem, _ = timed(calendar_server.url(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem == "larger than 5 MB once uncompressed"
    assert MAX_BYTES < sum(decoded) <= MAX_BYTES + 1 < BOMB_BYTES / 10
    # The body kept plus one piece being added: far below the 100 MB it would have grown to.
    assert peak < 4 * MAX_BYTES, f"{peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/brotli.ics", "a compression we do not read (br)"),
        ("/cut-gzip.ics", "a cut compressed body"),  # its missing events would be deleted
    ],
)
def test_an_unread_compression_or_a_cut_body_is_refused(calendar_server, path, message):
    assert message in timed(calendar_server.url(path))[0]


# --- one deadline -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slow-headers.ics", "/slow-body.ics"])
def test_a_server_dripping_bytes_is_cut_at_the_deadline(calendar_server, path):
    """One byte every DRIP_S: each read succeeds, so only an overall deadline ends it (httpx's
    per-read timeout let the headers alone take minutes)."""
    problem, elapsed = timed(calendar_server.url(path), timeout=2)
    assert problem == "took longer than 2 s"
    assert 2 - DRIP_S < elapsed < 2 + SLACK_S, elapsed


def test_a_tls_handshake_that_never_ends_is_cut_at_the_deadline(silent_server, monkeypatch):
    monkeypatch.setattr(
        fetch_module, "ALLOWED_PRIVATE", frozenset({ipaddress.ip_address("127.0.0.1")})
    )
    problem, elapsed = timed(f"https://127.0.0.1:{silent_server}/agenda.ics", timeout=1)
    assert problem == "took longer than 1 s"
    assert elapsed < 1 + SLACK_S, elapsed


def test_a_failed_tls_handshake_is_one_line(calendar_server):
    """https:// to a server that speaks plain HTTP: the handshake fails at once."""
    problem, _ = timed(f"https://127.0.0.1:{calendar_server.server_port}/agenda.ics")
    assert problem == "the secure connection failed (is the server's certificate valid?)"


# libfaketime (`make test-dates`) makes a timed wait on a lock, Thread.join(timeout) here, wait
# for days; measured: Lock.acquire(timeout=1) never returns under `faketime -f +115d`.
@pytest.mark.skipif("FAKETIME" in os.environ, reason="timed lock waits hang under faketime")
def test_name_resolution_counts_against_the_deadline(monkeypatch):
    """A resolver that hangs (stood in for here: no test may depend on a real slow DNS
    server) holds the fetch no longer than the deadline."""

    def hanging(*args, **kwargs):
        time.sleep(5)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    problem, elapsed = timed("https://calendar.example.org/agenda.ics", timeout=1)
    assert problem == "took longer than 1 s"
    assert elapsed < 1 + SLACK_S, elapsed


# --- public addresses only ----------------------------------------------------------------------

# Every spelling of the machine itself and of private networks. The loopback ones name the
# port of a live server: were the filter to let one through, the request would arrive there.
PRIVATE = [
    "http://127.0.0.1:{port}/agenda.ics",
    "http://localhost:{port}/agenda.ics",
    "http://localhost.:{port}/agenda.ics",
    "http://127.1:{port}/agenda.ics",
    "http://2130706433:{port}/agenda.ics",
    "http://0x7f000001:{port}/agenda.ics",
    "http://0.0.0.0:{port}/agenda.ics",
    "http://[::ffff:127.0.0.1]:{port}/agenda.ics",
    "http://[::ffff:7f00:1]:{port}/agenda.ics",
    "http://[::127.0.0.1]:{port}/agenda.ics",
    "http://[::1]:{port}/agenda.ics",
    "http://[::]:{port}/agenda.ics",
    "http://[2002:7f00:1::]:{port}/agenda.ics",
    "http://[64:ff9b::7f00:1]:{port}/agenda.ics",
    "http://[fe80::1]/agenda.ics",
    "http://[fd00::1]/agenda.ics",
    "http://10.1.2.3/agenda.ics",
    "http://172.16.0.1/agenda.ics",
    "http://192.168.1.1/agenda.ics",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/agenda.ics",
    "http://224.0.0.1/agenda.ics",
    "https://no-such-name.invalid/agenda.ics",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_addresses_that_are_not_public_get_one_refusal_naming_none(
    calendar_server, monkeypatch, url
):
    monkeypatch.setattr(fetch_module, "ALLOWED_PRIVATE", frozenset())
    problem, elapsed = timed(url.format(port=calendar_server.server_port))
    assert problem == NOT_PUBLIC  # the same words whatever the name resolves to
    assert calendar_server.requests == [] and elapsed < SLACK_S


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]
)
def test_public_addresses_pass_the_filter(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("http://[::1]:{port}/agenda.ics", NOT_PUBLIC),
        ("http://169.254.169.254/latest/meta-data", NOT_PUBLIC),
        ("http://10.0.0.1/agenda.ics", NOT_PUBLIC),
        ("file:///etc/passwd", "the server redirected: only http:// and https://"),
        ("/loop", "more than 3 redirects"),
    ],
)
def test_every_redirect_is_checked_like_the_first_address(calendar_server, target, message):
    url = calendar_server.url(
        "/redirect?to=" + quote(target.format(port=calendar_server.server_port))
    )
    problem, elapsed = timed(url, timeout=5)
    assert problem.startswith(message) and elapsed < SLACK_S
    assert fetch(calendar_server.url("/redirect?to=/agenda.ics")) == SOURCE.encode()


# --- bad addresses: one line, never a 500 -------------------------------------------------------

BAD = [
    ("http://[1.2.3.4]/agenda.ics", "the host between [ ] is not a valid IPv6 address"),
    ("http://[::1/agenda.ics", "the host between [ ] is not a valid IPv6 address"),
    ("http://exa\x01mple.org/agenda.ics", "the address contains spaces or control characters"),
    ("http://example.org/agenda\x7f.ics", "the address contains spaces or control characters"),
    ("http://example.org/mon agenda.ics", "the address contains spaces or control characters"),
    ("http://exa%01mple.org/agenda.ics", "the host name is not valid"),
    ("http://0177.0.0.1/agenda.ics", "the host name is not valid"),  # octal: httpx refuses
    ("http://" + "a" * 64 + ".org/agenda.ics", "the host name is not valid"),
    ("http://lieu:secret@example.org/agenda.ics", "the address contains a user name or password"),
    ("http://example.org/" + "a" * 2000, "the address is too long (at most 2000 characters)"),
    ("http:///agenda.ics", "the address has no host name"),
    ("ftp://example.org/agenda.ics", "only http:// and https:// addresses can be linked"),
    ("file:///etc/passwd", "only http:// and https:// addresses can be linked"),
    ("http://example.org:99999/agenda.ics", "the port must be a number from 1 to 65535"),
    ("http://example.org:0/agenda.ics", "the port must be a number from 1 to 65535"),
    ("http://example.org:http/agenda.ics", "the port must be a number from 1 to 65535"),
]


@given(st.text(max_size=120), st.sampled_from(["", "http://", "https://[", "http://a.org:"]))
def test_any_text_is_an_address_or_one_line(text, prefix):
    """What a form or a redirect can hand over: normalised, or refused in one line, never an
    exception of another kind (a 500)."""
    try:
        url = check_url(prefix + text)
    except ImportProblem as problem:
        assert "\n" not in str(problem)
    else:
        assert url.scheme in ("http", "https") and url.host


@pytest.mark.parametrize(("url", "message"), BAD)
def test_a_bad_address_is_one_line_from_the_cli(seeded_path, capsys, url, message):
    code, out, err = import_cli(seeded_path, url, capsys)
    assert code == 2 and out == ""
    assert err.startswith("lieux: ") and err.count("\n") == 1, err
    assert message in err and err.endswith("nothing was changed\n")
    assert "\x01" not in err and "\x7f" not in err  # what was typed is shown escaped
    assert source_count(seeded_path) == 0


def test_every_bad_address_is_a_message_in_the_form(client, seeded_path, actions, manager):
    """One signed-in client for the whole list (an app costs a second); every case that goes
    wrong is named."""
    wrong = []
    for url, message in BAD:
        response = actions.post(FORM, {"url": url})
        if response.status_code != 400 or html.escape(message) not in response.text:
            wrong.append(f"{url[:60]!r}: {response.status_code}")
    assert not wrong
    assert source_count(seeded_path) == 0


def test_the_refusal_of_a_local_name_says_nothing_of_its_address(
    client, seeded_path, actions, manager, capsys
):
    response = actions.post(FORM, {"url": "http://localhost/agenda.ics"})
    assert response.status_code == 400 and html.escape(NOT_PUBLIC) in response.text
    assert "127.0.0.1" not in response.text and "::1" not in response.text
    code, _, err = import_cli(seeded_path, "http://localhost/agenda.ics", capsys)
    assert code == 2 and NOT_PUBLIC in err and "127.0.0.1" not in err


# --- the refresh --------------------------------------------------------------------------------


def test_refresh_reimports_linked_addresses(seeded_path, calendar_server, capsys):
    url = calendar_server.url("/agenda.ics")
    code, out, _ = import_cli(seeded_path, url, capsys)
    assert code == 0 and "3 added" in out
    assert main(["refresh-ics", "--db", str(seeded_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(url) and "3 unchanged" in out
    db = database.connect(seeded_path)
    row = db.execute("SELECT last_fetched_at, last_error FROM ical_sources").fetchone()
    db.close()
    assert row[0] is not None and row[1] is None


def test_one_slow_source_delays_no_other(seeded_path, calendar_server):
    """The slow source comes first; the fast one is read and written while it still drips."""
    db = database.connect(seeded_path)
    slow, fast = calendar_server.url("/slow-headers.ics"), calendar_server.url("/agenda.ics")
    for slug, url in (("circuit", slow), (LIEU_A, fast)):
        sources_db.source_for(db, get_lieu(db, slug).id, url=url, label="", now=DEMO_NOW)
    db.close()
    budget = 2.0
    lines = []

    def run():
        own = database.connect(seeded_path)  # a connection belongs to its thread
        try:
            lines.extend(refresh_linked(own, ZONE, DEMO_NOW, budget=budget))
        finally:
            own.close()

    start = time.monotonic()
    worker = threading.Thread(target=run)
    worker.start()
    written_after = None
    watcher = database.connect(seeded_path)
    while worker.is_alive() and written_after is None:
        row = watcher.execute("SELECT last_fetched_at FROM ical_sources WHERE url = ?", [fast])
        if row.fetchone()[0] is not None:
            written_after = time.monotonic() - start
        time.sleep(0.02)
    worker.join()
    total = time.monotonic() - start
    slow_error = watcher.execute(
        "SELECT last_error FROM ical_sources WHERE url = ?", [slow]
    ).fetchone()[0]
    watcher.close()
    assert written_after is not None and written_after < budget / 2, written_after
    assert budget - DRIP_S < total < budget + SLACK_S, total
    assert lines == [
        f"{slow}: took longer than 2 s",
        f"{fast}: 3 added, 0 updated, 0 unchanged, 0 removed",
    ]
    assert slow_error == "took longer than 2 s"


def test_the_server_rereads_linked_calendars_by_itself(
    seeded_path, calendar_server, capsys, monkeypatch
):
    assert import_cli(seeded_path, calendar_server.url("/agenda.ics"), capsys)[0] == 0
    db = database.connect(seeded_path)
    db.execute("UPDATE ical_sources SET last_fetched_at = NULL")
    db.conn.commit()
    monkeypatch.setattr(refresh, "REFRESH_EVERY_S", 0.05)
    with TestClient(app=make_app(seeded_path)):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            fetched = db.execute("SELECT last_fetched_at FROM ical_sources").fetchone()[0]
            if fetched is not None:
                break
            time.sleep(0.05)
    db.close()
    assert fetched is not None
