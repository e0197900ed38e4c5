"""The `real_clock` mark and its tripwire (tests/real_clock.py): what `make test-dates` runs with
the clock moved is every test that can read the real clock, and no test reads it unmarked."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lieux.clock import utc_now
from tests.live_server import LiveServer, run_lieux
from tests.real_clock import MARK, RealClockRead, refers_to_lieux, runs_lieux

LIEUX = Path(__file__).parents[1] / "lieux"
# Reads of the machine's clock; lieux/clock.py alone may have one.
CLOCK_READS = re.compile(
    r"\b(datetime\.now|datetime\.utcnow|datetime\.today|date\.today|time\.time|time\.time_ns"
    r"|time\.localtime|time\.gmtime|time\.strftime)\("
)


def test_the_service_reads_the_clock_in_one_place():
    """Everything else takes `now` (a parameter, the app's clock): lieux/clock.py is the one
    place the service reads the machine's date, so the tripwire there sees every reading."""
    readers = {
        str(path.relative_to(LIEUX.parent)): CLOCK_READS.findall(path.read_text("utf-8"))
        for path in LIEUX.rglob("*.py")
        if path.name != "clock.py" or path.parent != LIEUX
    }
    assert {path: found for path, found in readers.items() if found} == {}
    assert CLOCK_READS.search((LIEUX / "clock.py").read_text("utf-8"))


def test_an_unmarked_test_that_reads_the_clock_is_stopped(real_clock_tripwire):
    with pytest.raises(RealClockRead, match=r"lieux\.clock\.utc_now"):
        utc_now()
    with pytest.raises(RealClockRead, match="starts a lieux process"):
        subprocess.run([sys.executable, "-m", "lieux.cli", "--help"], check=False)
    assert len(real_clock_tripwire.reached) == 2
    real_clock_tripwire.reached.clear()  # caught here: this test must not fail for them
    # Other processes (node, nginx, Chromium) do not run the service: they go on.
    assert subprocess.run(["true"], check=False).returncode == 0


@pytest.mark.real_clock
def test_a_marked_test_reads_the_real_clock(real_clock_tripwire):
    assert real_clock_tripwire is None
    assert utc_now().tzinfo is not None


@pytest.mark.parametrize(
    ("command", "runs"),
    [
        ([sys.executable, "-m", "lieux.cli", "check"], True),
        (["/opt/lieux/.venv/bin/lieux", "serve", "--port", "8000"], True),
        (["/bin/sh", "-ec", "/srv/app/.venv/bin/lieux backup --db x"], True),
        ("lieux", True),
        (["systemd-analyze", "verify", "/tmp/x/lieux.service"], False),
        (["node", "/work/lieux/var/test-assets/opening_hours.js"], False),
        (["/usr/sbin/nginx", "-p", "/tmp/lieux/", "-c", "nginx.conf"], False),
    ],
)
def test_what_counts_as_starting_lieux(command, runs):
    assert runs_lieux(command) is runs


def _helper_that_serves(path):
    return LiveServer(path)


def _helper_of_a_helper(path):
    return _helper_that_serves(path)


def test_a_test_is_marked_through_its_helpers():
    assert refers_to_lieux(lambda: run_lieux("check"))
    assert refers_to_lieux(lambda path: _helper_of_a_helper(path))
    assert not refers_to_lieux(lambda: subprocess.run(["true"]))


@pytest.mark.parametrize(
    ("test", "marked"),
    [
        ("tests/test_cli.py::test_seed_without_demo_leaves_hours_unknown", True),
        ("tests/test_serve.py::test_serve_answers_healthz_and_home", True),
        ("tests/test_one_app.py::test_the_client_is_the_one_app_of_the_process", False),
    ],
)
def test_the_suite_marks_what_starts_lieux(request, test, marked):
    """Through a fixture (`live_server`), a function (`main`), a module helper (`run`)."""
    items = {item.nodeid: item for item in request.session.items}
    if test not in items:
        pytest.skip(f"{test} is not in this run")
    assert (items[test].get_closest_marker(MARK) is not None) is marked
