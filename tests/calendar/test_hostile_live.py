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

pytestmark = pytest.mark.real_clock


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The server, once every hostile write is in: (the world, what each write answered)."""
    folder = tmp_path_factory.mktemp("hostile")
    with Hostile(seeded(folder), folder) as world:
        yield world, send_hostile_writes(world)


def test_every_hostile_write_is_answered_as_expected(hostile):
    _, outcomes = hostile
    wrong = [f"{o.path} / {o.case}: {o.answer} {o.detail}" for o in outcomes if not o.ok]
    assert not wrong, "\n".join(wrong)
    ways = {o.path for o in outcomes}
    assert {"form", "proposal", "import file", "import address"} <= ways
    assert {"cli file", "cli address", "refresh"} <= ways


def test_no_other_lieu_write_failed_during_the_biggest_imports(hostile):
    _, outcomes = hostile
    big = [o for o in outcomes if o.other_writes]
    assert len(big) == 4  # the form, the CLI from a file and an address, the refresh
    assert all(o.failed_writes == 0 for o in big), [(o.path, o.failed_writes) for o in big]
    assert sum(o.other_writes for o in big) >= 4


def test_every_public_read_answers_with_its_headers_and_no_markup(hostile):
    world, _ = hostile
    paths = read_paths(world.stranger)
    # Each lieu the biggest calendar went to, its page, feed and API: they did get it.
    assert f"/ical/lieux/{LIEU_BIG}.ics" in paths and f"/lieux/{LIEU_BIG_FORM}" in paths
    problems = []
    with httpx.Client(base_url=world.url, timeout=60) as client:
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                problems.append(f"{path}: {response.status_code}")
            problems += [f"{path}: {p}" for p in header_problems(path, response.headers)]
            if MARKUP.encode() in response.content:
                problems.append(f"{path}: the hostile markup, unescaped")
        feed = client.get(f"/ical/lieux/{LIEU_BIG}.ics").text
        assert feed.count("BEGIN:VEVENT") > 100  # the biggest import is there, not dropped
        status = client.get(f"/api/lieux/{LIEU_OTHER}").json()
    assert not problems, "\n".join(problems)
    assert status["slug"] == LIEU_OTHER
