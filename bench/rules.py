"""The recurrence model's worst cases (issue 20): checking a hostile rule, expanding one that
slipped into the database, and parsing the biggest hostile calendar files.

Each figure is the best CPU time of REPEATS runs (time.process_time, so a noisy neighbour on the
machine does not count), with the steps the walk counted: the caps (lieux.calendar.expansion) make
them the same on every machine, the milliseconds say what a step costs on this one. The goal is
GOAL_MS for checking or expanding any rule; the files are bounded by the 5 MB cap instead.
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lieux.calendar import expansion, rules
from lieux.calendar.ical_import import ImportProblem, parse_calendar

ZONE = ZoneInfo("Europe/Brussels")
START = datetime(2026, 11, 24, 14, 0)
REPEATS = 5
GOAL_MS = 50
WORST = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYSETPOS=1,2,-1,-2;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
    "FREQ=MONTHLY;INTERVAL=52;COUNT=500",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=WEEKLY;BYDAY=TU",
]


def _best(run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(REPEATS):
        expansion.shape.cache_clear()  # nothing remembered from the previous run
        expansion._parsed.cache_clear()
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best * 1000, result


def check(rule: str) -> str:
    try:
        rules.check_series(START, START + timedelta(hours=1), rule, ZONE)
    except rules.RuleError as error:
        return error.reason
    return "accepted"


def calendar(lines: list[str]) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    return "\r\n".join([*head, *lines, "END:VCALENDAR", ""]).encode()


def files() -> dict[str, bytes]:
    exdates = ",".join(
        f"{9000 + n // 336}{1 + n // 28 % 12:02d}{1 + n % 28:02d}T100000" for n in range(300_000)
    )
    daily = ["BEGIN:VEVENT", "UID:far@bench", "DTSTAMP:20261101T000000Z"]
    daily += ["DTSTART:20261201T100000", "RRULE:FREQ=DAILY", f"EXDATE:{exdates}", "END:VEVENT"]
    many = []
    for n in range(10_000):
        many += ["BEGIN:VEVENT", f"UID:e{n}@bench", "DTSTAMP:20261101T000000Z"]
        many += [f"DTSTART:2027{1 + n % 12:02d}01T100000Z", "END:VEVENT"]
    return {"300,000 EXDATEs from 9000 on": calendar(daily), "10,000 events": calendar(many)}


def main() -> None:
    print(f"recurrence rules benchmark: best CPU of {REPEATS}, goal {GOAL_MS} ms per rule")
    print(f"  {'rule':<60} {'check':>12} {'ms':>7} {'expand 2199':>12} {'ms':>7}")
    slowest = 0.0
    dtstart = START.replace(tzinfo=ZONE)
    window = (datetime(2199, 1, 1, tzinfo=ZONE), datetime(2199, 12, 31, tzinfo=ZONE))
    for rule in WORST:
        check_ms, verdict = _best(lambda rule=rule: check(rule))
        walk_ms, walked = _best(
            lambda rule=rule: expansion.walk(rule, dtstart, *window, quiet=True)
        )
        slowest = max(slowest, check_ms, walk_ms)
        steps = f"{walked.periods}p/{walked.occurrences}d"
        print(f"  {rule[:60]:<60} {verdict:>12} {check_ms:>7.1f} {steps:>12} {walk_ms:>7.1f}")
    verdict = "meets" if slowest <= GOAL_MS else "misses"
    print(f"  slowest: {slowest:.1f} ms ({verdict} the goal of {GOAL_MS} ms)")
    for name, data in files().items():
        parse_ms, outcome = _best(lambda data=data: _parse(data))
        print(f"  parse {name} ({len(data) / 1e6:.1f} MB): {parse_ms:.0f} ms, {outcome}")


def _parse(data: bytes) -> str:
    try:
        found = parse_calendar(data, ZONE)
    except ImportProblem as problem:
        return f"refused: {problem}"
    return f"{len(found)} event(s), {sum(len(e.notes) for e in found)} note(s)"


if __name__ == "__main__":
    main()
