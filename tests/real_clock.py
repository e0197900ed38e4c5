"""Which tests read the real clock, and a tripwire for those that do without saying so.

Inside the service "now" is a parameter; the only readings of the machine's clock are
`lieux.clock.utc_now` (the default clock of `create_app`, and the CLI's reading) and the `lieux`
processes tests start (`lieux serve`, a CLI command). Only the tests that reach one of those can
behave differently on another date, so `make test-dates` runs only them (marker `real_clock`)
with the clock moved.

A test is marked automatically when it, one of its fixtures, or a helper function of the test
suite they call refers to something that starts `lieux` or runs its CLI (STARTS_LIEUX). For
the others, the tripwire fails the test when it calls `lieux.clock.utc_now` or starts a `lieux`
process anyway, so the mark can never be missing silently: use a pinned clock
(`make_app(path, clock)`), a `now=` argument, or mark the test `@pytest.mark.real_clock`.
"""

import inspect
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from types import CodeType, ModuleType

import pytest

import lieux.clock

MARK = "real_clock"
# What starts `lieux` or runs its CLI: the objects themselves (tests/conftest.py fills this).
STARTS_LIEUX: list[object] = []
# A command line that runs `lieux` (its console script, `python -m lieux.cli`, a shell script
# calling it); not `lieux.service` or a folder called lieux.
LIEUX_COMMAND = re.compile(r"(^|[\s/])lieux(\s|$)|\blieux\.cli\b")
# Helpers are followed this deep from the test or fixture (helper calling helper...).
MAX_DEPTH = 4


class RealClockRead(BaseException):
    """Raised where an unmarked test reads the real clock. A BaseException, so that the
    service's own `except Exception` (error pages, the footer) cannot swallow it."""


def _names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):  # nested functions, lambdas, comprehensions
            yield from _names(const)


def _starts_lieux(value: object) -> bool:
    return any(value is helper for helper in STARTS_LIEUX)


def refers_to_lieux(function: Callable, depth: int = 0, seen: set | None = None) -> bool:
    """Whether `function` refers to something in STARTS_LIEUX, itself or through the test
    suite's helper functions it refers to."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or id(function) in seen or depth > MAX_DEPTH:
        return False
    seen.add(id(function))
    names = set(_names(code))
    scope = getattr(function, "__globals__", {})
    for name in names:
        # A global, or a module the function imports itself (`from tests.x import Serve`).
        value = scope.get(name, sys.modules.get(name))
        if value is None:
            continue
        if _starts_lieux(value):
            return True
        if isinstance(value, ModuleType):  # `cli.main(...)`
            if any(_starts_lieux(getattr(value, attr, None)) for attr in names):
                return True
        elif (
            inspect.isfunction(value)
            and value.__module__.startswith("tests")
            and refers_to_lieux(value, depth + 1, seen)
        ):
            return True
    return False


_verdicts: dict[Callable, bool] = {}


def _verdict(function: Callable | None) -> bool:
    if function is None:
        return False
    if function not in _verdicts:
        _verdicts[function] = refers_to_lieux(function)
    return _verdicts[function]


def reads_real_clock(item: pytest.Item) -> bool:
    """Whether the test or one of its fixtures refers to something that starts `lieux`."""
    if _verdict(getattr(item, "function", None)):
        return True
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        if any(_verdict(definition.func) for definition in definitions):
            return True
    return False


def mark(items: list[pytest.Item]) -> None:
    for item in items:
        if not item.get_closest_marker(MARK) and reads_real_clock(item):
            item.add_marker(MARK)


def runs_lieux(args) -> bool:
    command = args if isinstance(args, str | bytes) else " ".join(map(str, args))
    if isinstance(command, bytes):
        command = command.decode(errors="replace")
    return LIEUX_COMMAND.search(command) is not None


class Tripwire:
    def __init__(self, test: str):
        self.test = test
        self.reached: list[str] = []

    def trip(self, what: str):
        self.reached.append(what)
        raise RealClockRead(
            f"{self.test} {what}, which reads the real clock, without the `{MARK}` mark: "
            f"give it a pinned clock or `now=`, or mark it @pytest.mark.{MARK} "
            "(tests/real_clock.py)"
        )


@pytest.fixture(autouse=True)
def real_clock_tripwire(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """For a test not marked `real_clock`: reading `lieux.clock.utc_now` or starting a `lieux`
    process fails it (also when the service caught the error and answered anyway). Its value:
    what the test reached (None for a marked test)."""
    if request.node.get_closest_marker(MARK):
        yield None
        return
    tripwire = Tripwire(request.node.nodeid)

    class Pinned(datetime):
        @classmethod
        def now(cls, tz=None):
            tripwire.trip("calls lieux.clock.utc_now")

    start = subprocess.Popen.__init__

    def popen(self, args, *more, **options):
        if runs_lieux(args):
            tripwire.trip(f"starts a lieux process ({args!r:.80})")
        start(self, args, *more, **options)

    # utc_now reads the module's `datetime` at each call: however it was imported, it trips.
    monkeypatch.setattr(lieux.clock, "datetime", Pinned)
    monkeypatch.setattr(subprocess.Popen, "__init__", popen)
    yield tripwire
    if tripwire.reached:
        pytest.fail(f"{tripwire.test} reached the real clock: {'; '.join(tripwire.reached)}")
