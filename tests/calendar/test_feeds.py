"""Feeds built from hand-made activities: the iCalendar text calendar apps depend on."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import msgspec
import pytest
import recurring_ical_events
import vobject

from lieux.calendar import feeds
from lieux.calendar.feeds import FEED_TEXT_MAX, build_feed
from lieux.calendar.models import Activity, ActivityOverride
from lieux.calendar.recurrence import agenda
from lieux.hours.models import OpeningException, OpeningHours
from lieux.models import Lieu

ZONE = ZoneInfo("Europe/Brussels")
GOLDEN = Path(__file__).parent / "golden"
STAMP = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
LIEU = Lieu(
    id=1,
    slug="coin-test",
    name="Coin Test",
    address="Rue de l'Épée 3",
    postcode="1000",
    commune="Bruxelles",
    phone="02 000 00 00",
)
LONG = (
    "Un atelier d'écriture où l'on prend le temps : café, thé et biscuits maison, "
    "puis une heure d'écriture libre — ensuite, qui le veut lit son texte à voix haute. "
    "Ni expérience ni matériel requis ; on prête des stylos ✍️ et du papier."
)


def activity(id, uid, **fields) -> Activity:
    values = {
        "lieu_id": 1,
        "kind": "atelier",
        "title": "Atelier",
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return Activity(id=id, uid=f"{uid}@test", **{**values, **fields})


def sample() -> list[Activity]:
    return [
        # one-off
        activity(
            1,
            "one-off",
            title="Sortie au musée",
            kind="sortie",
            starts_at=datetime(2026, 12, 5, 13, 30),
            ends_at=datetime(2026, 12, 5, 17, 0),
            registration=True,
        ),
        # weekly through the March 2027 DST change, one occurrence cancelled, one moved
        activity(
            2,
            "weekly",
            title="Café-papote",
            title_nl="Koffieklets",
            kind="cafe-papote",
            starts_at=datetime(2026, 11, 3, 14, 0),
            ends_at=datetime(2026, 11, 3, 16, 0),
            rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270420T120000Z",
            sequence=2,
            updated_at=STAMP + timedelta(days=1),
            overrides=(
                ActivityOverride(
                    recurrence_id=datetime(2026, 12, 8, 14, 0),
                    status="cancelled",
                    sequence=3,
                    updated_at=STAMP + timedelta(days=2),
                ),
                ActivityOverride(
                    recurrence_id=datetime(2027, 3, 30, 14, 0),
                    starts_at=datetime(2027, 3, 31, 10, 0),
                    ends_at=datetime(2027, 3, 31, 12, 0),
                    sequence=3,
                    updated_at=STAMP + timedelta(days=3),
                ),
            ),
        ),
        # all-day
        activity(
            3,
            "all-day",
            title="Brocante solidaire",
            kind="autre",
            starts_at=datetime(2026, 12, 12),
            ends_at=datetime(2026, 12, 13),
            all_day=True,
        ),
        # long description with accents and an emoji (4-byte UTF-8)
        activity(
            4,
            "long",
            title="Atelier d'écriture",
            title_nl="Schrijfatelier voor iedereen – één keer per maand",
            description=LONG,
            starts_at=datetime(2027, 1, 14, 18, 0),
            ends_at=datetime(2027, 1, 14, 20, 0),
            price="amount",
            price_amount="2 €",
        ),
        # a cancelled one-off
        activity(
            5,
            "cancelled",
            title="Balade en forêt",
            kind="sortie",
            status="cancelled",
            sequence=1,
            starts_at=datetime(2026, 12, 19, 10, 0),
            ends_at=datetime(2026, 12, 19, 15, 0),
        ),
        # long over: out of the rolling window
        activity(
            6,
            "old",
            title="Ancienne activité",
            starts_at=datetime(2026, 9, 1, 10, 0),
            ends_at=datetime(2026, 9, 1, 12, 0),
        ),
    ]


def feed(lang="fr", activities=None) -> bytes:
    return build_feed(
        sample() if activities is None else activities,
        {1: LIEU},
        name="Coin Test – Lieux de liens",
        lang=lang,
        base_url="https://lieux.example",
        zone=ZONE,
        now=NOW,
        past_days=30,
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_golden(lang):
    """The reviewed feeds, byte for byte (regenerate with LIEUX_GOLDEN=1, then read the diff)."""
    path = GOLDEN / f"sample-{lang}.ics"
    body = feed(lang)
    if __import__("os").environ.get("LIEUX_GOLDEN"):
        path.write_bytes(body)
    assert body == path.read_bytes()


def unfolded(body: bytes) -> list[str]:
    return body.decode().replace("\r\n ", "").split("\r\n")


def test_lines_end_in_crlf_and_fold_at_75_octets_between_characters():
    body = feed()
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines), "the long description must be folded"
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # a split multi-byte character would not decode
    assert LONG.replace(",", "\\,").replace(";", "\\;") in "".join(unfolded(body))


def test_calendar_properties_and_one_rule_based_timezone():
    lines = unfolded(feed())
    for line in (
        "NAME:Coin Test – Lieux de liens",
        "X-WR-CALNAME:Coin Test – Lieux de liens",
        "X-WR-TIMEZONE:Europe/Brussels",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    ):
        assert line in lines
    assert lines.count("BEGIN:VTIMEZONE") == 1
    assert not any(line.startswith("RDATE") for line in lines)
    # inside events, every time is local with the zone, or a date (VTIMEZONE's own are floating)
    events = "\n".join(lines).split("END:VTIMEZONE")[1].split("\n")
    for line in events:
        if line.startswith(("DTSTART", "DTEND", "RECURRENCE-ID")):
            assert line.split(":")[0].split(";")[1] in ("TZID=Europe/Brussels", "VALUE=DATE")


def test_series_rule_cancelled_and_moved_occurrences():
    lines = unfolded(feed())
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270420T120000Z;BYDAY=TU" in lines
    assert lines.count("RECURRENCE-ID;TZID=Europe/Brussels:20261208T140000") == 1
    assert "RECURRENCE-ID;TZID=Europe/Brussels:20270330T140000" in lines
    assert "DTSTART;TZID=Europe/Brussels:20270331T100000" in lines
    assert not any(line.startswith("EXDATE") for line in lines)
    assert "SUMMARY:ANNULÉ – Café-papote" in lines
    assert "SUMMARY:ANNULÉ – Balade en forêt" in lines
    assert "SUMMARY:GEANNULEERD – Koffieklets" in unfolded(feed("nl"))
    assert "SUMMARY:Ancienne activité" not in lines  # out of the rolling window


def test_a_cancelled_date_carries_no_long_text():
    """Only what takes the date off (issue 20: a description repeated on each cancelled date
    made an 83 MB feed), and icalendar still reads the date as cancelled."""
    calendar = icalendar.Calendar.from_ical(feed())
    cancelled = [
        event
        for event in calendar.walk("VEVENT")
        if "RECURRENCE-ID" in event and event["STATUS"] == "CANCELLED"
    ]
    assert cancelled
    for event in cancelled:
        assert set(event) == {
            "UID",
            "DTSTAMP",
            "LAST-MODIFIED",
            "SEQUENCE",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "STATUS",
            "RECURRENCE-ID",
        }
        assert str(event["SUMMARY"]).startswith("ANNULÉ – ")
    start = datetime(2026, 12, 8, tzinfo=ZoneInfo("Europe/Brussels"))
    found = recurring_ical_events.of(calendar).between(start, start + timedelta(days=1))
    assert [str(e["STATUS"]) for e in found if e["UID"] == "weekly@test"] == ["CANCELLED"]


def local(value: datetime, all_day: bool) -> date | datetime:
    """What icalendar is given for a local time: a date for an all-day event."""
    return value.date() if all_day else value.replace(tzinfo=ZONE)


@pytest.mark.parametrize(
    ("all_day", "demo", "title", "uid"),
    [
        (False, False, "Café-papote", "weekly@test"),
        (True, True, "Balade; en forêt, \\ loin", "all-day@test"),
        (False, False, "Atelier " + "é" * 190, "x" * 200 + "@hôte.example"),
    ],
)
def test_a_cancelled_date_is_written_as_icalendar_would(all_day, demo, title, uid):
    """The cancelled VEVENT is written by hand (speed): the same bytes as icalendar's."""
    rid = datetime(2026, 12, 8, 14)
    series = activity(
        9,
        "x",
        title=title,
        all_day=all_day,
        demo=demo,
        rrule="FREQ=WEEKLY",
        starts_at=rid,
        ends_at=rid + timedelta(hours=2),
    )
    modified = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    written = feeds._cancelled(
        series,
        uid=uid,
        recurrence_id=rid,
        starts=rid,
        ends=rid + timedelta(hours=2),
        title=title,
        sequence=3,
        modified=modified,
        lang="fr",
        zone=ZONE,
    )
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", 3)
    event.add("dtstart", local(rid, all_day))
    event.add("dtend", local(rid + timedelta(hours=2), all_day))
    event.add("summary", f"ANNULÉ – {title}")
    event.add("status", "CANCELLED")
    if demo:
        event.add(feeds.DEMO_FLAG, "TRUE")
    event.add("recurrence-id", local(rid, all_day))
    assert written == event.to_ical()


def test_a_long_description_is_cut_in_feeds_and_links_to_the_rest():
    [weekly] = [a for a in sample() if a.uid == "weekly@test"]
    text = "Une longue description. " * 200
    body = feed(activities=[msgspec.structs.replace(weekly, description=text)])
    event = next(e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if "RRULE" in e)
    first, *rest = str(event["DESCRIPTION"]).split("\n")
    assert first.startswith("Une longue description.") and first.endswith("…")
    assert len(first) <= FEED_TEXT_MAX
    assert rest[-1] == "Plus d'infos : https://lieux.example/agenda/2"


def test_all_day_is_a_date():
    lines = unfolded(feed())
    assert "DTSTART;VALUE=DATE:20261212" in lines
    assert "DTEND;VALUE=DATE:20261213" in lines


def test_stamps_are_the_last_modification_so_bytes_are_stable():
    assert feed() == feed()
    lines = unfolded(feed())
    assert "DTSTAMP:20261104T093000Z" in lines  # the moved occurrence's own edit
    assert "LAST-MODIFIED:20261104T093000Z" in lines
    assert "SEQUENCE:3" in lines


def test_parses_with_vobject():
    parsed = vobject.readOne(feed().decode())
    events = parsed.contents["vevent"]
    assert len(events) == 7
    moved = next(e for e in events if "recurrence-id" in e.contents and e.dtstart.value.day == 31)
    assert moved.dtstart.value.utcoffset() == timedelta(hours=2)  # after the DST change
    weekly = next(e for e in events if e.uid.value == "weekly@test" and "rrule" in e.contents)
    starts = list(weekly.getrruleset())
    assert starts[0].hour == 14 and starts[-1].hour == 14
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}


def expand(body: bytes, start: datetime, end: datetime) -> list[tuple[str, datetime, str]]:
    """What a client shows: recurring-ical-events' expansion (cancelled ones included)."""
    found = []
    for event in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(start, end):
        begins = event.start
        if not isinstance(begins, datetime):
            begins = datetime.combine(begins, datetime.min.time(), ZONE)
        status = "cancelled" if event.get("STATUS") == "CANCELLED" else "confirmed"
        found.append((str(event["UID"]), begins.astimezone(UTC), status))
    return sorted(found)


def own(activities, start, end) -> list[tuple[str, datetime, str]]:
    return sorted(
        (o.uid, o.starts_at.astimezone(UTC), o.status) for o in agenda(activities, start, end, ZONE)
    )


def test_expansion_equals_the_agendas_own_occurrences_across_dst():
    start, end = datetime(2026, 10, 25, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC)
    current = [a for a in sample() if a.uid != "old@test"]
    assert expand(feed(), start, end) == own(current, start, end)
    march = [s for uid, s, _ in expand(feed(), start, end) if uid == "weekly@test"]
    assert datetime(2027, 3, 23, 13, tzinfo=UTC) in march  # 14:00 CET
    assert datetime(2027, 4, 6, 12, tzinfo=UTC) in march  # 14:00 CEST


def test_all_day_series_writes_dates_everywhere():
    series = activity(
        7,
        "market",
        title="Marché solidaire",
        starts_at=datetime(2026, 11, 7),
        ends_at=datetime(2026, 11, 8),
        all_day=True,
        rrule="FREQ=WEEKLY;BYDAY=SA;UNTIL=20270327T225959Z",
        overrides=(
            ActivityOverride(
                recurrence_id=datetime(2026, 12, 26), status="cancelled", updated_at=STAMP
            ),
        ),
    )
    body = feed(activities=[series])
    lines = unfolded(body)
    assert "DTSTART;VALUE=DATE:20261107" in lines
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270327;BYDAY=SA" in lines
    assert "RECURRENCE-ID;VALUE=DATE:20261226" in lines
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC)
    shown = expand(body, start, end)
    assert shown == own([series], start, end)
    assert shown[-1][1] == datetime(2027, 3, 27, tzinfo=ZONE).astimezone(UTC)
    assert (
        "market@test",
        datetime(2026, 12, 26, tzinfo=ZONE).astimezone(UTC),
        "cancelled",
    ) in shown


def closure_feed(*exceptions: OpeningException) -> bytes:
    return build_feed(
        sample(),
        {1: LIEU},
        name="Coin Test – Lieux de liens",
        lang="fr",
        base_url="https://lieux.example",
        zone=ZONE,
        now=NOW,
        past_days=30,
        closures={1: OpeningHours(lieu_id=1, exceptions=exceptions)},
    )


def statuses(body: bytes) -> dict[str, list]:
    start, end = datetime(2026, 11, 23, tzinfo=ZONE), datetime(2027, 4, 30, tzinfo=ZONE)
    found: dict[str, list] = {}
    for event in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(start, end):
        found.setdefault(str(event["STATUS"]), []).append((str(event["UID"]), event.start))
    return found


WORKS = OpeningException(
    start_date=date(2026, 12, 5), end_date=date(2026, 12, 12), kind="closed", note="Travaux"
)


def test_dates_in_a_closure_are_tentative_and_say_why():
    body = closure_feed(WORKS)
    assert body == closure_feed(WORKS)  # still the same bytes from one build to the next
    assert vobject.readOne(body.decode()).contents["vevent"]
    found = statuses(body)
    # the one-off and the all-day day in the closure; 8/12 was already cancelled and stays so
    assert sorted(found["TENTATIVE"], key=str) == [
        ("all-day@test", date(2026, 12, 12)),
        ("one-off@test", datetime(2026, 12, 5, 13, 30, tzinfo=ZONE)),
    ]
    assert ("weekly@test", datetime(2026, 12, 8, 14, 0, tzinfo=ZONE)) in found["CANCELLED"]
    calendar = icalendar.Calendar.from_ical(body)
    one_off = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == "one-off@test")
    assert "RECURRENCE-ID" not in one_off and one_off["STATUS"] == "TENTATIVE"
    assert str(one_off["SUMMARY"]) == "À CONFIRMER – Sortie au musée"
    assert str(one_off["DESCRIPTION"]).startswith(
        "À confirmer : pendant la fermeture du lieu (Travaux).\nGratuit\nSur inscription\n"
    )


def test_a_moved_date_is_tentative_where_it_now_happens():
    # The weekly papote of 30/03/2027 was moved to 31/03 10:00.
    day = {"kind": "closed", "note": ""}
    moved_from = closure_feed(OpeningException(start_date=date(2027, 3, 30),
                                               end_date=date(2027, 3, 30), **day))  # fmt: skip
    assert "TENTATIVE" not in statuses(moved_from)
    moved_to = closure_feed(OpeningException(start_date=date(2027, 3, 31),
                                             end_date=date(2027, 3, 31), **day))  # fmt: skip
    assert statuses(moved_to)["TENTATIVE"] == [
        ("weekly@test", datetime(2027, 3, 31, 10, 0, tzinfo=ZONE))
    ]
    event = next(
        e for e in icalendar.Calendar.from_ical(moved_to).walk("VEVENT")
        if e["STATUS"] == "TENTATIVE"
    )  # fmt: skip
    # the stored override, marked: no second VEVENT for the same RECURRENCE-ID
    assert event["RECURRENCE-ID"].dt == datetime(2027, 3, 30, 14, 0, tzinfo=ZONE)
    assert str(event["DESCRIPTION"]).startswith("À confirmer : pendant la fermeture du lieu.\n")
    assert moved_to.count(b"RECURRENCE-ID;TZID=Europe/Brussels:20270330T140000") == 1


def test_a_closure_long_over_writes_nothing():
    old = OpeningException(
        start_date=date(2026, 9, 1), end_date=date(2026, 10, 1), kind="closed", note="Été"
    )
    assert closure_feed(old) == feed()
