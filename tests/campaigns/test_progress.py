"""The campaigns' pure parts: a lieu's progress from its check and its e-mails, the CSV's
cells, when a reminder is due, what the new-campaign form means in time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lieux.campaigns import forms, progress
from lieux.campaigns.models import Campaign, Check, CheckLink, LieuProgress
from lieux.campaigns.rounds import MAX_REMINDERS, reminder_due
from lieux.models import Lieu

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def check(**fields) -> Check:
    values = {"hours_state": "pending", "closures_state": "pending"} | fields
    return Check(id=1, campaign_id=1, lieu_id=1, **values)


def link(state: str | None) -> CheckLink:
    return CheckLink(id=1, check_id=1, kind="mail", created_at=NOW, mail_state=state)


@pytest.mark.parametrize(
    ("fields", "mails", "expected"),
    [
        ({}, [], "not_sent"),
        ({}, ["pending"], "sent"),
        ({}, ["sent", "undeliverable"], "sent"),  # one got through
        ({}, ["undeliverable", "failed"], "bounced"),
        ({"opened_at": NOW}, ["undeliverable"], "opened"),  # opened: the bounce is moot
        ({"hours_state": "confirmed"}, ["sent"], "sent"),  # half an answer is no answer yet
        ({"hours_state": "confirmed", "opened_at": NOW}, [], "opened"),
        ({"hours_state": "confirmed", "closures_state": "confirmed"}, [], "confirmed"),
        ({"hours_state": "updated"}, [], "updated"),  # a correction shows at once
        ({"hours_state": "updated", "closures_state": "confirmed"}, ["failed"], "updated"),
    ],
)
def test_a_lieus_progress(fields, mails, expected):
    assert progress.state_of(check(**fields), [link(s) for s in mails]) == expected


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("Babel'Zin", "Babel'Zin"),
        ("=1+1", "'=1+1"),
        ("+32 2 123", "'+32 2 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_never_start_a_formula(cell, safe):
    assert progress.safe_cell(cell) == safe


def test_the_csv_has_one_row_per_lieu_with_its_sections():
    lieu = Lieu(id=1, slug="x", name="=cmd|' /C calc'!A0", commune="Ixelles")
    item = LieuProgress(
        lieu=lieu,
        check=check(hours_state="updated", answered_at=NOW, answer_via="phone", answer_who="-Zoé"),
        state="updated",
        sections={"hours": "updated", "closures": "pending"},
        links=[link("sent"), link("undeliverable")],
    )
    text = progress.to_csv([item], BRUSSELS)
    header, row = text.splitlines()
    assert header.startswith("Lieu,Commune,État,Horaires")
    assert row.startswith("'=cmd|' /C calc'!A0,Ixelles,mis à jour,mis à jour,à vérifier,,")
    assert "2026-11-23 12:00" in row and "par téléphone" in row and "'-Zoé" in row
    assert row.endswith(",0,1,1")  # no reminder, one e-mail out, one bounced


def campaign(days: int = 7) -> Campaign:
    return Campaign(
        id=1,
        name="x",
        check_hours=True,
        check_closures=False,
        check_facts=False,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=30),
        reminder_days=days,
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("last", "reminders", "at", "due"),
    [
        (None, 0, NOW + timedelta(days=30), False),  # never mailed: nothing to remind of
        (NOW, 0, NOW + timedelta(days=7) - timedelta(seconds=1), False),
        (NOW, 0, NOW + timedelta(days=7), True),
        (NOW, MAX_REMINDERS, NOW + timedelta(days=30), False),
    ],
)
def test_when_a_reminder_is_due(last, reminders, at, due):
    assert reminder_due(campaign(), check(last_mailed_at=last, reminders=reminders), at) is due


def test_a_campaign_for_later_starts_at_local_time_and_ends_after_its_last_day():
    data = {
        "name": "Horaires d'été",
        "scope": "chosen",
        "lieux": ["circuit", "babel-zin", "circuit"],
        "sections": ["facts", "hours"],
        "start": "later",
        "starts_at": "2027-03-28T09:00",  # the day the clocks go forward
        "ends_on": "2027-04-10",
        "reminder_days": "5",
    }
    write = forms.parse_campaign(data, zone=BRUSSELS, now=NOW)
    assert write.starts_at == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert write.ends_at == datetime(2027, 4, 11, 0, 0, tzinfo=BRUSSELS)
    assert write.chosen == ("circuit", "babel-zin") and write.sections == ("hours", "facts")
    campaign_ = Campaign(
        id=1,
        name=write.name,
        check_hours=True,
        check_closures=False,
        check_facts=True,
        starts_at=write.starts_at,
        ends_at=write.ends_at,
        reminder_days=5,
        created_at=NOW,
    )
    assert campaign_.last_day(BRUSSELS).isoformat() == "2027-04-10"


def test_a_campaign_starting_now_lasts_thirty_days_by_default():
    write = forms.parse_campaign({"name": "x", "sections": "hours"}, zone=BRUSSELS, now=NOW)
    assert write.starts_at == NOW and write.scope == "all" and write.reminder_days == 7
    assert write.ends_at == datetime(2026, 12, 24, tzinfo=BRUSSELS)
