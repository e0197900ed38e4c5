"""Issue 20 against a real `lieux serve` on the demo data: every hostile case of the issue sent
through every way in (activity form, proposal without an account, import form by file and by
address, `lieux import-ics`, `lieux refresh-ics`), then every public read path answers 200 with
its security headers and without the hostile markup, and another lieu's writes made during the
biggest imports all succeeded.

The writes, the read paths and the header rules are bench/hostile.py's (the bench adds the clock
and the memory; here nothing is timed). The server under test may fetch from the calendar server
on 127.0.0.1 (a `sitecustomize.py`, as tests/test_serve.py does); every other private address
still meets the filter.
"""

import httpx
import pytest

from bench.hostile import Hostile, header_problems, read_paths, seeded
from bench.hostile_writes import LIEU_BIG, LIEU_BIG_FORM, LIEU_OTHER, MARKUP, send_hostile_writes

# It starts `lieux serve`; what it checks is input against the caps, the same any day.
pytestmark = [pytest.mark.real_clock, pytest.mark.any_day]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The server, once every hostile write is in: (the world, what each write answered)."""
    folder = tmp_path_factory.mktemp("hostile")
    with Hostile(seeded(folder), folder) as world:
        yield world, send_hostile_writes(world)


# What depends on the machine's load, not on the code: the biggest import through the form
# within the request's 5 s budget, another lieu's write within the 5 s lock wait (each takes
# under 1 s of CPU on a quiet machine). `make bench` measures them; here a 503 is let pass.
def _timing(outcome) -> bool:
    return outcome.answer == "503" or (outcome.failed_writes and "failed" in outcome.detail)


def test_every_hostile_write_is_answered_as_expected(hostile):
    _, outcomes = hostile
    wrong = [
        f"{o.path} / {o.case}: {o.answer} {o.detail}"
        for o in outcomes
        if not o.ok and not _timing(o)
    ]
    assert not wrong, "\n".join(wrong)
    ways = {o.path for o in outcomes}
    assert {"form", "proposal", "import file", "import address", "hours form"} <= ways
    assert {"cli file", "cli address", "refresh"} <= ways
    # Another lieu's live status was set during each of the four biggest imports.
    assert len([o for o in outcomes if o.other_writes]) == 4


def _reads(world, paths):
    """(problems, statuses) of one GET of each path."""
    problems, statuses = [], {}
    with httpx.Client(base_url=world.url, timeout=60) as client:
        for path in paths:
            response = client.get(path)
            statuses[path] = response.status_code
            problems += [f"{path}: {p}" for p in header_problems(path, response.headers)]
            if MARKUP.encode() in response.content:
                problems.append(f"{path}: the hostile markup, unescaped")
    return problems, statuses


def test_every_public_read_answers_with_its_headers_and_no_markup(hostile):
    world, _ = hostile
    paths = read_paths(world.stranger)
    assert f"/lieux/{LIEU_BIG}" in paths and f"/lieux/{LIEU_BIG_FORM}" in paths
    problems, statuses = _reads(world, paths)
    problems += [
        f"{path}: {status}"
        for path, status in statuses.items()
        if status != 200 and not (path.startswith("/ical/") and status == 503)
    ]
    assert not problems, "\n".join(problems)
    with httpx.Client(base_url=world.url, timeout=60) as client:
        agenda = client.get(f"/api/occurrences?lieu={LIEU_BIG}").json()
        status = client.get(f"/api/lieux/{LIEU_OTHER}").json()
    agenda = agenda if isinstance(agenda, list) else agenda["occurrences"]
    assert len(agenda) > 100  # the biggest import is there, not dropped
    assert status["slug"] == LIEU_OTHER


def test_every_feed_answers_once_lieux_are_filled_to_the_caps(hostile):
    """Three lieux at both caps (200 series, 1,000 cancelled dates): each feed within its
    budget (before the caps per lieu, 20,000 VEVENTs and 80 MB: a 503)."""
    world, _ = hostile
    feeds = [path for path in read_paths(world.stranger) if path.startswith("/ical/")]
    _, statuses = _reads(world, feeds)
    assert {path: s for path, s in statuses.items() if s != 200} == {}
