"""The hostile calendars of issue 20, and a calendar server on 127.0.0.1 to link them from.

FILES holds each case with what must become of it (refused, with the words of the refusal, or
imported); the big ones are made here rather than stored (tests/calendar/hostile/ holds the small
ones). BIGGEST is the most work one import may ask for within every cap.
"""

import contextlib
import functools
import http.server
import struct
import threading
import time
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from lieux.calendar.rules import CURRENT_ACTIVITIES_MAX, LIEU_OVERRIDES_MAX

CORPUS = Path(__file__).parents[1] / "tests" / "calendar" / "hostile"
# The bomb: about 1 MB of gzip that inflates to 1 GB.
BOMB_BYTES = 1_000_000_000
DRIP_S = 1.0  # the slow server sends one byte of its headers per DRIP_S

# --- calendars ----------------------------------------------------------------------------------


def calendar(events: list[list[str]]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lieux bench//hostile//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", "DTSTAMP:20261101T000000Z", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()


def _start(days: int) -> date:
    return date.today() + timedelta(days=days)


def far_exdates(n: int) -> bytes:
    """A daily series and `n` EXDATEs from year 9000 on (the issue's 5 MB file at 300,000)."""
    dates = ",".join(
        f"{9000 + i // 336}{1 + i // 28 % 12:02d}{1 + i % 28:02d}T100000" for i in range(n)
    )
    day = _start(7)
    return calendar(
        [
            [
                "UID:far@hostile.test",
                f"DTSTART;TZID=Europe/Brussels:{day:%Y%m%d}T100000",
                f"DTEND;TZID=Europe/Brussels:{day:%Y%m%d}T110000",
                "SUMMARY:Accueil du matin",
                "RRULE:FREQ=DAILY",
                f"EXDATE;TZID=Europe/Brussels:{dates}",
            ]
        ]
    )


def one_offs(n: int, description: int = 20) -> bytes:
    return calendar(
        [
            [
                f"UID:many-{i}@hostile.test",
                f"DTSTART:{_start(1 + i % 300):%Y%m%d}T{8 + i % 10:02d}0000Z",
                f"SUMMARY:Rendez-vous {i}",
                "DESCRIPTION:" + "x" * description,
            ]
            for i in range(n)
        ]
    )


def controls() -> bytes:
    """Text with what no form lets through: VT, FF, ESC, U+2028/2029, a bidi override."""
    day = _start(10)
    return calendar(
        [
            [
                "UID:controls@hostile.test",
                f"DTSTART;TZID=Europe/Brussels:{day:%Y%m%d}T140000",
                f"DTEND;TZID=Europe/Brussels:{day:%Y%m%d}T160000",
                "SUMMARY:Atelier\x0bchant\x0c\u2028libre\u202e",
                "DESCRIPTION:Bienvenue\x1b[31m\u2029à tous",
            ]
        ]
    )


# Cancelled dates per series of BIGGEST: the first CURRENT_ACTIVITIES_MAX series of the file
# then hold LIEU_OVERRIDES_MAX dates together, both caps of a lieu reached at once.
BIGGEST_EXDATES = LIEU_OVERRIDES_MAX // CURRENT_ACTIVITIES_MAX


def biggest(tag: str) -> bytes:
    """About 4 MB the model accepts: 1,000 weekly series (the cap per file), each with
    BIGGEST_EXDATES cancelled dates on its rule and a 3,500-character description: the most
    work one import may ask for. It fills a lieu to both its caps (200 series, 1,000 changed
    dates); the other 800 series are left out, one line each."""
    events = []
    for i in range(1_000):
        first = _start(3 + i % 7)
        cancelled = ",".join(
            f"{first + timedelta(weeks=week):%Y%m%d}T100000"
            for week in range(1, BIGGEST_EXDATES + 1)
        )
        events.append(
            [
                f"UID:big-{tag}-{i}@hostile.test",
                f"DTSTART;TZID=Europe/Brussels:{first:%Y%m%d}T100000",
                f"DTEND;TZID=Europe/Brussels:{first:%Y%m%d}T110000",
                f"SUMMARY:Atelier {i} ({tag})",
                "DESCRIPTION:" + "Une longue description. " * 145,
                "RRULE:FREQ=WEEKLY",
                f"EXDATE;TZID=Europe/Brussels:{cancelled}",
            ]
        )
    return calendar(events)


def good(name: str) -> bytes:
    day = _start(12)
    return calendar(
        [
            [
                f"UID:linked-{name}@hostile.test",
                f"DTSTART;TZID=Europe/Brussels:{day:%Y%m%d}T100000",
                f"DTEND;TZID=Europe/Brussels:{day:%Y%m%d}T120000",
                f"SUMMARY:Permanence ({name})",
            ]
        ]
    )


def corpus(name: str) -> Callable[[], bytes]:
    return lambda: (CORPUS / name).read_bytes()


BIGGEST = biggest
# name: (the calendar, None if it must be imported else the words of its refusal)
FILES: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "RRULE:FREQ=WEEKLY;INTERVAL=0": (corpus("interval-zero.ics"), "INTERVAL must be 1 to 52"),
    "never occurs (30 February)": (corpus("never-occurs.ics"), "no date within 5 years"),
    "starts in year 1": (corpus("year-one.ics"), "dates must fall between 1970 and 2199"),
    "UNTIL=9999": (corpus("until-9999.ics"), "dates must fall between 1970 and 2199"),
    "FREQ=SECONDLY": (corpus("hourly.ics"), "an activity repeats at most daily"),
    "300,000 EXDATEs in 9000+ (5 MB)": (
        lambda: far_exdates(300_000),
        "300000 excluded dates (EXDATE): one calendar brings at most 20000",
    ),
    "10,000 events": (lambda: one_offs(10_000), "10000 events: one calendar brings at most 1000"),
    "6 MB of events": (lambda: one_offs(1_000, 6_000), "larger than 5 MB"),
    "markup in SUMMARY, DESCRIPTION": (corpus("markup.ics"), None),
    "VT, FF, ESC, U+2028 in text": (controls, None),
    "15,000 EXDATEs in 9000+": (lambda: far_exdates(15_000), None),
}
# Served by the calendar server and linked by address (the rest is the address filter's).
SERVED = (
    "RRULE:FREQ=WEEKLY;INTERVAL=0",
    "never occurs (30 February)",
    "300,000 EXDATEs in 9000+ (5 MB)",
    "6 MB of events",
)


def tagged(data: bytes, tag: str) -> bytes:
    """The calendar with UIDs of its own for one way in (a UID belongs to one activity)."""
    return data.replace(b"@hostile.test", f"@{tag}.hostile.test".encode())


@functools.cache
def bomb() -> bytes:
    """BOMB_BYTES of zeros as gzip, built from one compressed block repeated: after a full
    flush the compressor starts afresh, so each 10 MB of zeros compresses to the same bytes."""
    zeros = bytes(10_000_000)
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = squeezer.compress(zeros) + squeezer.flush(zlib.Z_FULL_FLUSH)
    last = squeezer.compress(zeros) + squeezer.flush()
    crc = 0
    for _ in range(BOMB_BYTES // len(zeros)):
        crc = zlib.crc32(zeros, crc)
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    tail = struct.pack("<II", crc, BOMB_BYTES % 2**32)
    return head + block * (BOMB_BYTES // len(zeros) - 1) + last + tail


class CalendarServer(http.server.ThreadingHTTPServer):
    """Calendars on 127.0.0.1: `files` (path: body, changed at will), gzip-encoded `bombs`, and
    `dripping` paths whose headers come one byte per DRIP_S (the issue's slow server)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = {}
        self.bombs: set[str] = set()
        self.dripping: set[str] = set()
        self.base = f"http://127.0.0.1:{self.server_port}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def handle_error(self, request, client_address) -> None:
        """Quiet: an importer that gives up (the deadline, the size cap) resets its connection."""

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server: CalendarServer = self.server  # type: ignore[assignment]
        if self.path in server.dripping:
            self.close_connection = True
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: 1\r\n" * 1000:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:  # the importer gave up: what we want
                    return
                time.sleep(DRIP_S)
            return
        bombed = self.path in server.bombs
        body = bomb() if bombed else server.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        if bombed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        with contextlib.suppress(OSError):  # the importer stopped reading (the size cap)
            self.wfile.write(body)

    def log_message(self, *args):
        pass
