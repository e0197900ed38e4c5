"""The weekly digest to the network's admins: lieux whose hours are unknown or need
confirming, the campaigns running and how far they got, and the visitors' problem reports
still open, per lieu, oldest first. (The admins get no e-mail per report: this is where they
hear of them, besides /admin; the lieu's co-managers get one each.)

Sent once per ISO week, from Monday 08:00 (Brussels time) on, by the campaigns' round in
`lieux serve`: the `digests` table holds one row per week decided, so two workers, a restart
or a round every five minutes never send it twice. Admins who do not want it untick it on
their /me page (or follow the link in any digest): no setting is needed to turn it off for
the whole network, since it only goes to admins who gave an address and keep the choice on.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.admin import followup
from lieux.campaigns import progress
from lieux.db import campaigns as campaigns_db
from lieux.db import network
from lieux.db import reports as reports_db
from lieux.mail.outbox import admin_recipients, enqueue
from lieux.models import Lieu
from lieux.reports.models import Kind, Report
from lieux.settings import Settings

# Monday morning: the week's work starts with it.
WEEKDAY = 0
HOUR = 8
# The digest names at most this many lieux per list (and says how many more).
LISTED_MAX = 50
# Recipients of one digest: the network's admins, a handful.
RECIPIENTS_MAX = 50
# A lieu's open reports named one by one, the oldest first; the others are counted.
REPORTS_PER_LIEU = 5


class CampaignSummary(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    campaign_id: int
    lieux: int
    answered: int
    bounced: int


class OpenReport(msgspec.Struct, frozen=True, kw_only=True):
    kind: Kind
    days: int  # its age: days since it came, by the calendar in the network's zone


class LieuReports(msgspec.Struct, frozen=True, kw_only=True):
    """A lieu's open reports: the oldest REPORTS_PER_LIEU of them, and how many in all."""

    name: str
    slug: str
    oldest: list[OpenReport]
    count: int


class Digest(msgspec.Struct, frozen=True, kw_only=True):
    unknown: list[Lieu]
    stale: list[Lieu]
    campaigns: list[CampaignSummary]
    # Lieux with open reports, the one with the oldest report first.
    reports: list[LieuReports] = msgspec.field(default_factory=list)
    reports_total: int = 0  # open reports in the whole network
    reports_lieux_more: int = 0  # lieux with open reports that `reports` leaves out

    @property
    def empty(self) -> bool:
        return not (self.unknown or self.stale or self.campaigns or self.reports_total)


def open_reports_per_lieu(
    reports: list[Report], counts: dict[int, int], now: datetime, zone: ZoneInfo
) -> list[LieuReports]:
    """`reports` (open ones, oldest first) grouped per lieu, the lieu whose oldest report is
    oldest first; each lieu with its `counts` entry (all its open reports, some perhaps beyond
    the list given), at most LISTED_MAX lieux."""
    today = now.astimezone(zone).date()
    grouped: dict[int, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.lieu_id, []).append(report)
    return [
        LieuReports(
            name=found[0].lieu_name,
            slug=found[0].lieu_slug,
            oldest=[
                OpenReport(kind=r.kind, days=(today - r.created_at.astimezone(zone).date()).days)
                for r in found[:REPORTS_PER_LIEU]
            ],
            count=max(counts.get(lieu_id, 0), len(found)),
        )
        for lieu_id, found in list(grouped.items())[:LISTED_MAX]
    ]


def week_due(now: datetime, zone: ZoneInfo) -> str | None:
    """The ISO week ('2026-W49') whose digest is due at `now`: from its Monday 08:00 local
    time on; None before that (early on a Monday)."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday() - WEEKDAY)
    if local < datetime.combine(monday, time(HOUR), zone):
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def gather(db: Database, settings: Settings, now: datetime) -> Digest:
    """What this week's digest says, as of `now`."""
    rows = [
        row
        for row in followup.follow_up(network.lieux_with_counts(db), now, settings.hours_stale_days)
        if row.lieu.archived_at is None
    ]
    summaries = []
    for campaign in campaigns_db.running(db, now=now):
        found = progress.progress(campaigns_db.rows_of(db, campaign.id))
        tally = progress.counts(found)
        summaries.append(
            CampaignSummary(
                name=campaign.name,
                campaign_id=campaign.id,
                lieux=len(found),
                answered=tally["confirmed"] + tally["updated"],
                bounced=tally["bounced"],
            )
        )
    counts = reports_db.open_report_counts(db)
    per_lieu = open_reports_per_lieu(reports_db.open_reports(db), counts, now, settings.zone)
    return Digest(
        unknown=[row.lieu for row in rows if not row.hours_known][:LISTED_MAX],
        stale=[row.lieu for row in rows if row.hours_stale][:LISTED_MAX],
        campaigns=summaries,
        reports=per_lieu,
        reports_total=sum(counts.values()),
        reports_lieux_more=max(0, len(counts) - len(per_lieu)),
    )


def send_if_due(db: Database, settings: Settings, *, now: datetime) -> int | None:
    """Queue this week's digest to every admin who wants it, if due and not decided yet;
    how many e-mails (None: not due, already decided, or mail is off)."""
    if not settings.mail_enabled:
        return None
    week = week_due(now, settings.zone)
    if week is None:
        return None
    digest = gather(db, settings, now)
    recipients = admin_recipients(db, "digest")[:RECIPIENTS_MAX]
    queued = 0
    with db.atomic():
        if not campaigns_db.claim_digest(db, week, recipients=len(recipients), now=now):
            return None
        if digest.empty:
            return 0  # nothing to follow up: no mail, and none later this week
        for to in recipients:
            context = {"digest": digest, "week": week}
            if enqueue(
                db,
                to=to,
                template="campaign_digest",
                context=context,
                topic="digest",
                settings=settings,
                now=now,
            ):
                queued += 1
    return queued
