"""The agenda fragment (/widget/agenda) against /healthz on one real `lieux serve`.

Same method as bench/widget.py: the server runs as its own process on a seeded temporary
database (the real lieux plus the demo activities), a small asyncio client keeps keep-alive
connections busy, and short rounds alternate the URLs so a noisy neighbour slows them alike. The
ratio of the cached fragment's throughput to /healthz's is the figure that matters; the time to
build a fragment from the database (a cache miss) is shown beside it.
"""

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.widget import DURATION, ROUNDS, WARMUP, _load, _percentile
from lieux import db as database
from lieux.db.lieux import list_lieux
from lieux.demo import seed_demo
from lieux.embed.agenda import build_view, parse_agenda_query
from lieux.seed import seed_guide
from lieux.settings import Settings
from tests.live_server import LiveServer

GOAL_RATIO = 0.8
URLS = {
    "healthz": "/healthz",
    "agenda": "/widget/agenda?lang=fr",
    "agenda (a lieu, nl, 31 days)": "/widget/agenda?lieu=babel-zin&lang=nl&days=31",
}
BUILD_REPEATS = 20


def _seeded(tmp: str) -> Path:
    path = Path(tmp) / "bench.sqlite3"
    db = database.connect(path)
    database.migrate(db)
    seed_guide(db, now=datetime.now(UTC))
    seed_demo(db, today=date.today(), now=datetime.now(UTC))
    db.close()
    return path


def measure_server(path: Path) -> dict[str, tuple[float, float, float]]:
    """{name: (requests/s, p50 ms, p99 ms)} for each URL on one server."""
    server = LiveServer(path)
    try:
        for url in URLS.values():
            asyncio.run(_load(server.port, url, WARMUP))
        counts: dict[str, list[float]] = {name: [] for name in URLS}
        latencies: dict[str, list[float]] = {name: [] for name in URLS}
        for _round in range(ROUNDS):
            for name, url in URLS.items():
                rate, found = asyncio.run(_load(server.port, url, DURATION))
                counts[name].append(rate)
                latencies[name].extend(found)
    finally:
        server.stop()
    return {
        name: (
            statistics.mean(counts[name]),
            _percentile(latencies[name], 0.50) * 1000,
            _percentile(latencies[name], 0.99) * 1000,
        )
        for name in URLS
    }


def measure_build(path: Path) -> float:
    """Best seconds to build the whole network's fragment data (92 days, 50 items) from the
    database: what a cache miss costs before rendering."""
    settings = Settings(db=str(path))
    db = database.connect(path)
    query = parse_agenda_query(list_lieux(db), days="92", limit="50", zone=settings.zone)
    now = datetime.now(UTC)
    runs = []
    for _ in range(BUILD_REPEATS):
        started = time.perf_counter()
        build_view(db, settings, query, now)
        runs.append(time.perf_counter() - started)
    db.close()
    return min(runs)


def main() -> None:
    print(f"agenda benchmark: {ROUNDS} x {DURATION:.1f} s per URL")
    with tempfile.TemporaryDirectory() as tmp:
        path = _seeded(tmp)
        results = measure_server(path)
        build = measure_build(path)
    print(f"  {'URL':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, url in URLS.items():
        rate, p50, p99 = results[name]
        print(f"  {url:<52} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    ratio = results["agenda"][0] / results["healthz"][0]
    verdict = "meets" if ratio >= GOAL_RATIO else "misses"
    print(f"  ratio agenda (cached) / healthz: {ratio:.2f} ({verdict} the goal of {GOAL_RATIO})")
    print(
        f"  a cache miss: the network's 92 days built in {build * 1000:.1f} ms (before rendering)"
    )


if __name__ == "__main__":
    main()
