"""The hostile cases of issue 20 and the writes that send them through every way in: the
activity form, a proposal without an account, the OSM hours form, the import form (a file, an
address), `lieux import-ics` (a file, an address) and `lieux refresh-ics`. Each write says what it
expects (refused with which words, or imported); `send_hostile_writes` returns what happened.

The biggest calendar the model accepts (BIGGEST) is imported four times, by the form, the CLI
from a file and from an address, and by the refresh; meanwhile another lieu's co-manager sets its
live status again and again (StatusPoster), and every one of those writes must succeed.
"""

import html
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from urllib.parse import unquote_plus

import httpx
import msgspec

from bench.hostile_calendars import BIGGEST, FILES, SERVED, good, tagged

LIEU_FORM = "babel-zin"  # the co-manager's forms, the import form, the linked calendars
LIEU_PUBLIC = "circuit"  # takes proposals without an account; `lieux import-ics` writes here
LIEU_BIG = "le-delta"  # the biggest calendar, linked by address and refreshed
LIEU_BIG_FORM = "la-trace"  # the biggest calendar, uploaded through the import form
LIEU_OTHER = "club-55"  # another lieu, whose live status is set during the biggest imports
# What the import's download may take (lieux.calendar.fetch.FETCH_TIMEOUT), and the words of
# its refusal when a server takes longer.
SLOW_WORDS = "took longer than 15 s"
# What no page, feed or API answer may ever hold once the hostile writes are in.
MARKUP = "<script>alert(1)</script>"


class Outcome(msgspec.Struct, kw_only=True):
    path: str  # the way in: "form", "proposal", "import file"...
    case: str
    answer: str  # the HTTP status or the exit code
    seconds: float
    ok: bool
    detail: str = ""
    other_writes: int = 0  # another lieu's writes while this one ran, and how many failed
    failed_writes: int = 0
    slowest_read: float = 0.0  # seconds, the widget read meanwhile
    output: str = ""  # what a command printed on stdout


# --- another lieu's writes ---------------------------------------------------------------------


class StatusPoster:
    """A co-manager of LIEU_OTHER setting its live status over and over, in a thread, counting
    the posts that did not succeed (a 303 back to the dashboard); between two posts, a visitor
    reads the widget, and the slowest read is kept."""

    def __init__(self, client: httpx.Client, csrf: str):
        self.client, self.csrf = client, csrf
        self.posted, self.failed = 0, []
        self.slowest_read = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        states = ("open", "closed")
        while not self.stop.is_set():
            data = {"state": states[self.posted % 2], "_csrf_token": self.csrf}
            try:
                response = self.client.post(f"/manage/{LIEU_OTHER}/status", data=data)
                status = str(response.status_code)
                started = time.monotonic()
                self.client.get("/widget/open-now?lang=fr")
                self.slowest_read = max(self.slowest_read, time.monotonic() - started)
            except httpx.HTTPError as error:
                status = type(error).__name__
            self.posted += 1
            if status != "303":
                self.failed.append(status)
            self.stop.wait(0.05)

    def __enter__(self) -> "StatusPoster":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(60)


# --- the ways in --------------------------------------------------------------------------------


def _http(way: str, case: str, client: httpx.Client, url: str, expect: tuple, **send) -> Outcome:
    """POST to `url` and compare with `expect`: (status, words the page or the address it
    redirects to must hold)."""
    status, words = expect
    started = time.monotonic()
    response = client.post(url, **send)
    seconds = time.monotonic() - started
    text = html.unescape(response.text) + " " + unquote_plus(response.headers.get("location", ""))
    ok = response.status_code == status and words in text
    detail = "" if ok else f"expected {status} with {words!r}, got: {_gist(text)}"
    answer = str(response.status_code)
    return Outcome(path=way, case=case, answer=answer, seconds=seconds, ok=ok, detail=detail)


def _gist(text: str) -> str:
    """The part of a page that says what went wrong (its error message), or its start."""
    for marker in ('class="error', 'role="alert"', "<title>"):
        if marker in text:
            return " ".join(text.split(marker, 1)[1][:300].split())
    return " ".join(text[:300].split())


def _refused_or(words: str | None, done: tuple) -> tuple:
    """What a form must answer: 400 with `words`, or `done` when they are None."""
    return (400, words) if words else done


def _cli(way: str, case: str, world, args: tuple, words: str | None) -> Outcome:
    """`lieux ARGS` against what is expected: refused in one line on stderr naming `words`
    (exit 2), or done (exit 0, a summary on stdout) when `words` is None."""
    started = time.monotonic()
    done = world.lieux(*args)
    seconds = time.monotonic() - started
    if words:
        ok = done.returncode == 2 and done.stderr.count("\n") == 1 and words in done.stderr
    else:
        ok = done.returncode == 0 and " added, " in done.stdout
    detail = "" if ok else f"exit {done.returncode}: {(done.stderr or done.stdout)[-300:]}"
    answer = f"exit {done.returncode}"
    return Outcome(
        path=way,
        case=case,
        answer=answer,
        seconds=seconds,
        ok=ok,
        detail=detail,
        output=done.stdout,
    )


# The activity form and proposals: (case, fields over a good activity, the refusal's words or
# None when the form takes it). French: the forms speak the person's language, French by default.
FORM_CASES: list[tuple[str, dict, str | None]] = [
    ("FREQ=DAILY;INTERVAL=0", {"rrule": "FREQ=DAILY;INTERVAL=0"}, "va de 1 à 52"),
    ("INTERVAL=1000", {"rrule": "FREQ=WEEKLY;INTERVAL=1000"}, "va de 1 à 52"),
    ("never occurs (30 February)", {"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "ne tombe"),
    ("BYDAY=53MO monthly (a dateutil crash)", {"rrule": "FREQ=MONTHLY;BYDAY=53MO"}, "ne tombe"),
    ("starts in year 1", {"day": "0001-01-01"}, "entre 1970 et 2199"),
    ("repeats until 9999", {"repeat": "weekly", "until": "9999-12-31"}, "entre 1970 et 2199"),
    ("UNTIL=9999 typed", {"rrule": "FREQ=DAILY;UNTIL=99991231T000000Z"}, "entre 1970"),
    ("COUNT=1000000", {"rrule": "FREQ=DAILY;COUNT=1000000"}, "va de 1 à 500"),
    ("FREQ=SECONDLY", {"rrule": "FREQ=SECONDLY"}, "au plus une fois par jour"),
    ("BYSETPOS of 5 values", {"rrule": "FREQ=YEARLY;BYSETPOS=1,2,3,4,5"}, "au plus 4 valeurs"),
    ("BYEASTER", {"rrule": "FREQ=YEARLY;BYEASTER=0"}, "BYEASTER n"),
    ("a 600-character rule", {"rrule": "FREQ=DAILY;BYMONTHDAY=" + ",".join(["1"] * 300)}, "500"),
    ("markup in the title", {"title": f"{MARKUP}Atelier"}, "balises"),
    ("VT, U+2028 in the title", {"title": "Atelier\x0bchant\u2028libre"}, None),
]


def _good_activity() -> dict:
    return {
        "title": "Atelier",
        "kind": "atelier",
        "day": (date.today() + timedelta(days=9)).isoformat(),
        "start": "14:00",
        "end": "16:00",
    }


def activity_forms(world) -> list[Outcome]:
    """The co-manager's activity form and hours form, then a proposal without an account (the
    lieu opens to them first, on its settings page)."""
    client, csrf = world.manager(LIEU_FORM)
    found = []
    for case, fields, words in FORM_CASES:
        data = {**_good_activity(), **fields, "_csrf_token": csrf}
        expect = _refused_or(words, (303, f"/manage/{LIEU_FORM}/"))
        found.append(
            _http("form", case, client, f"/manage/{LIEU_FORM}/activities", expect, data=data)
        )
    # An OSM string is pasted from OpenStreetMap more than typed: its notes are cleaned as
    # imported text is (lieux.text.clean), not refused; the reads check the markup is gone.
    osm = {"osm": f'Mo-Fr 10:00-16:00 open "{MARKUP}"', "_csrf_token": csrf}
    url = f"/manage/{LIEU_FORM}/hours/osm"
    case = "markup in an OSM note (cleaned)"
    found.append(_http("hours form", case, client, url, (303, "saved"), data=osm))
    public, public_csrf = world.manager(LIEU_PUBLIC)
    rules = {"governance": "coordinated", "support_threshold": "3", "public_proposals": "1"}
    url = f"/manage/{LIEU_PUBLIC}/settings"
    data = {**rules, "_csrf_token": public_csrf}
    found.append(_http("settings", "open to proposals", public, url, (303, "saved"), data=data))
    stranger = world.stranger
    stranger.get(f"/propose/{LIEU_PUBLIC}")  # the form, and its CSRF cookie
    token = stranger.cookies.get("csrftoken")
    for case, fields, words in FORM_CASES:
        data = {**_good_activity(), **fields, "proposer_name": "Zoé", "_csrf_token": token}
        expect = _refused_or(words, (303, "sent=1"))
        found.append(
            _http("proposal", case, stranger, f"/propose/{LIEU_PUBLIC}", expect, data=data)
        )
    return found


def _upload(world, case: str, name: str, data: bytes, expect: tuple, slug=LIEU_FORM) -> Outcome:
    client, csrf = world.manager(slug)
    url = f"/manage/{slug}/calendars"
    files = {"file": (name, data, "text/calendar")}
    return _http("import file", case, client, url, expect, data={"_csrf_token": csrf}, files=files)


def _link(world, case: str, url: str, words: str | None, who="", good=False) -> Outcome:
    """Link `url` through the import form: refused naming `words`, or imported (the one event
    of a `good` calendar added)."""
    client, csrf = world.manager(LIEU_FORM, who)
    data = {"url": url, "_csrf_token": csrf}
    # The import page's address carries the counts (lieux.calendar.sync.ImportCounts).
    expect = _refused_or(words, (303, "added=1&updated=0&" if good else "added="))
    return _http(
        "import address", case, client, f"/manage/{LIEU_FORM}/calendars", expect, data=data
    )


NOT_PUBLIC = "only calendars on the public internet can be linked"
# Addresses the filter must refuse in one line, whatever the loopback allowance of the bench.
ADDRESSES = [
    ("http://[1.2.3.4]/", "http://[1.2.3.4]/", "not a valid IPv6 address"),
    ("%01 in the host", "http://exa%01mple.org/agenda.ics", "host name is not valid"),
    ("a control character", "http://example.org/\x01.ics", "control characters"),
    ("[::1]", "http://[::1]:8000/x.ics", NOT_PUBLIC),
    ("10.0.0.1", "http://10.0.0.1/agenda.ics", NOT_PUBLIC),
    ("169.254.169.254", "http://169.254.169.254/latest/meta-data/", NOT_PUBLIC),
    ("[::ffff:10.0.0.1]", "http://[::ffff:10.0.0.1]/agenda.ics", NOT_PUBLIC),
    ("an internal name", "http://metadata.google.internal/agenda.ics", NOT_PUBLIC),
]


def import_form(world) -> list[Outcome]:
    """Files uploaded, then addresses linked, through the co-managers' import form."""
    found = []
    for case, (make, words) in FILES.items():
        expect = _refused_or(words, (303, "added"))
        found.append(_upload(world, case, "agenda.ics", tagged(make(), "form"), expect))
    found.append(_upload(world, "a 50 MB upload", "huge.ics", bytes(50_000_000), (413, "")))
    calendars = world.calendars
    for case in SERVED:
        make, words = FILES[case]
        path = f"/served/{len(calendars.files)}.ics"
        calendars.files[path] = tagged(make(), "address")
        found.append(_link(world, case, calendars.url(path), words))
    calendars.bombs.add("/bomb.ics")
    bomb_url = calendars.url("/bomb.ics")
    found.append(_link(world, "1 MB of gzip, 1 GB inflated", bomb_url, "larger than 5 MB"))
    found += [_link(world, case, url, words) for case, url, words in ADDRESSES]
    return found


def import_cli(world) -> list[Outcome]:
    """`lieux import-ics` with each file."""
    found = []
    for n, (case, (make, words)) in enumerate(FILES.items()):
        file = world.folder / f"cli-{n}.ics"
        file.write_bytes(tagged(make(), "cli"))
        found.append(_cli("cli file", case, world, ("import-ics", LIEU_PUBLIC, str(file)), words))
    return found


def _while_another_lieu_writes(world, write: Callable[[], Outcome]) -> Outcome:
    """`write()` with LIEU_OTHER's co-manager setting its live status all along."""
    with StatusPoster(*world.manager(LIEU_OTHER)) as poster:
        found = write()
    found.other_writes, found.failed_writes = poster.posted, len(poster.failed)
    found.slowest_read = poster.slowest_read
    if poster.failed:
        found.ok = False
        found.detail += f" {LIEU_OTHER}'s writes failed: {sorted(set(poster.failed))}"
    return found


BIG_CASE = "the biggest accepted (1,000 series, 5,000 EXDATEs)"


def biggest_imports(world) -> list[Outcome]:
    """BIGGEST by the import form, by `lieux import-ics` from a file and from an address."""
    data = BIGGEST("form")
    found = [
        _while_another_lieu_writes(
            world,
            partial(_upload, world, BIG_CASE, "big.ics", data, (303, "added"), LIEU_BIG_FORM),
        )
    ]
    file = world.folder / "big.ics"
    file.write_bytes(BIGGEST("cli"))
    args = ("import-ics", LIEU_PUBLIC, str(file))
    found.append(
        _while_another_lieu_writes(world, partial(_cli, "cli file", BIG_CASE, world, args, None))
    )
    world.calendars.files["/linked/big.ics"] = BIGGEST("address")
    args = ("import-ics", LIEU_BIG, world.calendars.url("/linked/big.ics"))
    found.append(
        _while_another_lieu_writes(world, partial(_cli, "cli address", BIG_CASE, world, args, None))
    )
    return found


# Linked while they are good, then turned hostile for the refresh: the words each line must say.
REFRESHED = {
    "RRULE:FREQ=WEEKLY;INTERVAL=0": FILES["RRULE:FREQ=WEEKLY;INTERVAL=0"][1],
    "never occurs (30 February)": FILES["never occurs (30 February)"][1],
    "300,000 EXDATEs in 9000+ (5 MB)": FILES["300,000 EXDATEs in 9000+ (5 MB)"][1],
    "1 MB of gzip, 1 GB inflated": "larger than 5 MB",
    "headers one byte a second": SLOW_WORDS,
    "unchanged": "0 added, 0 updated, 1 unchanged, 0 removed",
}
# The biggest linked calendar replaced by another: all of it added, the old one removed.
REPLACED = re.compile(r"[1-9]\d* added, 0 updated, 0 unchanged, [1-9]\d* removed")


def refresh(world) -> list[Outcome]:
    """Calendars linked by the form while good, turned hostile, then `lieux refresh-ics`; the
    biggest linked one (LIEU_BIG's) is replaced by another biggest meanwhile."""
    calendars = world.calendars
    paths = {case: f"/linked/{n}.ics" for n, case in enumerate(REFRESHED)}
    found = []
    for case, path in paths.items():
        calendars.files[path] = good(str(len(calendars.files)))
        found.append(_link(world, f"{case}, still good", calendars.url(path), None, good=True))
    for case, path in paths.items():
        if case in FILES:
            calendars.files[path] = tagged(FILES[case][0](), "refresh")
    calendars.bombs.add(paths["1 MB of gzip, 1 GB inflated"])
    calendars.dripping.add(paths["headers one byte a second"])
    calendars.files["/linked/big.ics"] = BIGGEST("refresh")
    run = partial(_cli, "refresh", "the biggest, replaced", world, ("refresh-ics",), None)
    big = _while_another_lieu_writes(world, run)
    lines = dict(line.partition(": ")[::2] for line in big.output.splitlines())
    said = lines.get(calendars.url("/linked/big.ics"), "(no line)")
    if not REPLACED.search(said):
        big.ok, big.detail = False, f"{big.detail} the biggest: {said!r}"
    for case, words in REFRESHED.items():
        said = lines.get(calendars.url(paths[case]), "(no line)")
        ok = words in said
        detail = "" if ok else f"expected {words!r}, said {said!r}"
        found.append(
            Outcome(
                path="refresh",
                case=case,
                answer=big.answer,
                seconds=big.seconds,
                ok=ok,
                detail=detail,
            )
        )
    return [*found, big]


def send_hostile_writes(world, between: Callable[[], None] | None = None) -> list[Outcome]:
    """Every hostile case through every way in; what each answered (bench/hostile.py's world).

    The import form's link to a server that sends its headers one byte a second runs in a
    thread all along: it takes the whole download deadline while the other writes go on."""
    world.calendars.dripping.add("/slow.ics")
    world.manager(LIEU_FORM, "slow")  # signed in before the thread (one client per thread)
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(
            _link,
            world,
            "headers one byte a second",
            world.calendars.url("/slow.ics"),
            SLOW_WORDS,
            "slow",
        )
        found = activity_forms(world)
        found += import_form(world)
        found += import_cli(world)
        if between:  # the hostile cases are in, the lieux not yet filled to the caps
            between()
        found += biggest_imports(world)
        found += refresh(world)
        found.append(slow.result(timeout=120))
    return found
