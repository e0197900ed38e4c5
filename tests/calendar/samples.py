"""Calendar test data and readers shared by several calendar test modules."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

ZONE = ZoneInfo("Europe/Brussels")

SOURCE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-CALNAME:Agenda du lieu
X-WR-TIMEZONE:Europe/Brussels
BEGIN:VEVENT
UID:weekly-1@google.com
DTSTAMP:20261101T000000Z
DTSTART:20261103T130000Z
DTEND:20261103T150000Z
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427T120000Z
EXDATE:20261208T130000Z
SUMMARY:Café-papote
CATEGORIES:Café-papote
DESCRIPTION:Entrée libre
END:VEVENT
BEGIN:VEVENT
UID:weekly-1@google.com
DTSTAMP:20261101T000000Z
RECURRENCE-ID:20261215T130000Z
DTSTART:20261216T090000Z
DTEND:20261216T110000Z
SUMMARY:Café-papote
END:VEVENT
BEGIN:VEVENT
UID:outlook-2@example.org
DTSTAMP:20261101T000000Z
DTSTART;TZID=Romance Standard Time:20261205T100000
DTEND;TZID=Romance Standard Time:20261205T120000
SUMMARY:Sortie au parc
END:VEVENT
BEGIN:VEVENT
UID:allday-3@example.org
DTSTAMP:20261101T000000Z
DTSTART;VALUE=DATE:20261219
DTEND;VALUE=DATE:20261220
SUMMARY:Fête de fin d'année
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


def expand(body: bytes, start: datetime, end: datetime):
    """(UID, start in UTC, status) of every event of the feed `body` between the instants."""
    found = []
    for event in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(start, end):
        begins = event.start
        if not isinstance(begins, datetime):
            begins = datetime.combine(begins, datetime.min.time(), ZONE)
        status = str(event.get("STATUS", "CONFIRMED")).lower()
        found.append((str(event["UID"]), begins.astimezone(UTC), status))
    return sorted(found)
