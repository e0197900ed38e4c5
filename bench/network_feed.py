"""The network feed's first build at the caps, in process: the demo data and the biggest
calendar the model accepts imported into three lieux, as `python -m bench.hostile` fills them,
then `/ical/network.ics` built from the database with nothing cached (the CPU a first request
costs the server), least of BUILDS; `--profile` prints where the time goes.

`python -m bench.network_feed [--profile]`. Not part of `make bench`: bench.hostile times the
same build on a real server among every other read.
"""

import cProfile
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.hostile_calendars import biggest
from bench.hostile_writes import LIEU_BIG, LIEU_BIG_FORM, LIEU_PUBLIC
from lieux import db as database
from lieux.calendar import feed_builder
from lieux.calendar.feeds import clear_caches
from lieux.calendar.ical_import import parse_calendar
from lieux.calendar.sync import CLI, import_events
from lieux.db.lieux import get_lieu
from lieux.demo import seed_demo
from lieux.seed import seed_guide
from lieux.settings import Settings

BUILDS = 7
GOAL_MS = 100


def fill(path: Path, now: datetime) -> None:
    """The demo data and BIGGEST in the three lieux bench.hostile imports it into."""
    settings = Settings(db=str(path))
    db = database.connect(str(path))
    database.migrate(db)
    seed_guide(db, now=now)
    seed_demo(db, today=now.date(), now=now)
    for slug in (LIEU_BIG_FORM, LIEU_PUBLIC, LIEU_BIG):
        events = parse_calendar(biggest(slug), settings.zone)
        lieu = get_lieu(db, slug)
        import_events(
            db, lieu.id, events, url=None, label="big.ics", actor=CLI, zone=settings.zone, now=now
        )
    db.close()


def first_build(settings: Settings, now: datetime) -> tuple[float, int]:
    """One build of the network feed with nothing cached: its CPU in ms, its size."""
    clear_caches()
    started = time.process_time()
    built = feed_builder.build_fresh(settings, feed_builder.FeedQuery(), now)
    return (time.process_time() - started) * 1000, len(built.body)


def main(argv: list[str]) -> int:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "caps.db"
        fill(path, now)
        settings = Settings(db=str(path))
        times = []
        for _ in range(BUILDS):
            spent, size = first_build(settings, now)
            times.append(spent)
        best = min(times)
        print("builds (ms):", " ".join(f"{t:.0f}" for t in times))
        print(
            f"network feed, first build at the caps: {best:.0f} ms of CPU (least of {BUILDS}; "
            f"median {sorted(times)[BUILDS // 2]:.0f}), {size / 1e6:.1f} MB, goal {GOAL_MS} ms"
        )
        if "--profile" in argv:
            profile = cProfile.Profile()
            clear_caches()
            profile.enable()
            feed_builder.build_fresh(settings, feed_builder.FeedQuery(), now)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    return 0 if best <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
