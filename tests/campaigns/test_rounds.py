"""The campaigns' round in `lieux serve`: one worker at a time (the lease), and the weekly
digest to admins: from Monday 08:00, once a week, only to those who want it; what it lists
(stale and unknown hours, campaigns, the visitors' reports still open)."""

from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from lieux import db as database
from lieux.campaigns import actions, digest
from lieux.campaigns.models import CampaignWrite
from lieux.campaigns.rounds import round_if_holder, run_round
from lieux.db import members as members_db
from lieux.db.lieux import get_lieu, list_lieux
from lieux.mail.models import MailPrefs
from lieux.reports import actions as reports
from lieux.reports.models import Report, ReportForm, ResolveForm, Shown
from tests.campaigns.conftest import NOWHERE, outbox, query, start, with_address
from tests.conftest import make_settings
from tests.mail.conftest import MAIL_FROM
from tests.people import LIEU_A, add_member, sign_in

BRUSSELS = ZoneInfo("Europe/Brussels")
# Monday 30 November 2026, 08:00 in Brussels: the digest of week 49 is due.
MONDAY_8 = datetime(2026, 11, 30, 8, 0, tzinfo=BRUSSELS)


@pytest.fixture
def settings(seeded_path):
    return make_settings(seeded_path, smtp_url=NOWHERE, mail_from=MAIL_FROM)


@pytest.fixture
def sdb(seeded_path):
    connection = database.connect(seeded_path)
    yield connection
    connection.close()


def admin_with(db_path, name, email, **choices) -> int:
    member_id = add_member(db_path, name, admin=True)
    db = database.connect(db_path)
    members_db.set_mail_prefs(db, member_id, MailPrefs(email=email, **choices))
    db.close()
    return member_id


@pytest.mark.parametrize(
    ("local", "week"),
    [
        (datetime(2026, 11, 30, 7, 59), None),  # Monday, too early
        (datetime(2026, 11, 30, 8, 0), "2026-W49"),
        (datetime(2026, 12, 6, 23, 59), "2026-W49"),  # Sunday night: still that week's
        (datetime(2026, 12, 7, 8, 0), "2026-W50"),
        (datetime(2027, 1, 4, 9, 0), "2027-W01"),
        (datetime(2027, 3, 29, 8, 30), "2027-W13"),  # the Monday after the clocks change
    ],
)
def test_the_week_whose_digest_is_due(local, week):
    assert digest.week_due(local.replace(tzinfo=BRUSSELS).astimezone(UTC), BRUSSELS) == week


def test_the_digest_goes_once_a_week_to_admins_who_want_it(seeded_path, sdb, settings):
    admin_with(seeded_path, "Coord", "coord@example.org")
    admin_with(seeded_path, "Nope", "nope@example.org", mail_digest=False)
    with_address(seeded_path, "Ana", "ana@example.org")  # a co-manager: no digest
    # Le Delta's hours were confirmed in July: stale after 90 days.
    assert digest.send_if_due(sdb, settings, now=MONDAY_8 - timedelta(minutes=1)) is None
    assert digest.send_if_due(sdb, settings, now=MONDAY_8) == 1
    assert digest.send_if_due(sdb, settings, now=MONDAY_8 + timedelta(days=3)) is None
    [message] = outbox(seeded_path)
    assert message.recipient == "coord@example.org" and message.topic == "digest"
    assert "2026-W49" in message.subject
    assert "Horaires à confirmer (1 lieu)" in message.body_text and "Le Delta" in message.body_text
    assert "/admin?attention=1" in message.body_text
    assert digest.send_if_due(sdb, settings, now=MONDAY_8 + timedelta(days=7)) == 1


def test_the_digest_names_running_campaigns_and_unknown_hours(seeded_path, sdb, settings):
    admin_with(seeded_path, "Coord", "coord@example.org")
    query(seeded_path, "DELETE FROM opening_slots WHERE lieu_id = 1")
    write = CampaignWrite(
        name="Horaires d'hiver",
        sections=("hours",),
        starts_at=MONDAY_8 - timedelta(days=1),
        ends_at=MONDAY_8 + timedelta(days=20),
        reminder_days=7,
        scope="all",
    )
    actions.create_campaign(
        sdb, write, list_lieux(sdb), by=1, settings=settings, now=MONDAY_8 - timedelta(days=1)
    )
    assert digest.send_if_due(sdb, settings, now=MONDAY_8) == 1
    message = outbox(seeded_path)[-1]
    assert "Horaires inconnus (1 lieu)" in message.body_text
    assert "Horaires d'hiver : 0 réponses sur 11 lieux" in message.body_text
    assert "Horaires d&#39;hiver" in message.body_html  # escaped in the HTML part


def test_no_digest_without_smtp_and_none_when_nothing_needs_attention(seeded_path, sdb):
    admin_with(seeded_path, "Coord", "coord@example.org")
    off = make_settings(seeded_path)
    assert digest.send_if_due(sdb, off, now=MONDAY_8) is None
    assert outbox(seeded_path) == []
    on = make_settings(seeded_path, smtp_url=NOWHERE, mail_from=MAIL_FROM, hours_stale_days=3660)
    assert digest.send_if_due(sdb, on, now=MONDAY_8) == 0  # every lieu's hours are fresh
    assert outbox(seeded_path) == []
    assert query(seeded_path, "SELECT week FROM digests") == [("2026-W49",)]


def test_one_worker_at_a_time_does_the_round(seeded_path, settings):
    now = MONDAY_8.astimezone(UTC)
    assert round_if_holder(str(seeded_path), settings, now, "worker-1") is not None
    assert round_if_holder(str(seeded_path), settings, now, "worker-2") is None
    # the holder renews; a dead holder's lease runs out
    assert round_if_holder(str(seeded_path), settings, now + timedelta(minutes=5), "worker-1")
    later = now + timedelta(hours=1)
    assert round_if_holder(str(seeded_path), settings, later, "worker-2") is not None


def test_a_round_without_smtp_still_starts_campaigns_set_for_later(client, seeded_path, clock, sdb):
    token = sign_in(client, seeded_path, add_member(seeded_path, "Coord", admin=True))
    start(client, token, start="later", starts_at="2026-11-25T09:00")
    settings = make_settings(seeded_path)
    clock.now = datetime(2026, 11, 25, 8, 5, tzinfo=UTC)  # 09:05 in Brussels
    report = run_round(sdb, settings, now=clock())
    assert report.invited == 0 and report.reminded == 0 and report.digest is None
    assert query(seeded_path, "SELECT count(*) FROM campaign_checks WHERE invited_at IS NULL") == [
        (0,)
    ]
    page = client.get(f"/admin/campaigns/1/lieux/{LIEU_A}")
    assert "Créer un lien à copier" in page.text


def reported(db_path, slug, kind, at, *, resolved=False):
    """A visitor's report on `slug` at `at`, through the one action (mail off); resolved as
    fixed right away if told."""
    db = database.connect(db_path)
    try:
        lieu = get_lieu(db, slug)
        form = ReportForm(kind=kind, message="Porte close")
        report = reports.report(
            db,
            lieu,
            form,
            shown=Shown(state="open"),
            lang="fr",
            settings=make_settings(db_path),
            now=at,
        )
        if resolved:
            reports.resolve(db, lieu, report, ResolveForm(resolution="fixed"), by=1, now=at)
    finally:
        db.close()


def test_the_digest_lists_the_open_reports_per_lieu_oldest_first(seeded_path, sdb, settings):
    admin_with(seeded_path, "Coord", "coord@example.org")
    reported(seeded_path, LIEU_A, "wrong-hours", MONDAY_8 - timedelta(days=2))
    reported(seeded_path, "circuit", "found-closed", MONDAY_8 - timedelta(days=9))
    reported(seeded_path, "circuit", "wrong-contact", MONDAY_8 - timedelta(minutes=30))
    reported(seeded_path, "club-55", "other", MONDAY_8 - timedelta(days=1), resolved=True)
    assert digest.send_if_due(sdb, settings, now=MONDAY_8) == 1
    message = outbox(seeded_path)[-1]
    text = message.body_text
    block = text[text.index("Signalements ouverts (3) :") :]
    assert block.startswith(
        "Signalements ouverts (3) :\n"
        "- Circuit (2)\n"
        "  http://testserver/manage/circuit/reports\n"
        "  · Fermé alors qu'affiché ouvert, reçu il y a 9 jours\n"
        "  · Adresse ou téléphone erronés, reçu aujourd'hui\n"
        "- Babel'Zin (1)\n"
        f"  http://testserver/manage/{LIEU_A}/reports\n"
        "  · Horaires erronés, reçu il y a 2 jours\n"
    )
    assert "Club 55" not in block  # its report is resolved
    html = message.body_html
    assert 'href="http://testserver/manage/circuit/reports"' in html
    assert "Fermé alors qu'affiché ouvert, reçu il y a 9 jours" in unescape(html)
    assert "Club 55" not in html.split("Signalements ouverts")[1]


def test_open_reports_alone_make_a_digest(seeded_path, sdb):
    """Hours all fresh, no campaign: an open report is still something to follow up."""
    admin_with(seeded_path, "Coord", "coord@example.org")
    on = make_settings(seeded_path, smtp_url=NOWHERE, mail_from=MAIL_FROM, hours_stale_days=3660)
    reported(seeded_path, "circuit", "found-closed", MONDAY_8 - timedelta(days=1))
    assert digest.send_if_due(sdb, on, now=MONDAY_8) == 1
    [message] = outbox(seeded_path)
    assert "Signalements ouverts (1) :" in message.body_text
    assert "reçu hier" in message.body_text and "Horaires" not in message.body_text


def test_a_lieus_reports_past_the_first_few_are_counted():
    reports_ = [
        Report(
            id=n,
            lieu_id=2,
            lieu_slug="circuit",
            lieu_name="Circuit",
            kind="other",
            shown=Shown(state="closed"),
            created_at=MONDAY_8.astimezone(UTC) - timedelta(days=20 - n),
        )
        for n in range(digest.REPORTS_PER_LIEU + 2)
    ]
    [circuit] = digest.open_reports_per_lieu(reports_, {2: 9}, MONDAY_8, BRUSSELS)
    assert circuit.count == 9
    assert [r.days for r in circuit.oldest] == [20, 19, 18, 17, 16]
