"""Feeds as real clients read them: over HTTP from a `lieux serve` process, polled with ETags,
and parsed by ical.js, the library inside Thunderbird, running in Chromium."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from lieux import db as database
from lieux.calendar import edits
from lieux.calendar.closures import occurrences_in_closures
from lieux.calendar.recurrence import agenda
from lieux.db import activities as activities_db
from lieux.db.hours import get_hours
from lieux.db.lieux import get_lieu
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
ICALJS = Path(__file__).parents[2] / "var" / "test-assets" / "ical.js-2.2.1.min.js"
AT = "2026-11-23T09:00:00+00:00"
START = datetime(2026, 11, 23, tzinfo=UTC)
END = datetime(2027, 4, 30, tzinfo=UTC)  # past the March 2027 DST change

# Thunderbird's way: register the feed's VTIMEZONEs, relate overrides to their series, iterate.
# `{exceptions: []}`: without it ical.js relates every RECURRENCE-ID event of the calendar to each
# new event, whatever its UID (DESIGN.md, "Known pitfalls"); overrides are related by UID below.
EXPAND = """([text, start, end]) => {
  const comp = new ICAL.Component(ICAL.parse(text));
  for (const tz of comp.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
  const byUid = {};
  for (const v of comp.getAllSubcomponents("vevent")) {
    const e = new ICAL.Event(v, {exceptions: []});
    (byUid[e.uid] = byUid[e.uid] || []).push(e);
  }
  const when = (t) => t.isDate ? "DATE:" + t.toString() : t.toJSDate().toISOString();
  const from = new Date(start), until = new Date(end), out = [];
  for (const [uid, list] of Object.entries(byUid)) {
    const master = list.find((e) => !e.isRecurrenceException());
    for (const ex of list.filter((e) => e.isRecurrenceException())) master.relateException(ex);
    const it = master.iterator();
    for (let next = it.next(); next; next = it.next()) {
      if (next.toJSDate() >= until) break;
      const d = master.getOccurrenceDetails(next);
      if (d.endDate.toJSDate() <= from || d.startDate.toJSDate() >= until) continue;
      const status = d.item.component.getFirstPropertyValue("status") || "CONFIRMED";
      out.push([uid, when(d.startDate), status.toLowerCase()]);
      if (!master.isRecurring()) break;
    }
  }
  return out.sort();
}"""


@pytest.fixture(scope="module")
def icaljs() -> str:
    if not ICALJS.is_file():
        pytest.fail(f"{ICALJS.name} is missing: run `make test-assets` (make test does)")
    return ICALJS.read_text("utf-8")


def thunderbird(browser, icaljs: str, text: str) -> list[list[str]]:
    page = browser.new_page()
    try:
        page.add_script_tag(content=icaljs)
        return page.evaluate(EXPAND, [text, START.isoformat(), END.isoformat()])
    finally:
        page.close()


def own(db_path, slug: str) -> list[list[str]]:
    """The agenda's occurrences, TENTATIVE where the lieu is closed, as EXPAND gives them."""
    db = database.connect(db_path)
    lieu = get_lieu(db, slug)
    activities = activities_db.list_activities(db, lieu_ids=[lieu.id])
    hours = get_hours(db, lieu.id)
    db.close()
    occurrences = agenda(activities, START, END, ZONE)
    tentative = {hit.occurrence for hit in occurrences_in_closures(occurrences, hours, ZONE)}
    found = []
    for o in occurrences:
        when = (
            f"DATE:{o.starts_at:%Y-%m-%d}"
            if o.all_day
            else o.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        )
        found.append([o.uid, when, "tentative" if o in tentative else o.status])
    return sorted(found)


@pytest.mark.parametrize(
    "slug", ["babel-zin", "espace-51", "le-pianocktail", "l-entr-act", "club-55"]
)
def test_thunderbird_shows_the_agendas_occurrences_across_dst(
    read_only_server, browser, icaljs, slug
):
    response = httpx.get(f"{read_only_server.url}/ical/lieux/{slug}.ics", params={"at": AT})
    assert response.status_code == 200
    shown = thunderbird(browser, icaljs, response.text)
    assert shown == own(read_only_server.db_path, slug)
    assert any(when.startswith("2027-04") for _, when, _ in shown) or slug == "l-entr-act"
    # Club 55's winter closure (24/12-01/01): Christmas and New Year's Day meals, the 28/12 papote
    tentative = sorted(when[:10] for _, when, status in shown if status == "tentative")
    assert tentative == (["2026-12-25", "2026-12-28", "2027-01-01"] if slug == "club-55" else [])


def test_a_cancellation_reaches_the_next_poll(live_server, browser, icaljs, seeded_path):
    url = f"{live_server.url}/ical/lieux/babel-zin.ics"
    first = httpx.get(url, params={"at": AT})
    etag = first.headers["etag"]
    assert httpx.get(url, params={"at": AT}, headers={"If-None-Match": etag}).status_code == 304

    db = database.connect(seeded_path)
    papote = activities_db.get_activity_by_uid(db, "demo-babel-zin-papote@lieux-de-liens.demo")
    rid = papote.starts_at + timedelta(weeks=12)
    edits.cancel_occurrence(db, papote.id, rid, zone=ZONE, now=DEMO_NOW)
    db.close()

    polled = httpx.get(url, params={"at": AT}, headers={"If-None-Match": etag})
    assert polled.status_code == 200 and polled.headers["etag"] != etag
    moment = rid.replace(tzinfo=ZONE).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    shown = thunderbird(browser, icaljs, polled.text)
    assert [papote.uid, moment, "cancelled"] in shown
    assert shown == own(seeded_path, "babel-zin")
