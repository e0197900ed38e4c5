"""nginx's body limit (deploy/nginx/lieux.conf) agrees with the largest calendar file the service
takes (lieux/calendar/ical_import.py MAX_BYTES): that file in its multipart envelope gets through
to the service, and not much more. tests/deploy/test_nginx.py sends such bodies through nginx."""

import re
from pathlib import Path

from lieux.calendar.fetch import MAX_BYTES

SITE = Path(__file__).parents[2] / "deploy" / "nginx" / "lieux.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
# What a browser adds around the file: boundaries, part headers, the CSRF token and URL fields.
MULTIPART_ENVELOPE = 4096
# Past this, a body is refused by nginx before the service reads a byte of it.
SLACK = 512 * 1024


def body_limit() -> int:
    [(number, unit)] = re.findall(
        r"^\s*client_max_body_size\s+(\d+)([kKmMgG]?);", SITE.read_text(), re.M
    )
    return int(number) * UNITS[unit.lower()]


def test_nginx_takes_the_largest_calendar_file_and_not_much_more():
    limit = body_limit()
    assert MAX_BYTES + MULTIPART_ENVELOPE <= limit <= MAX_BYTES + SLACK, limit
