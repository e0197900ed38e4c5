"""The patterns /schema declares for dates say exactly what the API accepts: every day of
1970-2200 and nothing else (checked against Python's calendar, day by day), and every
date-time they match is read by the open-now engine's parser."""

import re
from datetime import UTC, date
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from lieux.api.models import YEARS
from lieux.api.params import AT_PATTERN, DATE_PATTERN, at_problem, date_problem
from lieux.widget.query import parse_at

ZONE = ZoneInfo("Europe/Brussels")


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def test_the_date_pattern_is_the_calendar_of_the_years_allowed():
    pattern = re.compile(DATE_PATTERN)
    wrong = [
        text
        for year in range(YEARS[0] - 10, YEARS[1] + 11)
        for month in range(0, 14)
        for day in range(0, 33)
        for text in [f"{year:04d}-{month:02d}-{day:02d}"]
        if bool(pattern.fullmatch(text))
        != (YEARS[0] <= year <= YEARS[1] and _exists(year, month, day))
    ]
    assert wrong == []
    assert pattern.fullmatch("2000-02-29") and not pattern.fullmatch("2100-02-29")


@given(st.from_regex(AT_PATTERN, fullmatch=True))
def test_every_date_time_the_pattern_matches_is_read(text):
    assert at_problem(text) is None
    instant = parse_at(text, ZONE)
    assert instant is not None and instant.tzinfo is UTC


def test_what_the_pattern_refuses_and_why():
    assert at_problem("2026-11-28T11:00 01:00") is None  # an unencoded "+"
    for text in ("", "2026-11-28 11:00", "20261128", "2026-11-28T11", "2026-02-30T10:00"):
        assert "is not a date-time of years 1970 to 2200" in at_problem(text), text
    assert date_problem("2026-12-40") == (
        "'2026-12-40' is not a date: day is out of range for month "
        "(expected YYYY-MM-DD, years 1970 to 2200)"
    )
    assert (
        date_problem("demain") == "'demain' is not a date (expected YYYY-MM-DD, years 1970 to 2200)"
    )
