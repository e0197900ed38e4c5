"""The API's query parameters as the OpenAPI document declares them, and the words of their 400s.

The document must declare exactly what the code accepts, so that a client (or schemathesis)
that sends only schema-valid values is never refused. Dates are bounded to YEARS, which no
JSON Schema `format` can say: the patterns below spell the bound out, every valid day of those
years and nothing else (31 April and 29 February 2100 included in neither).
tests/api/test_params.py compares them with Python's calendar for every day of 1960 to 2210.
"""

import re
from collections.abc import Iterable
from datetime import date

from lieux.api.models import YEARS
from lieux.models import COMMUNES_NL

_YEAR = r"(?:19[7-9][0-9]|2[01][0-9]{2}|2200)"
# Years divisible by 4 among them, 2100 and 2200 left out (not leap years).
_LEAP_YEAR = (
    r"(?:19(?:7[26]|8[048]|9[26])"
    r"|20(?:[02468][048]|[13579][26])"  # 2000 is one
    r"|21(?:0[48]|[2468][048]|[13579][26]))"
)
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"  # the 1st to the 28th of any month
    r"|(?:0[13-9]|1[0-2])-(?:29|30)"  # the 29th and 30th, but in February
    r"|(?:0[13578]|1[02])-31)"  # the 31st of the long months
)
_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
# A local date, YYYY-MM-DD.
DATE_PATTERN = rf"^{_DATE}$"
# A date, or a date-time with minutes (seconds and their fraction optional) and, optionally, an
# offset: without one it is Brussels time.
AT_PATTERN = rf"^{_DATE}(?:T{_TIME}{_OFFSET}?)?$"
_AT = re.compile(AT_PATTERN)
# What a date looks like before the calendar says whether it exists (Python's own parser also
# reads 20261128 or 2026-W48-1, which the document does not promise).
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The communes a lieu may be in (the profile and admin forms offer these): the 19 Brussels
# communes and the parts of the City of Brussels, by their French names.
COMMUNES = tuple(sorted(COMMUNES_NL))


def known(values: Iterable[str]) -> str:
    return ", ".join(values)


def at_problem(text: str) -> str | None:
    """Why `?at=` does not match AT_PATTERN, or None when it does. An unencoded `+01:00` in a
    query string arrives as ` 01:00` (the widget's parser reads it so too)."""
    if text[-6:-5] == " ":
        text = f"{text[:-6]}+{text[-5:]}"
    if _AT.fullmatch(text):
        return None
    if (year := re.match(r"([0-9]{4})-", text)) and not YEARS[0] <= int(year[1]) <= YEARS[1]:
        return f"{text!r} is too far away (years {YEARS[0]} to {YEARS[1]})"
    return (
        f"{text!r} is not a date-time of years {YEARS[0]} to {YEARS[1]} (for example "
        "2026-11-28T11:00, 2026-11-28T11:00:00+01:00 or 2026-11-28)"
    )


def date_problem(text: str) -> str:
    """What is wrong with a date the framework could not read, in words."""
    expected = f"expected YYYY-MM-DD, years {YEARS[0]} to {YEARS[1]}"
    if DATE_SHAPE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError as error:  # "day is out of range for month"
            return f"{text!r} is not a date: {error} ({expected})"
    return f"{text!r} is not a date ({expected})"


def enum_problem(text: str, allowed: Iterable[str]) -> str:
    return f"expected one of {known(allowed)}, not {text!r}"
