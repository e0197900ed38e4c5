"""The "open now" fragment against the ceiling and /healthz on one real `lieux serve`, and the
engine alone.

The server runs as its own process on a seeded temporary database (the real lieux plus the demo
hours). A small asyncio client keeps CONNECTIONS keep-alive connections busy for DURATION
seconds per URL and records every latency. The ratio of fragment to /healthz throughput is the
figure that matters: it says what the widget costs on top of the bare framework on this machine.
The ceiling (bench/ceiling.py: bare Litestar, constant 1 KB, same uvicorn options) runs in its
own process and is measured in the same alternating rounds; the cached fragment's ratio to it is
the hot path's goal (GOAL_CEILING_RATIO).
"""

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from itertools import cycle
from pathlib import Path

from bench.ceiling import PATH as CEILING_PATH
from bench.ceiling import CeilingServer
from lieux import db as database
from lieux.demo import DEMO_SLOTS, seed_demo
from lieux.hours.engine import state
from lieux.hours.holidays import public_holidays
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests.live_server import LiveServer

CONNECTIONS = 16
DURATION = 1.5  # seconds per URL and round
WARMUP = 1.0
# Short rounds that alternate the URLs, so that a noisy neighbour on a shared machine slows
# both alike and the ratio stays meaningful.
ROUNDS = 6
GOAL_RATIO = 0.8
GOAL_CEILING_RATIO = 0.6
ENGINE_LIEUX = 1_000
ENGINE_REPEATS = 5
URLS = {
    "healthz": "/healthz",
    "fragment": "/widget/open-now?lang=fr&show=all",
}
# Not the hot path (a fixed ?at= is not cached), shown for comparison.
UNCACHED = "/widget/open-now?lang=fr&show=all&at=2026-11-28T11:00"


async def _worker(port: int, path: str, until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            if status != b"200":
                raise RuntimeError(f"{path}: HTTP {status.decode()}")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(port: int, path: str, duration: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    start = time.perf_counter()
    until = start + duration
    await asyncio.gather(*(_worker(port, path, until, latencies) for _ in range(CONNECTIONS)))
    return len(latencies) / (time.perf_counter() - start), latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_server() -> dict[str, tuple[float, float, float, float]]:
    """{name: (requests/s, p50 ms, p99 ms, server CPU µs per request)} for each URL.

    The client shares the machine's cores with the server, so on a busy or small machine the
    client may be what limits req/s; the server's own CPU time per answer does not depend on it.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = database.connect(path)
        database.migrate(db)
        seed_guide(db, now=datetime.now(UTC))
        seed_demo(db, today=date.today(), now=datetime.now(UTC))
        db.close()
        server = LiveServer(path)
        ceiling = CeilingServer()
        try:
            urls = {
                "ceiling": (ceiling.port, CEILING_PATH),
                **{name: (server.port, url) for name, url in URLS.items()},
                "uncached": (server.port, UNCACHED),
            }
            for port, url in urls.values():
                asyncio.run(_load(port, url, WARMUP))
            counts: dict[str, list[float]] = {name: [] for name in urls}
            latencies: dict[str, list[float]] = {name: [] for name in urls}
            cpu = dict.fromkeys(urls, 0.0)
            pids = {ceiling.port: ceiling.process.pid, server.port: server.process.pid}
            for _round in range(ROUNDS):
                for name, (port, url) in urls.items():
                    before = cpu_seconds(pids[port])
                    rate, found = asyncio.run(_load(port, url, DURATION))
                    cpu[name] += cpu_seconds(pids[port]) - before
                    counts[name].append(rate)
                    latencies[name].extend(found)
        finally:
            server.stop()
            ceiling.stop()
    return {
        name: (
            statistics.mean(counts[name]),
            _percentile(latencies[name], 0.50) * 1000,
            _percentile(latencies[name], 0.99) * 1000,
            cpu[name] / len(latencies[name]) * 1e6,
        )
        for name in urls
    }


def measure_engine() -> tuple[float, float]:
    """Seconds to compute the state of ENGINE_LIEUX lieux at one instant: the first run (cold
    wall-time conversion cache) and the best of the following ones."""
    settings = Settings()
    zone = settings.zone
    now = datetime.now(UTC)
    holidays = public_holidays(range(now.year - 1, now.year + 2), iris_day=True)
    patterns = cycle(DEMO_SLOTS.values())
    closure = OpeningException(
        start_date=now.date() + timedelta(days=30),
        end_date=now.date() + timedelta(days=45),
        kind="closed",
        note="Congés",
    )
    all_hours = [
        OpeningHours(
            lieu_id=n,
            slots=tuple(next(patterns)),
            exceptions=(closure,) if n % 3 == 0 else (),
            holiday_rule=HolidayRule(rule="closed"),
        )
        for n in range(ENGINE_LIEUX)
    ]
    runs = []
    for _ in range(ENGINE_REPEATS):
        started = time.perf_counter()
        for hours in all_hours:
            state(hours, now, holidays=holidays, zone=zone)
        runs.append(time.perf_counter() - started)
    return runs[0], min(runs[1:])


def main() -> None:
    print(f"widget benchmark: {CONNECTIONS} connections, {ROUNDS} x {DURATION:.1f} s per URL")
    results = measure_server()
    print(
        f"  {'URL':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'/ ceiling':>9}"
        f" {'CPU µs':>7} {'/ ceiling':>9}"
    )
    ceiling, ceiling_cpu = results["ceiling"][0], results["ceiling"][3]
    rows = (("ceiling", "ceiling: bare Litestar, 1 KB"), *URLS.items(), ("uncached", UNCACHED))
    for name, url in rows:
        rate, p50, p99, cpu = results[name]
        print(
            f"  {url:<52} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f} {rate / ceiling:>9.2f}"
            f" {cpu:>7.0f} {ceiling_cpu / cpu:>9.2f}"
        )
    ratio = results["fragment"][0] / ceiling
    verdict = "meets" if ratio >= GOAL_CEILING_RATIO else "misses"
    print(f"  cached fragment / ceiling: {ratio:.2f} ({verdict} the goal of {GOAL_CEILING_RATIO})")
    ratio = ceiling_cpu / results["fragment"][3]
    verdict = "meets" if ratio >= GOAL_CEILING_RATIO else "misses"
    print(
        f"  answers per server CPU second, cached fragment / ceiling: {ratio:.2f} "
        f"({verdict} the goal of {GOAL_CEILING_RATIO}; the figure a saturated server would show)"
    )
    ratio = results["fragment"][0] / results["healthz"][0]
    verdict = "meets" if ratio >= GOAL_RATIO else "misses"
    print(f"  ratio fragment / healthz: {ratio:.2f} ({verdict} the goal of {GOAL_RATIO})")
    cold, warm = measure_engine()
    print(
        f"  engine: state of {ENGINE_LIEUX} lieux in {cold * 1000:.1f} ms on the first run, "
        f"{warm * 1000:.1f} ms after ({warm / ENGINE_LIEUX * 1e6:.0f} µs per lieu)"
    )
