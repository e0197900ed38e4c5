"""The live status in the engine: its defaults, `until` parsing (DST days too), its expiry, and
how it wins over hours, exceptions and agenda openings in /api/open-now, stale hours included."""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from lieux.db.live_status import set_live_status
from lieux.hours.live import (
    LiveStatusError,
    end_of_day,
    hours_stale,
    make_live_status,
    summary,
    with_live,
)
from lieux.hours.models import LiveStatus, OpenState
from lieux.revision_cache import REVISION_CHECK_SECONDS
from lieux.widget.cache import MAX_AGE_CAP
from tests.conftest import DEMO_NOW

ZONE = ZoneInfo("Europe/Brussels")
CLOSED = OpenState(state="closed", next_open=DEMO_NOW + timedelta(hours=22))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


def make(state, until="", note="", *, now=DEMO_NOW, planned=CLOSED):
    return make_live_status(
        1, state=state, until=until, note=note, now=now, zone=ZONE, planned=planned, by=None
    )


# --- defaults and until -----------------------------------------------------------------------


def test_open_defaults_to_two_hours_outside_a_slot():
    status = make("open")
    assert (status.starts_at, status.expires_at) == (DEMO_NOW, local(2026, 11, 23, 14, 0))


def test_open_defaults_to_the_end_of_the_current_slot():
    in_slot = OpenState(state="open", until=local(2026, 11, 23, 16, 30))
    assert make("open", planned=in_slot).expires_at == local(2026, 11, 23, 16, 30)


def test_closed_defaults_to_the_end_of_today():
    status = make("closed")
    assert status.expires_at == local(2026, 11, 24, 0, 0)
    assert status.closes_at is None


def test_closes_early_defaults_to_in_an_hour_on_the_quarter_then_closed_to_midnight():
    status = make("closes-early", now=local(2026, 11, 23, 12, 5))
    assert status.closes_at == local(2026, 11, 23, 13, 15)
    assert status.expires_at == local(2026, 11, 24, 0, 0)


@pytest.mark.parametrize(
    ("state", "until", "expires"),
    [
        ("open", "18:30", local(2026, 11, 23, 18, 30)),
        ("open", "18h30", local(2026, 11, 23, 18, 30)),
        ("closed", "15:00", local(2026, 11, 23, 15, 0)),
        ("closed", "2026-11-25", local(2026, 11, 26, 0, 0)),
        ("open", "2026-11-23", local(2026, 11, 24, 0, 0)),
        ("closed", "2026-12-07", local(2026, 12, 8, 0, 0)),  # 14 days ahead, to the minute
    ],
)
def test_until_is_brussels_wall_time(state, until, expires):
    assert make(state, until).expires_at == expires


def test_closes_early_at_a_time_today():
    status = make("closes-early", "14:00")
    assert status.closes_at == local(2026, 11, 23, 14, 0)
    assert status.expires_at == local(2026, 11, 24, 0, 0)


@pytest.mark.parametrize(
    ("state", "until", "note", "field", "message"),
    [
        ("open", "11:00", "", "until", "déjà passé"),
        ("closed", "2026-11-22", "", "until", "déjà passé"),
        ("closed", "2026-12-08", "", "until", "Au plus"),
        ("open", "25:00", "", "until", "Indiquez une heure"),
        ("open", "demain", "", "until", "Indiquez une heure"),
        ("closed", "2026-02-30", "", "until", "Date invalide"),
        ("closes-early", "2026-11-24", "", "until", "l'heure de fermeture"),
        ("closed", "", "x" * 141, "note", "Trop long"),
        ("closed", "", "<b>grève</b>", "note", "balises"),
        ("ajar", "", "", "state", "Choisissez"),
        ("", "", "", "state", "Choisissez"),
    ],
)
def test_bad_fields_are_named(state, until, note, field, message):
    with pytest.raises(LiveStatusError) as error:
        make(state, until, note)
    assert error.value.field == field
    assert message in error.value.message


def test_note_of_140_characters_is_kept_and_spaces_tidied():
    assert make("closed", note="  a" + " b" * 68 + "  c ").note == "a" + " b" * 68 + " c"
    assert len(make("closed", note="é" * 140).note) == 140


# --- DST days ---------------------------------------------------------------------------------


def test_spring_forward_day_ends_after_23_hours():
    now = local(2027, 3, 28, 1, 0)  # 00:00 UTC, the clocks jump at 02:00
    status = make("closed", now=now)
    assert status.expires_at == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    assert end_of_day(date(2027, 3, 28), ZONE) - local(2027, 3, 28, 0, 0) == timedelta(hours=23)
    # 02:30 does not exist that night: it means the instant the clocks jump (03:00 CEST).
    assert make("open", "02:30", now=now).expires_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_fall_back_day_ends_after_25_hours():
    now = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST on Sunday 25 October
    status = make("closed", now=now)
    assert status.expires_at == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert status.expires_at - local(2026, 10, 25, 0, 0) == timedelta(hours=25)
    # 02:30 happens twice: the first reading, as the hours engine reads it.
    assert make("open", "02:30", now=now).expires_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# --- what it does to a state ------------------------------------------------------------------


def _status(state, starts, expires, closes_at=None, note=""):
    return LiveStatus(
        lieu_id=1,
        state=state,
        starts_at=starts,
        expires_at=expires,
        closes_at=closes_at,
        note=note,
        set_at=starts,
    )


def test_no_effect_before_its_start_or_from_its_end():
    status = _status("closed", DEMO_NOW, DEMO_NOW + timedelta(hours=2), note="grève")
    open_ = OpenState(state="open", until=DEMO_NOW + timedelta(hours=4))
    assert with_live(open_, status, DEMO_NOW - timedelta(seconds=1), lambda _t: open_) is open_
    assert with_live(open_, status, DEMO_NOW + timedelta(hours=2), lambda _t: open_) is open_
    during = with_live(open_, status, DEMO_NOW + timedelta(hours=1), lambda _t: open_)
    assert (during.state, during.source, during.note) == ("closed", "live", "grève")
    assert during.next_open == DEMO_NOW + timedelta(hours=2)  # open by its hours at the end


def test_summary_says_what_is_shown():
    assert summary(make("closed"), ZONE) == ("Fermé aujourd'hui, jusqu'à ce soir minuit", {})
    assert summary(make("closed", "2026-11-25"), ZONE)[1] == {"date": "25/11/2026"}
    assert summary(make("open", "18:30"), ZONE) == ("Ouvert jusqu'à %(time)s", {"time": "18:30"})
    assert summary(make("closes-early", "14:00"), ZONE)[1] == {"time": "14:00"}


# --- in /api/open-now, over the demo data -----------------------------------------------------


def put(db_path, slug, state, starts, expires, *, closes_at=None, note=""):
    db = database.connect(db_path)
    lieu = get_lieu(db, slug)
    set_live_status(
        db,
        LiveStatus(
            lieu_id=lieu.id,
            state=state,
            starts_at=starts,
            expires_at=expires,
            closes_at=closes_at,
            note=note,
            set_at=starts,
        ),
    )
    db.execute("UPDATE lieux SET hours_verified_at = ?", [DEMO_NOW.isoformat()])
    db.close()


def entry(client, slug, at):
    # A page reads the data at once (the polled API re-reads it at most every half second).
    client.get("/lieux")
    answer = client.get("/api/open-now", params={"at": at})
    assert answer.status_code == 200
    return next(e for e in answer.json() if e["slug"] == slug)


def test_closed_wins_over_weekly_hours_then_expires(client, seeded_path):
    put(seeded_path, "circuit", "closed", DEMO_NOW, local(2026, 11, 24, 0, 0), note="Fuite d'eau")
    during = entry(client, "circuit", "2026-11-23T14:00")
    assert (during["state"], during["source"], during["note"]) == ("closed", "live", "Fuite d'eau")
    assert during["next_open"] == "2026-11-24T10:00:00+01:00"
    assert during["hours_stale"] is False
    after = entry(client, "circuit", "2026-11-24T10:30")
    assert (after["state"], after["source"], after["note"]) == ("open", "hours", "")
    before = entry(client, "circuit", "2026-11-23T11:00")
    assert (before["state"], before["source"]) == ("open", "hours")


def test_open_wins_over_an_exception(client, seeded_path):
    # Club 55 is closed from 24 December ("Congés d'hiver").
    starts = local(2026, 12, 28, 10, 0)
    put(seeded_path, "club-55", "open", starts, local(2026, 12, 28, 15, 0), note="Permanence")
    planned = entry(client, "club-55", "2026-12-28T09:00")
    assert (planned["state"], planned["note"]) == ("closed", "Congés d'hiver")
    live = entry(client, "club-55", "2026-12-28T11:00")
    assert (live["state"], live["source"], live["note"]) == ("open", "live", "Permanence")
    assert live["until"] == "2026-12-28T15:00:00+01:00"


def test_closed_wins_over_an_agenda_opening(client, seeded_path):
    # Coin des Cerises opens on Saturday 10:00-13:00 through its agenda ("ouverture").
    assert entry(client, "coin-des-cerises", "2026-11-28T11:00")["source"] == "agenda"
    put(seeded_path, "coin-des-cerises", "closed", local(2026, 11, 28, 9), local(2026, 11, 29))
    live = entry(client, "coin-des-cerises", "2026-11-28T11:00")
    assert (live["state"], live["source"]) == ("closed", "live")
    assert live["next_open"] == "2026-12-01T14:00:00+01:00"


def test_closes_early_is_open_until_then_closed_to_midnight(client, seeded_path):
    put(
        seeded_path,
        "circuit",
        "closes-early",
        DEMO_NOW,
        local(2026, 11, 24),
        closes_at=local(2026, 11, 23, 13, 0),
        note="Réunion d'équipe",
    )
    early = entry(client, "circuit", "2026-11-23T12:30")
    assert (early["state"], early["until"], early["source"]) == (
        "open",
        "2026-11-23T13:00:00+01:00",
        "live",
    )
    late = entry(client, "circuit", "2026-11-23T14:00")
    assert (late["state"], late["source"], late["note"]) == ("closed", "live", "Réunion d'équipe")
    assert late["next_open"] == "2026-11-24T10:00:00+01:00"


def test_open_when_closed_by_hours(client, seeded_path):
    # Babel'Zin is closed on Mondays.
    put(seeded_path, "babel-zin", "open", DEMO_NOW, local(2026, 11, 23, 14, 0))
    live = entry(client, "babel-zin", "2026-11-23T13:00")
    assert (live["state"], live["until"], live["source"]) == (
        "open",
        "2026-11-23T14:00:00+01:00",
        "live",
    )
    assert entry(client, "babel-zin", "2026-11-23T14:00")["state"] == "closed"


# --- stale hours ------------------------------------------------------------------------------


def verified(db_path, slug, when):
    db = database.connect(db_path)
    value = when.isoformat() if when else None
    db.execute("UPDATE lieux SET hours_verified_at = ? WHERE slug = ?", [value, slug])
    db.close()


@pytest.mark.parametrize(
    ("when", "stale"),
    [
        (None, True),
        (DEMO_NOW - timedelta(days=100), True),
        (DEMO_NOW - timedelta(days=90, seconds=1), True),
        (DEMO_NOW - timedelta(days=90), False),  # as the lieu page's freshness line says
        (DEMO_NOW - timedelta(days=89), False),
        (DEMO_NOW - timedelta(days=3), False),
    ],
)
def test_stale_threshold(client, seeded_path, when, stale):
    verified(seeded_path, "circuit", when)
    assert entry(client, "circuit", "2026-11-23T12:00")["hours_stale"] is stale


def test_unknown_hours_are_not_stale_and_a_live_status_is_fresh(client, seeded_path):
    assert hours_stale(None, False, DEMO_NOW, 90) is False  # no hours: "unknown", not stale
    put(seeded_path, "circuit", "open", DEMO_NOW, local(2026, 11, 23, 15, 0))
    verified(seeded_path, "circuit", None)
    assert entry(client, "circuit", "2026-11-23T12:30")["hours_stale"] is False
    assert entry(client, "circuit", "2026-11-23T15:30")["hours_stale"] is True


def test_threshold_follows_the_setting(seeded_path):
    from litestar.testing import TestClient

    from tests.conftest import make_app

    verified(seeded_path, "circuit", DEMO_NOW - timedelta(days=10))
    with TestClient(app=make_app(seeded_path, hours_stale_days=7)) as client:
        assert entry(client, "circuit", "2026-11-23T12:00")["hours_stale"] is True


# --- the cached fragment ----------------------------------------------------------------------

# Babel'Zin is the only lieu in Auderghem, closed on Mondays: its fragment changes only through
# the live status (set, then over), never through its hours that day.
AUDERGHEM = "/widget/open-now?commune=Auderghem&show=all"


def max_age(response) -> int:
    return int(response.headers["cache-control"].rsplit("max-age=", 1)[1])


def test_fragment_changes_when_a_status_is_set_and_when_it_ends(client, seeded_path, clock):
    verified(seeded_path, "babel-zin", DEMO_NOW)
    before = client.get(AUDERGHEM)
    assert "Fuite" not in before.text and max_age(before) == MAX_AGE_CAP
    put(seeded_path, "babel-zin", "closed", DEMO_NOW, local(2026, 11, 23, 14), note="Fuite d'eau")
    # The polled fragment re-reads the data revision at most this often (any process's write).
    time.sleep(REVISION_CHECK_SECONDS + 0.1)
    during = client.get(AUDERGHEM)
    assert "Fuite d&#39;eau" in during.text and "fermé exceptionnellement" in during.text
    assert during.headers["etag"] != before.headers["etag"]
    assert (
        client.get(AUDERGHEM, headers={"if-none-match": during.headers["etag"]}).status_code == 304
    )
    # Its end is a change of its own: browsers may keep it only until then, the cache too.
    clock.now = local(2026, 11, 23, 13, 59, 30)
    assert max_age(client.get(AUDERGHEM)) == 30
    clock.now = local(2026, 11, 23, 14, 0)
    after = client.get(AUDERGHEM)
    assert "Fuite" not in after.text and "fermé exceptionnellement" not in after.text
    assert after.text == before.text


def test_fragment_says_when_hours_become_stale(client, seeded_path, clock):
    verified(seeded_path, "babel-zin", DEMO_NOW - timedelta(days=90) + timedelta(hours=1))
    time.sleep(REVISION_CHECK_SECONDS + 0.1)
    assert "horaires à confirmer" not in client.get(AUDERGHEM).text
    clock.now = DEMO_NOW + timedelta(hours=1)  # exactly 90 days: still fresh
    assert "horaires à confirmer" not in client.get(AUDERGHEM).text
    clock.now = DEMO_NOW + timedelta(hours=1, seconds=1)
    assert "ouvre demain à 10:00 · horaires à confirmer" in client.get(AUDERGHEM).text
    assert "horaires à confirmer" in client.get("/lieux/babel-zin").text
    assert "horaires à confirmer" in client.get("/lieux?commune=Auderghem").text
