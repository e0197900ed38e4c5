"""The check of issue 13: /api/occurrences and the iCal feed, for the same filters and window,
list the same occurrences (UID, start instant, status), across the March 2027 DST change."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.calendar.samples import expand

ZONE = ZoneInfo("Europe/Brussels")
FIRST, LAST = date(2027, 3, 22), date(2027, 4, 4)  # clocks go forward on Sunday 28 March
# (feed URL, the same filters for the API)
# fmt: off
CASES = [
    ("/ical/network.ics", {}),
    ("/ical/lieux/babel-zin.ics", {"lieu": "babel-zin"}),
    ("/ical/lieux/club-55.ics", {"lieu": "club-55"}),
    ("/ical/kinds/cafe-papote.ics", {"kind": "cafe-papote"}),
    ("/ical/communes/schaerbeek.ics", {"commune": "schaerbeek"}),
    (
        "/ical/network.ics?kinds=repas&communes=anderlecht",
        {"kind": "repas", "commune": "Anderlecht"},
    ),
]
# fmt: on


def api_occurrences(client, filters, first=FIRST, last=LAST):
    response = client.get("/api/occurrences", params={"from": first, "to": last, **filters})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("feed", "filters"), CASES)
def test_the_api_and_the_feed_agree_across_the_dst_change(client, feed, filters):
    start = datetime.combine(FIRST, time(), ZONE)
    end = datetime.combine(LAST + timedelta(days=1), time(), ZONE)
    body = client.get(feed).content
    from_feed = expand(body, start, end)
    items = api_occurrences(client, filters)
    from_api = sorted(
        (i["uid"], datetime.fromisoformat(i["starts_at"]).astimezone(UTC), i["status"])
        for i in items
    )
    assert from_api == from_feed
    assert from_api  # something happens in every case
    offsets = {datetime.fromisoformat(i["starts_at"]).utcoffset() for i in items}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # both sides of the change


def test_a_weekly_activity_keeps_its_local_time_across_the_change(client):
    items = api_occurrences(client, {"lieu": "babel-zin", "kind": "cafe-papote"})
    assert [i["starts_at"] for i in items] == [
        "2027-03-23T14:00:00+01:00",
        "2027-03-30T14:00:00+02:00",
    ]
    # the occurrence's RECURRENCE-ID is its own original start, as in the feed
    assert [i["recurrence_id"] for i in items] == [i["starts_at"] for i in items]


def test_the_cancelled_and_tentative_statuses_agree_with_the_feed(client):
    """Around New Year: Club 55's closure (tentative) and a cancelled date of Babel'Zin."""
    first, last = date(2026, 11, 30), date(2027, 1, 3)
    start = datetime.combine(first, time(), ZONE)
    end = datetime.combine(last + timedelta(days=1), time(), ZONE)
    from_feed = expand(client.get("/ical/network.ics").content, start, end)
    items = api_occurrences(client, {}, first, last)
    from_api = sorted(
        (i["uid"], datetime.fromisoformat(i["starts_at"]).astimezone(UTC), i["status"])
        for i in items
    )
    assert from_api == from_feed
    assert {"cancelled", "tentative", "confirmed"} <= {status for *_, status in from_api}
