"""One compact VTIMEZONE per feed, written as the DST rules themselves.

icalendar's `add_missing_timezones()` writes every transition from 1970 to 2038 as RDATEs: Outlook
handles that poorly and ical.js (Thunderbird) misreads it, showing a weekly 14:00 activity at 15:00
after a DST change. Two RRULE-based sub-components (last Sunday of March / of October, as the EU
applies since 1996) are what every client understands.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# The EU switches at 01:00 UTC on the last Sunday of March and of October.
EU_SWITCH_UTC_HOUR = 1


def _last_sunday(year: int, month: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def _follows_eu_rules(zone: ZoneInfo, year: int) -> bool:
    for month in (3, 10):
        switch = datetime.combine(_last_sunday(year, month), datetime.min.time(), UTC).replace(
            hour=EU_SWITCH_UTC_HOUR
        )
        before = (switch - timedelta(seconds=1)).astimezone(zone).utcoffset()
        after = switch.astimezone(zone).utcoffset()
        if before == after:
            return False
    return True


def _sub(kind, name: str, start: datetime, offset_from, offset_to, month: int):
    component = kind()
    component.add("tzname", name)
    component.add("dtstart", start)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    component.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
    return component


def vtimezone(zone: ZoneInfo, year: int) -> Timezone:
    """The VTIMEZONE of `zone`, rule-based when it keeps EU summer time in `year`."""
    winter = datetime(year, 1, 15, 12, tzinfo=zone)
    summer = datetime(year, 7, 15, 12, tzinfo=zone)
    if not _follows_eu_rules(zone, year):
        # Not an EU zone: icalendar's transitions, but only around the years a feed covers.
        return Timezone.from_tzid(
            zone.key, first_date=date(year - 1, 1, 1), last_date=date(year + 3, 1, 1)
        )
    standard, daylight = winter.utcoffset(), summer.utcoffset()
    timezone = Timezone()
    timezone.add("tzid", zone.key)
    # DTSTART is the local time just before each switch, in 1970 (before any event we write).
    switch_local = (datetime(1970, 1, 1, EU_SWITCH_UTC_HOUR) + standard).time()
    timezone.add_component(
        _sub(
            TimezoneDaylight,
            summer.tzname(),
            datetime.combine(_last_sunday(1970, 3), switch_local),
            standard,
            daylight,
            3,
        )
    )
    timezone.add_component(
        _sub(
            TimezoneStandard,
            winter.tzname(),
            datetime.combine(_last_sunday(1970, 10), switch_local) + (daylight - standard),
            daylight,
            standard,
            10,
        )
    )
    return timezone
