"""Feeds write their VEVENTs by hand (lieux/calendar/ical_lines.py, for speed): the same bytes as
icalendar writes from the same values, or every subscriber's ETag would change for nothing."""

import importlib.resources
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from icalendar.parser import Contentline

from lieux.calendar import feeds, ical_lines
from lieux.calendar.models import Activity, kind_label
from lieux.hours.models import OpeningException
from lieux.models import Lieu

ZONE = ZoneInfo("Europe/Brussels")
MODIFIED = datetime(2026, 11, 3, 9, 30, 12, 345678, tzinfo=UTC)
START = datetime(2026, 12, 8, 14, 0)
ARABIC = "مقهى الحديث: قهوة وشاي، ونتحدث معًا كل ثلاثاء"
TEXTS = [
    "Café-papote",
    "Balade; en forêt, \\ loin",
    "Ligne un\nligne deux\r\nligne trois\rquatre \\N cinq",
    "Atelier " + "é" * 190,
    ARABIC * 4,
    "Écrire ✍️, lire 📚 ; " * 30,
    "x" * 73 + "\\" + "y" * 200,
    "^n " * 60,
]
LIEUX = [
    Lieu(id=1, slug="coin", name="Coin", address="Rue de l'Épée 3", postcode="1000",
         commune="Bruxelles", phone="02 000 00 00"),
    Lieu(id=1, slug="geo", name="Le Delta, « chez nous »", commune="Ixelles",
         lat=50.8274, lon=4.3721),
    Lieu(id=1, slug="geo-int", name="Point", lat=50, lon=4),
]  # fmt: skip
CLOSURE = OpeningException(
    start_date=START.date(), end_date=START.date(), kind="closed", note="Congés; été"
)


def local(value: datetime, all_day: bool) -> date | datetime:
    """What icalendar is given for a local time: a date for an all-day event."""
    return value.date() if all_day else value.replace(tzinfo=ZONE)


def reference(activity, lieu, *, starts, ends, status, title, text, closure, rid, rrule):
    """The VEVENT as feeds.py wrote it with icalendar before (and would write it now)."""
    lang, url = "fr", f"https://lieux.example/agenda/{activity.id}"
    if closure is not None and status != "cancelled":
        status = "tentative"
    event = icalendar.Event()
    event.add("uid", activity.uid)
    event.add("dtstamp", MODIFIED.replace(microsecond=0))
    event.add("last-modified", MODIFIED.replace(microsecond=0))
    event.add("sequence", activity.sequence)
    event.add("dtstart", local(starts, activity.all_day))
    event.add("dtend", local(ends, activity.all_day))
    event.add("summary", feeds._title(title, status, lang))
    event.add("status", status.upper())
    event.add("location", feeds.location(lieu, lang))
    if lieu.lat is not None and lieu.lon is not None:
        event.add("geo", (lieu.lat, lieu.lon))
    event.add("categories", [kind_label(activity.kind, lang)])
    event.add("url", url)
    event.add("description", feeds.description(activity, lieu, text, lang, url, closure))
    if activity.demo:
        event.add(feeds.DEMO_FLAG, "TRUE")
    if activity.all_day:
        event.add("transp", "TRANSPARENT")
    if rrule:
        event.add("rrule", icalendar.vRecur.from_ical(rrule))
    if rid is not None:
        event.add("recurrence-id", local(rid, activity.all_day))
    return event.to_ical()


CASES = list(
    itertools.product(
        [False, True],  # all-day
        [False, True],  # demo
        range(len(LIEUX)),
        [None, CLOSURE],
        ["confirmed", "cancelled"],
        [(None, ""), (START, ""), (None, "FREQ=WEEKLY;UNTIL=20270420T120000Z;BYDAY=TU")],
    )
)


@pytest.mark.parametrize(("all_day", "demo", "lieu", "closure", "status", "series"), CASES)
def test_an_event_is_written_as_icalendar_would(all_day, demo, lieu, closure, status, series):
    rid, rrule = series
    for n, text in enumerate(TEXTS):
        activity = Activity(
            id=n,
            uid=f"{n}-{'u' * 10 * n}@hôte.example",
            lieu_id=1,
            kind=("atelier", "cafe-papote", "sortie", "autre")[n % 4],
            title=TEXTS[-1 - n],
            description=text,
            starts_at=START,
            ends_at=START + timedelta(hours=2),
            all_day=all_day,
            demo=demo,
            sequence=n,
            price=("free", "amount", "pay-what-you-can")[n % 3],
            price_amount="2 €, ou 1 €",
            accessibility=text[:40],
            created_at=MODIFIED,
            updated_at=MODIFIED,
        )
        fields = {
            "starts": START,
            "ends": START + timedelta(days=1 if all_day else 0, hours=2),
            "status": status,
            "title": activity.title,
            "text": text,
            "closure": closure,
        }
        written = feeds._event(
            activity,
            LIEUX[lieu],
            uid=activity.uid,
            sequence=activity.sequence,
            modified=MODIFIED,
            lang="fr",
            url=f"https://lieux.example/agenda/{activity.id}",
            zone=ZONE,
            recurrence_id=rid,
            rrule=rrule,
            **fields,
        )
        assert written == reference(activity, LIEUX[lieu], rid=rid, rrule=rrule, **fields)


LINES = [
    f"{name}:{text}"
    for name, text in itertools.product(
        ["SUMMARY", "X", "DESCRIPTION;LANGUAGE=fr"],
        [ical_lines.text(t) for t in TEXTS] + ["é" * n for n in range(30, 45)],
    )
] + [
    "a" * n + tail
    for n in range(68, 80)
    for tail in ("", "é", "✍️", "📚", "\\,", "^n", "\\\\", "\\" + "b" * 80)
]


@pytest.mark.parametrize("line", LINES)
def test_lines_fold_as_icalendar_folds_them(line):
    """At 75 octets, between characters, keeping an escape whole (icalendar issue #1501)."""
    assert ical_lines.fold(line) == Contentline(line).to_ical()


@pytest.mark.parametrize("value", TEXTS)
def test_text_is_escaped_as_vtext_escapes_it(value):
    assert ical_lines.text(value) == icalendar.vText(value).to_ical().decode()


@pytest.mark.parametrize("all_day", [False, True])
def test_times_are_written_as_icalendar_writes_them(all_day):
    value = datetime(1999, 1, 2, 3, 4, 5, 600)
    event = icalendar.Event()
    event.add("dtstart", local(value, all_day))
    event.add("dtstamp", MODIFIED)
    lines = event.to_ical().decode().split("\r\n")
    assert f"DTSTART{ical_lines.when(value, all_day, ZONE)}" in lines
    assert f"DTSTAMP:{ical_lines.stamp(MODIFIED)}" in lines


def long_named_zone() -> ZoneInfo:
    """Brussels' rules under a name of 60 characters."""
    with (importlib.resources.files("tzdata.zoneinfo") / "Europe" / "Brussels").open("rb") as f:
        return ZoneInfo.from_file(f, key="Europe/" + "Quelque_part_de_tres_loin" * 2 + "_Ixelles")


@pytest.mark.parametrize("all_day", [False, True])
@pytest.mark.parametrize("flags", [(), ("X-LIEUX-DEMO",), ("X-LIEUX-DEMO", "X-A-FLAG")])
def test_a_series_cancelled_dates_are_written_as_events(all_day, flags):
    """ical_lines.cancelled writes what ical_lines.event writes (compared with icalendar above),
    date after date through one writer: moved or not, titles and stamps repeated or not."""
    uids = ["weekly@test", "x" * 90 + "@hôte.example", "a;b,c@test"]
    # the longest zone name, and one long enough to fold RECURRENCE-ID (no real one is)
    zones = [ZONE, ZoneInfo("America/Argentina/ComodRivadavia"), long_named_zone()]
    for uid, zone in itertools.product(uids, zones):
        write = ical_lines.cancelled(uid=uid, all_day=all_day, zone=zone, flags=flags)
        for n, summary in enumerate(TEXTS * 2):
            rid = START + timedelta(weeks=n)
            starts = rid if n % 3 else rid + timedelta(days=1, hours=2)
            ends = starts + timedelta(hours=2 + n % 2)
            modified = MODIFIED + timedelta(seconds=n // 4)
            expected = ical_lines.event(
                summary=summary,
                starts=starts,
                ends=ends,
                all_day=all_day,
                zone=zone,
                modified=modified,
                uid=uid,
                sequence=n,
                status="cancelled",
                recurrence_id=rid,
                flags=flags,
            )
            assert write(summary, starts, ends, rid, modified, n) == expected
