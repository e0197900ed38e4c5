"""Fetching a linked calendar: one deadline, capped size, public addresses only.

What a co-manager types is checked first (`check_url`): anything odd gets one line saying what
is wrong, before any network access. The download then runs under one overall deadline that
covers name resolution, connect, TLS, headers and body: httpx and httpcore timeouts apply to each
read alone, so a server sending its headers one byte at a time would otherwise hold us for
minutes. Here every socket operation gets the time left until the deadline as its timeout.

The address filter sits where the connection is made (`_CheckedBackend.connect_tcp`): the name is
resolved once, every address it resolves to must be public, and the socket connects to the
address that was checked, so neither a redirect nor a DNS answer that changes between check and
connect can lead to the server's own network. Any address that is not public gets the same
refusal, which names no address: the form must not tell what internal names resolve to.

The body is read raw and inflated here, counting decoded bytes, so a small gzip body cannot grow
past the same cap as a plain one.
"""

import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from lieux.calendar.ical_import import ImportProblem

# A lieu's calendar is a few hundred events; 5 MB is far above that and far below harm. It caps
# the bytes received and, separately, the bytes they inflate to.
MAX_BYTES = 5_000_000
# A calendar server that needs more than this is not one we should wait for in a request.
FETCH_TIMEOUT = 15.0
MAX_REDIRECTS = 3
# Calendar addresses are a few hundred characters (Google's secret ones ~150); browsers and
# servers commonly stop near 2,000.
MAX_URL_LENGTH = 2000
# How much of a refused address a CLI or log line repeats.
SHOWN_URL_LENGTH = 200
# Addresses let through although they are not public: none in the service. Tests put 127.0.0.1
# here for their own server, so the rest of the path (resolution, pinning, deadline) still runs.
ALLOWED_PRIVATE: frozenset = frozenset()

NOT_PUBLIC = (
    "only calendars on the public internet can be linked: this address is local, private or unknown"
)
# DNS labels (underscores too: some real hosts have them), dot-separated, an optional final dot.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_REDIRECTS = (301, 302, 303, 307, 308)
_ENCODINGS = ("gzip", "x-gzip", "deflate")
# A name may resolve to many addresses (all are checked); connect tries the first few.
MAX_TRIES = 4
# IPv6 prefixes that carry an IPv4 address a gateway may forward to: NAT64 (RFC 6052, 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def shown(url: str) -> str:
    """The address as a one-line message may repeat it: control characters escaped, cut short."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in url)
    return text if len(text) <= SHOWN_URL_LENGTH else text[:SHOWN_URL_LENGTH] + "…"


def check_url(url: str) -> httpx.URL:
    """The address as httpx normalises it (IDNA, percent-encoding), or one line saying why not."""
    if len(url) > MAX_URL_LENGTH:
        raise ImportProblem(f"the address is too long (at most {MAX_URL_LENGTH} characters)")
    if any(not c.isprintable() or c.isspace() for c in url):
        raise ImportProblem("the address contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:  # unbalanced brackets, or brackets around something else than IPv6
        raise ImportProblem("the host between [ ] is not a valid IPv6 address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ImportProblem("only http:// and https:// addresses can be linked")
    if "@" in parts.netloc:
        raise ImportProblem(
            "the address contains a user name or password: give the calendar's public address"
        )
    if not parts.hostname:
        raise ImportProblem("the address has no host name (https://name.example/…)")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ImportProblem("the port must be a number from 1 to 65535")
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise ImportProblem("the host name is not valid") from None
    if not _is_ip(host) and (len(host) > 253 or not _HOST_NAME.fullmatch(host)):
        raise ImportProblem("the host name is not valid")
    return parsed


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a connection to this address stays on the public internet. An IPv6 address
    that embeds an IPv4 one (mapped, compatible, 6to4, Teredo, NAT64) is public only if the
    embedded address is: a gateway on the way could otherwise forward to 127.0.0.1."""
    if address in ALLOWED_PRIVATE:
        return True
    if not address.is_global or address.is_multicast:
        return False
    if address.version == 4:
        return True
    if int(address) >> 32 == 0:  # ::a.b.c.d, "IPv4-compatible" (deprecated, never legitimate)
        return False
    # Teredo (2001::/32) needs no case of its own: Python counts it as not global.
    embedded = [address.ipv4_mapped, address.sixtofour]
    if any(address in network for network in _NAT64):
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(is_public(inner) for inner in embedded if inner is not None)


class _Deadline:
    """Seconds left until one instant; every network operation of a fetch waits at most that."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, asked: float | None = None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline passed")
        return left if asked is None else min(asked, left)


def _resolve(host: str, port: int, deadline: _Deadline) -> list[tuple]:
    """getaddrinfo cannot be interrupted, so it runs in a thread we stop waiting for at the
    deadline; the resolver's own timeouts end that thread later."""
    found: list = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError, ValueError):
            found.append([])

    worker = threading.Thread(target=lookup, name="lieux-fetch-dns", daemon=True)
    worker.start()
    worker.join(deadline.left())
    if not found:
        raise httpcore.ConnectTimeout("name resolution took too long")
    return found[0]


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the deadline (headers included)."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_DeadlineStream":
        secure = self._stream.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return _DeadlineStream(secure, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _CheckedBackend(httpcore.NetworkBackend):
    """Connects only to public addresses, to the very address it checked, by the deadline."""

    def __init__(self, deadline: _Deadline):
        self._deadline = deadline
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> _DeadlineStream:
        infos = _resolve(host, port, self._deadline)
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses or not all(is_public(address) for address in addresses):
            raise ImportProblem(NOT_PUBLIC)
        failed = None
        for address in list(dict.fromkeys(addresses))[:MAX_TRIES]:
            try:
                stream = self._sockets.connect_tcp(
                    str(address), port, self._deadline.left(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as error:  # e.g. an IPv6 address and no IPv6 route
                failed = error
                continue
            return _DeadlineStream(stream, self._deadline)
        raise failed

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise ImportProblem(NOT_PUBLIC)


class _Inflater:
    """Content-Encoding undone by hand, never more than `limit` decoded bytes in all: zlib is
    asked for at most what is still allowed, whatever the compressed chunk holds."""

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        self.decoded = 0
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_deflate = False  # some servers send "deflate" without its zlib header
        self._members = 0  # gzip members read to their end
        self._fed = False  # whether the current decoder has taken any input
        self._decoder = self._new()
        self._ended = False

    def _new(self):
        self._fed = False
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes `data` adds. Bounded: each turn either takes all its input, or
        passes the limit (refused), or ends a member (which took at least its own header)."""
        out = bytearray()
        while data and not self._ended:
            try:
                piece = self._decoder.decompress(data, self.limit - self.decoded + 1)
            except zlib.error:
                if not self._fed and self._members:  # bytes after the last member: ignored,
                    self._ended = True  # as browsers and curl do
                    break
                if not self._fed and not self._gzip and not self._raw_deflate:
                    self._raw_deflate = True
                    self._decoder = self._new()
                    continue
                raise ImportProblem("the server sent a damaged compressed body") from None
            self._fed = True
            self.decoded += len(piece)
            if self.decoded > self.limit:
                raise ImportProblem(f"larger than {self.limit // 1_000_000} MB once uncompressed")
            out += piece
            if not self._decoder.eof:
                data = self._decoder.unconsumed_tail
            elif self._gzip:  # a gzip body may hold several members, one after the other
                data = self._decoder.unused_data
                self._members += 1
                self._decoder = self._new()
            else:
                self._ended = True
        return bytes(out)

    def finish(self) -> None:
        # A cut calendar must not be imported: its missing events would be deleted here.
        if not (self._ended or (self._members and not self._fed)):
            raise ImportProblem("the server sent a cut compressed body")


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = FETCH_TIMEOUT) -> bytes:
    """Download a calendar within `timeout` seconds in all, at most `max_bytes` received and
    `max_bytes` once inflated, following a few redirects (each checked like the first)."""
    deadline = _Deadline(timeout)
    target = check_url(url)
    with httpcore.ConnectionPool(network_backend=_CheckedBackend(deadline), retries=0) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with pool.stream(
                    "GET",
                    httpcore.URL(
                        scheme=target.raw_scheme,
                        host=target.raw_host,
                        port=target.port,
                        target=target.raw_path,
                    ),
                    headers=[
                        (b"Host", target.netloc),
                        (b"User-Agent", b"lieux-de-liens ical import"),
                        (b"Accept", b"text/calendar, */*"),
                        (b"Accept-Encoding", b"gzip, deflate"),
                    ],
                ) as response:
                    if response.status in _REDIRECTS:
                        location = _header(response.headers, b"location")
                        try:
                            target = check_url(urljoin(str(target), location))
                        except ImportProblem as problem:
                            raise ImportProblem(f"the server redirected: {problem}") from None
                        continue
                    if response.status != 200:
                        raise ImportProblem(f"the server answered {response.status}")
                    return _body(response, max_bytes)
            except httpcore.TimeoutException:
                raise ImportProblem(f"took longer than {timeout:g} s") from None
            except httpcore.ConnectError as error:
                if isinstance(error.__cause__ or error.__context__, ssl.SSLError):
                    raise ImportProblem(
                        "the secure connection failed (is the server's certificate valid?)"
                    ) from None
                raise ImportProblem("the server cannot be reached") from None
            except httpcore.ProtocolError:
                raise ImportProblem("the server's answer is cut short or not valid HTTP") from None
            except httpcore.NetworkError:  # ReadError, WriteError: the connection broke
                raise ImportProblem("the connection broke during the download") from None
    raise ImportProblem(f"more than {MAX_REDIRECTS} redirects")


def _body(response: httpcore.Response, max_bytes: int) -> bytes:
    too_large = ImportProblem(f"larger than {max_bytes // 1_000_000} MB")
    declared = _header(response.headers, b"content-length")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    encoding = _header(response.headers, b"content-encoding").lower()
    if encoding not in ("", "identity", *_ENCODINGS):
        raise ImportProblem(f"the server used a compression we do not read ({shown(encoding)})")
    inflater = _Inflater(encoding, max_bytes) if encoding in _ENCODINGS else None
    received = 0
    body = bytearray()
    for chunk in response.iter_stream():
        received += len(chunk)
        if received > max_bytes:
            raise too_large
        body += inflater.feed(chunk) if inflater else chunk
    if inflater:
        inflater.finish()
    return bytes(body)


def read_file(path: Path) -> bytes:
    """A calendar file from disk (`lieux import-ics FILE`), under the same cap as a download or
    an upload: a bigger one is refused before it is read in full, let alone parsed."""
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"larger than {MAX_BYTES // 1_000_000} MB")
    return data
