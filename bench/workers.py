"""The cached widget on `lieux serve --workers 2` against one worker, on the same machine.

Both servers run at once over the same seeded temporary database; short rounds alternate
between them (as bench/widget.py alternates URLs) so that a busy neighbour slows both alike.
The load comes from CLIENT_PROCESSES processes, each running bench/widget.py's keep-alive
client: one Python client alone could not keep two workers busy. On a machine with fewer free
cores than workers plus clients, the ratio says so: it is what this machine gains.
"""

import asyncio
import multiprocessing
import statistics
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from bench import widget
from lieux import db as database
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from tests.deploy.servers import Serve

CLIENT_PROCESSES = 2
WORKERS = 2
DURATION = 1.5  # seconds per server and round
ROUNDS = 6
PATH = widget.URLS["fragment"]


def _client(port: int, duration: float) -> float:
    rate, _latencies = asyncio.run(widget._load(port, PATH, duration))
    return rate


def _rate(pool, port: int, duration: float) -> float:
    """Requests per second all client processes together got from the server on `port`."""
    return sum(pool.starmap(_client, [(port, duration)] * CLIENT_PROCESSES))


def measure() -> tuple[float, float]:
    """(req/s with one worker, req/s with WORKERS workers), means over ROUNDS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = database.connect(path)
        database.migrate(db)
        seed_guide(db, now=datetime.now(UTC))
        seed_demo(db, today=date.today(), now=datetime.now(UTC))
        db.close()
        one = Serve(path)
        several = None
        try:
            several = Serve(path, "--workers", str(WORKERS))
            with multiprocessing.get_context("fork").Pool(CLIENT_PROCESSES) as pool:
                for server in (one, several):
                    _rate(pool, server.port, widget.WARMUP)
                rates: dict[int, list[float]] = {one.port: [], several.port: []}
                for _round in range(ROUNDS):
                    for server in (one, several):
                        rates[server.port].append(_rate(pool, server.port, DURATION))
        finally:
            one.stop()
            if several is not None:
                several.stop()
    return statistics.mean(rates[one.port]), statistics.mean(rates[several.port])


def main() -> None:
    print(
        f"workers benchmark: {PATH}, {CLIENT_PROCESSES} client processes x "
        f"{widget.CONNECTIONS} connections, {ROUNDS} x {DURATION:.1f} s per server"
    )
    single, multiple = measure()
    print(f"  1 worker:  {single:>8.0f} req/s")
    print(f"  {WORKERS} workers: {multiple:>8.0f} req/s")
    print(
        f"  ratio {WORKERS} workers / 1 worker: {multiple / single:.2f} "
        f"({multiprocessing.cpu_count()} CPUs on this machine)"
    )


if __name__ == "__main__":
    main()
