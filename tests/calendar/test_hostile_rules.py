"""Hostile calendars and rules (issue 20) sent through every way in: the activity form, a
member's proposal, an anonymous proposal, the import form and `lieux import-ics`. Each is refused
with a message naming the event and why, or imported bounded; nothing half-stored, and the pages
still answer with every expansion within the walk's caps.

The corpus is in tests/calendar/hostile/; the big files (300,000 EXDATEs, 10,000 events) are
made here rather than stored.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.calendar import rules
from lieux.calendar.ical_import import ImportProblem, parse_calendar
from lieux.calendar.sync import CLI, import_events
from lieux.cli import main
from lieux.db import activities as activities_db
from lieux.db import members as members_db
from lieux.db.lieux import data_revision, get_lieu
from tests.calendar.test_rule_bounds import counted_walks, within_caps
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.people import LIEU_A, LIEU_B, add_member, check_refused, count, csrf, sign_in

ZONE = ZoneInfo("Europe/Brussels")
HOSTILE = Path(__file__).parent / "hostile"
# File: what its one-line refusal says (besides naming the event).
REFUSED = {
    "interval-zero.ics": "INTERVAL must be 1 to 52",
    "never-occurs.ics": "no date within 5 years of its start",
    "year-one.ics": "dates must fall between 1970 and 2199",
    "until-9999.ics": "dates must fall between 1970 and 2199",
    "hourly.ics": "an activity repeats at most daily",
}


def calendar(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lieux tests//hostile//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", "DTSTAMP:20261101T000000Z", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()


def daily(uid: str, *extra: str) -> list[str]:
    return [
        f"UID:{uid}",
        "DTSTART;TZID=Europe/Brussels:20261201T100000",
        "DTEND;TZID=Europe/Brussels:20261201T110000",
        "SUMMARY:Accueil du matin",
        "RRULE:FREQ=DAILY",
        *extra,
    ]


def one_offs(n: int, name: str = "many") -> bytes:
    return calendar(
        *(
            [
                f"UID:{name}-{i}@hostile.test",
                f"DTSTART:2027{1 + i % 12:02d}01T{i % 10:02d}0000Z",
                f"SUMMARY:Rendez-vous {i}",
            ]
            for i in range(n)
        )
    )


def cli_import(seeded_path, path: Path, capsys) -> tuple[int, str, str]:
    code = main(["import-ics", LIEU_B, str(path), "--db", str(seeded_path)])
    out, err = capsys.readouterr()
    return code, out, err


def revision(path) -> int:
    db = database.connect(path)
    try:
        return data_revision(db)
    finally:
        db.close()


# --- the import: `lieux import-ics` and the co-managers' form ------------------------------


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_cli_refuses_a_hostile_calendar_in_one_line(seeded_path, capsys, name):
    before = revision(seeded_path)
    code, out, err = cli_import(seeded_path, HOSTILE / name, capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    assert f"event {name.removesuffix('.ics')}@hostile.test (" in err
    assert REFUSED[name] in err and "nothing was changed" in err
    assert revision(seeded_path) == before


@pytest.fixture
def comanager(client, seeded_path):
    return sign_in(client, seeded_path, add_member(seeded_path, "Co A", {LIEU_A: "co-manager"}))


def upload(client, data: bytes, name="agenda.ics"):
    return client.post(
        f"/manage/{LIEU_A}/calendars",
        data={"_csrf_token": csrf(client)},
        files={"file": (name, data, "text/calendar")},
        follow_redirects=False,
    )


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_import_form_refuses_a_hostile_calendar(client, seeded_path, comanager, name):
    before = revision(seeded_path)
    response = upload(client, (HOSTILE / name).read_bytes())
    assert response.status_code == 400
    assert f"{name.removesuffix('.ics')}@hostile.test" in response.text
    assert REFUSED[name] in response.text
    assert revision(seeded_path) == before and count(seeded_path, "ical_sources") == 0


def test_ten_thousand_events_are_refused_before_parsing(client, seeded_path, comanager, capsys):
    data = one_offs(10_000)
    with counted_walks() as walks, pytest.raises(ImportProblem, match="at most 1000"):
        parse_calendar(data, ZONE)
    assert walks == []
    response = upload(client, data)
    assert response.status_code == 400 and "the limit per import" in response.text
    path = Path(seeded_path).parent / "many.ics"
    path.write_bytes(data)
    code, _, err = cli_import(seeded_path, path, capsys)
    assert code == 2 and "10000 events: one calendar brings at most 1000" in err


def far_exdates(n: int, first_year: int = 9000) -> str:
    """`n` distinct EXDATEs from `first_year` on, 336 a year."""
    return ",".join(
        f"{first_year + i // 336}{1 + i // 28 % 12:02d}{1 + i % 28:02d}T100000" for i in range(n)
    )


def test_300000_far_future_exdates_are_refused_before_parsing(seeded_path, capsys):
    """The 5 MB file of the issue: far-future EXDATEs on a daily series (icalendar alone
    needs 2.5 s of CPU to read them): counted on the raw lines, refused in one line."""
    path = Path(seeded_path).parent / "exdates.ics"
    path.write_bytes(calendar(daily("far@hostile.test", f"EXDATE:{far_exdates(300_000)}")))
    assert path.stat().st_size < 5_000_000
    before = revision(seeded_path)
    code, out, err = cli_import(seeded_path, path, capsys)
    assert (code, out) == (2, "")
    assert "300000 excluded dates (EXDATE): one calendar brings at most 20000" in err
    assert revision(seeded_path) == before


def test_far_future_exdates_cost_a_comparison_each(seeded_path, capsys):
    """Below that cap, dates outside the model are dropped before anything is expanded, said
    in one line, and the series imported without them."""
    path = Path(seeded_path).parent / "exdates.ics"
    path.write_bytes(calendar(daily("far@hostile.test", f"EXDATE:{far_exdates(15_000)}")))
    with counted_walks() as walks:
        code, out, err = cli_import(seeded_path, path, capsys)
    assert code == 0, err
    assert "1 added" in out
    assert "far@hostile.test: 15000 dates are not occurrences of its rule, left out" in out
    assert len(walks) == 1  # the check of the rule itself, none for the EXDATEs
    db = database.connect(seeded_path)
    stored = activities_db.get_activity_by_uid(db, "far@hostile.test")
    db.close()
    assert stored.rrule == "FREQ=DAILY" and stored.overrides == ()


def test_the_write_transaction_expands_nothing(seeded_path):
    """Changed dates are matched against the rule while parsing, outside any transaction:
    `import_events` (the transaction) walks no rule at all."""
    near = ",".join(f"2027{1 + n // 28:02d}{1 + n % 28:02d}T100000" for n in range(200))
    offrule = "20270115T103000"  # not at 10:00: no date of the series
    far = far_exdates(1_000, first_year=2300)
    events = parse_calendar(
        calendar(daily("kept@hostile.test", f"EXDATE:{near}", f"EXDATE:{offrule},{far}")), ZONE
    )
    (event,) = events
    assert len(event.overrides) == 200
    assert event.notes == (
        "kept@hostile.test: 1001 dates are not occurrences of its rule, left out",
    )
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_B)
    with counted_walks() as walks:
        result = import_events(
            db, lieu.id, events, url=None, label="x.ics", actor=CLI, zone=ZONE, now=DEMO_NOW
        )
    assert walks == [] and result.added == 1
    assert len(activities_db.get_activity_by_uid(db, "kept@hostile.test").overrides) == 200
    db.close()


def test_too_many_changed_dates_within_the_model_refuse_the_event():
    near = ",".join(f"2027{1 + n // 28:02d}{1 + n % 28:02d}T100000" for n in range(336))
    later = ",".join(f"2028{1 + n // 28:02d}{1 + n % 28:02d}T100000" for n in range(200))
    data = calendar(daily("busy@hostile.test", f"EXDATE:{near}", f"EXDATE:{later}"))
    with pytest.raises(ImportProblem) as refused:
        parse_calendar(data, ZONE)
    message = str(refused.value)
    assert message.startswith("event busy@hostile.test (Accueil du matin): ")
    assert "more than 500 changed or cancelled dates" in message


def test_a_lieu_takes_current_activities_up_to_its_cap(seeded_path, capsys):
    """Two files of 120 events each: the second fills the lieu up to the cap, one line per
    event left out, and says which limit."""
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_B)
    since = DEMO_NOW.astimezone(ZONE).replace(tzinfo=None)
    already = activities_db.count_current(db, lieu.id, since=since)
    first = parse_calendar(one_offs(120), ZONE)
    second = parse_calendar(one_offs(120, "more"), ZONE)
    common = {"actor": CLI, "zone": ZONE, "now": DEMO_NOW}
    import_events(db, lieu.id, first, url=None, label="a.ics", **common)
    result = import_events(db, lieu.id, second, url=None, label="b.ics", **common)
    left_out = [line for line in result.skipped if "the limit per lieu" in line]
    assert result.added == rules.CURRENT_ACTIVITIES_MAX - 120 - already
    assert len(left_out) == 120 - result.added
    assert left_out[0].endswith(
        "left out, the lieu has 200 current activities (the limit per lieu)"
    )
    assert activities_db.count_current(db, lieu.id, since=since) == rules.CURRENT_ACTIVITIES_MAX
    db.close()


def weekly_with_exdates(n: int, dates: int, name: str = "week") -> bytes:
    """`n` weekly series, each with `dates` cancelled dates on its rule."""
    events = []
    for i in range(n):
        cancelled = ",".join(
            f"{datetime(2026, 12, 7) + timedelta(weeks=week):%Y%m%d}T100000"
            for week in range(1, dates + 1)
        )
        events.append(
            [
                f"UID:{name}-{i}@hostile.test",
                "DTSTART;TZID=Europe/Brussels:20261207T100000",
                "DTEND;TZID=Europe/Brussels:20261207T110000",
                f"SUMMARY:Atelier {i}",
                "RRULE:FREQ=WEEKLY",
                f"EXDATE;TZID=Europe/Brussels:{cancelled}",
            ]
        )
    return calendar(*events)


def test_a_lieu_takes_changed_dates_up_to_its_cap(seeded_path):
    """30 series of 40 cancelled dates each: those that fit the lieu's budget of changed dates
    are imported with all their dates, the others left out one line each, saying why."""
    db = database.connect(seeded_path)
    lieu = get_lieu(db, LIEU_B)
    since = DEMO_NOW.astimezone(ZONE).replace(tzinfo=None)
    already = activities_db.count_current_overrides(db, lieu.id, since=since)
    events = parse_calendar(weekly_with_exdates(30, 40), ZONE)
    result = import_events(
        db, lieu.id, events, url=None, label="w.ics", actor=CLI, zone=ZONE, now=DEMO_NOW
    )
    fits = (rules.LIEU_OVERRIDES_MAX - already) // 40
    assert result.added == fits
    left_out = [line for line in result.skipped if "changed or cancelled dates" in line]
    assert len(left_out) == 30 - fits
    assert left_out[0] == (
        f"week-{fits}@hostile.test: left out, its 40 changed or cancelled dates would take the "
        "lieu past 1000 (the limit per lieu, for its current activities together)"
    )
    total = activities_db.count_current_overrides(db, lieu.id, since=since)
    assert total == already + 40 * fits <= rules.LIEU_OVERRIDES_MAX
    # The same file again: the source's own dates are not counted twice.
    again = import_events(
        db, lieu.id, events, url=None, label="w.ics", actor=CLI, zone=ZONE, now=DEMO_NOW
    )
    assert (again.added, again.unchanged, again.removed) == (0, fits, 0)
    db.close()


def test_markup_and_control_characters_are_stripped_from_imported_text(
    client, seeded_path, comanager
):
    response = upload(client, (HOSTILE / "markup.ics").read_bytes())
    assert response.status_code == 303
    db = database.connect(seeded_path)
    stored = activities_db.get_activity_by_uid(db, "markup@hostile.test")
    db.close()
    assert stored.title == "Atelier chant"
    assert stored.description == "Bienvenue\xa0à tous\nEntrée libre"
    feed = client.get(f"/ical/lieux/{LIEU_A}.ics").text
    api = client.get(f"/api/activities/{stored.id}").text
    for text in (feed, api):
        assert "Atelier chant" in text
        assert "<script" not in text and "\x0b" not in text and "\u2028" not in text


# --- the forms: a co-manager's, a member's proposal, a stranger's proposal ---------------------

DAY = DEMO_TODAY + timedelta(days=9)
GOOD = {
    "title": "Atelier",
    "kind": "atelier",
    "day": DAY.isoformat(),
    "start": "14:00",
    "end": "16:00",
}
FORM_CASES = [
    ("interval zero", {**GOOD, "rrule": "FREQ=DAILY;INTERVAL=0"}, "va de 1 à 52"),
    ("never occurs", {**GOOD, "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "ne tombe jamais"),
    ("year one", {**GOOD, "day": "0001-01-01"}, "entre 1970 et 2199"),
    ("until 9999", {**GOOD, "repeat": "weekly", "until": "9999-12-31"}, "entre 1970 et 2199"),
    ("typed until 9999", {**GOOD, "rrule": "FREQ=DAILY;UNTIL=99991231T000000Z"}, "entre 1970"),
    (
        "all day at the end of time",
        {**GOOD, "all_day": "1", "day": "9999-12-31", "start": "", "end": ""},
        "entre 1970 et 2199",
    ),
    ("a million times", {**GOOD, "rrule": "FREQ=DAILY;COUNT=1000000"}, "va de 1 à 500"),
    ("positions", {**GOOD, "rrule": "FREQ=YEARLY;BYSETPOS=1,2,3,4,5"}, "au plus 4 valeurs"),
    ("easter", {**GOOD, "rrule": "FREQ=YEARLY;BYEASTER=0"}, "BYEASTER n"),
]


@pytest.fixture
def open_to_strangers(seeded_path):
    db = database.connect(seeded_path)
    rules_b = members_db.LieuRules(
        governance="coordinated", support_threshold=3, public_proposals=True
    )
    members_db.set_rules(db, get_lieu(db, LIEU_B).id, rules_b, now=DEMO_NOW)
    db.close()


@pytest.mark.parametrize(("case", "data", "message"), FORM_CASES, ids=[c[0] for c in FORM_CASES])
@pytest.mark.parametrize("form", ["create", "propose", "stranger"])
def test_hostile_rules_through_the_forms(
    client, seeded_path, open_to_strangers, form, case, data, message
):
    if form == "stranger":
        path, token, data = f"/propose/{LIEU_B}", csrf(client), {**data, "proposer_name": "Zoé"}
    else:
        token = sign_in(client, seeded_path, add_member(seeded_path, "Co", {LIEU_A: "co-manager"}))
        path = f"/manage/{LIEU_A}/" + ("activities" if form == "create" else "proposals")
    with counted_walks() as walks:
        check_refused(client, seeded_path, path, data, token, message)
    assert len(walks) <= 2 and all(within_caps(w) for w in walks)


# --- a rule that slipped in (stored before the model): every page still answers --------------

SLIPPED = [
    ("FREQ=DAILY;INTERVAL=0", "2026-11-20T10:00:00"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "2026-11-20T10:00:00"),
    ("FREQ=WEEKLY", "0001-01-01T10:00:00"),
    ("FREQ=DAILY;UNTIL=99991231T000000Z", "2026-11-20T10:00:00"),
]
PAGES = [
    "/",
    "/agenda",
    f"/lieux/{LIEU_A}",
    f"/lieux/{LIEU_A}/poster",
    f"/ical/lieux/{LIEU_A}.ics",
    "/ical/network.ics",
    f"/api/occurrences?lieu={LIEU_A}",
    f"/api/lieux/{LIEU_A}",
    "/widget/agenda",
    "/widget/open-now",
]


def slip_in(path, rrule: str, starts: str, uid: str) -> None:
    """Store an activity as an old version would have, past every check."""
    db = database.connect(path)
    lieu = get_lieu(db, LIEU_A)
    ends = datetime.fromisoformat(starts) + timedelta(hours=1)
    db["activities"].insert(
        {
            "uid": uid,
            "lieu_id": lieu.id,
            "kind": "atelier",
            "title": f"Glissé {uid}",
            "starts_at": starts,
            "ends_at": ends.isoformat(),
            "rrule": rrule,
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    )
    db.close()


def test_every_page_answers_with_rules_that_slipped_in(client, seeded_path):
    for n, (rrule, starts) in enumerate(SLIPPED):
        slip_in(seeded_path, rrule, starts, f"slipped-{n}@old")
    with counted_walks() as walks:
        for page in PAGES:
            response = client.get(page)
            assert response.status_code == 200, page
    assert walks and all(within_caps(w) for w in walks)
