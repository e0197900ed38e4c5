"""The network iCal feed with ACTIVITIES activities (RECURRING of them series), on a real server.

Figures: the feed's size; the builder alone from the database with nothing cached (cold) and
after one edit (every other event's bytes come from the per-activity cache); the first request to
a fresh server; then warm requests/s (cached bytes, no compression) and 304 requests/s
(If-None-Match), each as a ratio to /healthz on the same `lieux serve` process and to the ceiling
(bench/ceiling.py, its own process), measured in short alternating rounds like bench/widget.py.
"""

import asyncio
import gzip
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import msgspec

from bench.ceiling import PATH as CEILING_PATH
from bench.ceiling import CeilingServer
from lieux import db as database
from lieux.calendar.feeds import build_feed, clear_caches
from lieux.calendar.models import KINDS, ActivityWrite
from lieux.db import activities as activities_db
from lieux.db import overrides as overrides_db
from lieux.db.lieux import list_lieux
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests.live_server import LiveServer

ACTIVITIES = 2_000
RECURRING = 300
CONNECTIONS = 16
DURATION = 1.5
WARMUP = 1.0
ROUNDS = 4
BUILD_REPEATS = 3
FEED = "/ical/network.ics"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def populate(db, today: date, *, seed: int = 5) -> None:
    """ACTIVITIES fictional activities over the real lieux: series (some ending, some with a
    cancelled or moved occurrence) and one-offs from a month back to half a year ahead."""
    rng = random.Random(seed)
    lieux = list_lieux(db)
    kinds = list(KINDS)
    with db.atomic():
        for n in range(ACTIVITIES):
            lieu = lieux[n % len(lieux)]
            hour = rng.randrange(9, 20)
            recurring = n < RECURRING
            day = today + timedelta(days=rng.randrange(-70 if recurring else -30, 180))
            starts = datetime.combine(day, datetime.min.time()).replace(hour=hour)
            rule = None
            if recurring:
                rule = f"FREQ=WEEKLY;BYDAY={BYDAY[day.weekday()]}"
                if n % 4 == 0:
                    rule += f";UNTIL={(day + timedelta(weeks=30)):%Y%m%d}T220000Z"
            write = ActivityWrite(
                kind=kinds[n % len(kinds)],
                title=f"Activité n° {n} à {lieu.name}",
                description="Entrée libre. " * rng.randrange(1, 12),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                rrule=rule,
            )
            activity_id = activities_db.insert_activity(
                db, lieu.id, write, uid=f"bench-{n}@lieux.bench", now=datetime.now(UTC)
            )
            if recurring and n % 5 == 0:
                first = starts + timedelta(weeks=12)
                overrides_db.set_override(
                    db, activity_id, first, now=datetime.now(UTC), status="cancelled"
                )
                overrides_db.set_override(
                    db,
                    activity_id,
                    first + timedelta(weeks=1),
                    now=datetime.now(UTC),
                    starts_at=first + timedelta(weeks=1, hours=1),
                    ends_at=first + timedelta(weeks=1, hours=3),
                )


async def _worker(port, path, headers, expected, until, count) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()
    try:
        while time.perf_counter() < until:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            if status != expected:
                raise RuntimeError(f"{path}: HTTP {status.decode()}")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            count.append(1)
    finally:
        writer.close()


async def _load(port, path, headers, expected, duration) -> float:
    count: list[int] = []
    start = time.perf_counter()
    until = start + duration
    await asyncio.gather(
        *(_worker(port, path, headers, expected, until, count) for _ in range(CONNECTIONS))
    )
    return len(count) / (time.perf_counter() - start)


def _build(db, settings: Settings) -> bytes:
    return build_feed(
        activities_db.list_activities(db),
        {lieu.id: lieu for lieu in list_lieux(db)},
        name="bench",
        lang="fr",
        base_url=settings.base_url,
        zone=settings.zone,
        now=datetime.now(UTC),
        past_days=settings.feed_past_days,
    )


def measure_build(path: Path) -> tuple[float, float, int, int]:
    """Seconds to build the network feed from the database with no event cached, then again
    after one activity changed; the feed's size plain and gzipped."""
    settings = Settings(db=str(path))
    db = database.connect(path)
    cold = float("inf")
    for _ in range(BUILD_REPEATS):
        clear_caches()
        started = time.perf_counter()
        body = _build(db, settings)
        cold = min(cold, time.perf_counter() - started)
    one = activities_db.list_activities(db)[0]
    changed = msgspec.convert(
        {**msgspec.to_builtins(one), "title": one.title + " (modifié)"}, ActivityWrite, strict=False
    )
    activities_db.update_activity(db, one.id, changed, now=datetime.now(UTC))
    started = time.perf_counter()
    _build(db, settings)
    after_edit = time.perf_counter() - started
    db.close()
    return cold, after_edit, len(body), len(gzip.compress(body, compresslevel=6))


def main() -> None:
    print(f"feeds benchmark: {ACTIVITIES} activities ({RECURRING} recurring), {FEED}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = database.connect(path)
        database.migrate(db)
        seed_guide(db, now=datetime.now(UTC))
        populate(db, date.today())
        db.close()
        cold_build, after_edit, size, packed = measure_build(path)
        print(
            f"  feed: {size / 1000:.0f} kB, {packed / 1000:.0f} kB gzipped; built in "
            f"{cold_build * 1000:.0f} ms cold, {after_edit * 1000:.0f} ms after one edit"
        )
        server = LiveServer(path)
        ceiling = CeilingServer()
        try:
            url = f"http://127.0.0.1:{server.port}{FEED}"
            started = time.perf_counter()
            first = httpx.get(url, timeout=60, headers={"Accept-Encoding": "identity"})
            cold = time.perf_counter() - started
            print(f"  first request after the server started: {cold * 1000:.0f} ms")
            port = server.port
            cases = {
                "ceiling": (ceiling.port, CEILING_PATH, {}, b"200"),
                "healthz": (port, "/healthz", {}, b"200"),
                "feed": (port, FEED, {}, b"200"),
                "gzip": (port, FEED, {"Accept-Encoding": "gzip"}, b"200"),
                "304": (port, FEED, {"If-None-Match": first.headers["etag"]}, b"304"),
            }
            for on, target, headers, expected in cases.values():
                asyncio.run(_load(on, target, headers, expected, WARMUP))
            rates: dict[str, list[float]] = {name: [] for name in cases}
            for _round in range(ROUNDS):
                for name, (on, target, headers, expected) in cases.items():
                    rates[name].append(asyncio.run(_load(on, target, headers, expected, DURATION)))
        finally:
            server.stop()
            ceiling.stop()
    healthz = statistics.mean(rates["healthz"])
    top = statistics.mean(rates["ceiling"])
    print(f"  {'':<28} {'req/s':>8} {'/ healthz':>10} {'/ ceiling':>10}")
    labels = {
        "ceiling": "ceiling (bare Litestar, 1 KB)",
        "healthz": "/healthz",
        "feed": "warm feed (200)",
        "gzip": "warm feed (200, gzip)",
        "304": "304 (If-None-Match)",
    }
    for name, label in labels.items():
        rate = statistics.mean(rates[name])
        print(f"  {label:<28} {rate:>8.0f} {rate / healthz:>10.2f} {rate / top:>10.2f}")


if __name__ == "__main__":
    main()
