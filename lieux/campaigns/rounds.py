"""The campaigns' periodic work inside `lieux serve`: start the campaigns whose start has come
(their first e-mails), remind the lieux that have not answered after the campaign's delay,
and send the weekly digest.

Every few minutes each worker asks for the `campaigns` lease (lieux/db/leases.py, as the hourly
calendar refresh does) and only its holder works; every step is also safe to repeat (a
check's first e-mails, a reminder and a week's digest are each claimed by a conditional write),
so a round that dies half-way is finished by the next one.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import msgspec
from sqlite_utils import Database

from lieux import background
from lieux.campaigns import actions, digest
from lieux.campaigns.models import Campaign, Check
from lieux.db import campaigns as campaigns_db
from lieux.db import connect
from lieux.db.leases import take_lease
from lieux.settings import Settings

log = logging.getLogger("lieux")

LEASE = "campaigns"
# A campaign set to start at 09:00 starts within five minutes; a reminder is due by the day.
EVERY_S = 300
LEASE_TTL = timedelta(seconds=EVERY_S * 3 // 2)
# Reminders per lieu and campaign: after two, a phone call works better than a third e-mail.
MAX_REMINDERS = 2
# Checks looked at per round: far more than the network's lieux times its campaigns.
ROUND_LIMIT = 2000


class RoundReport(msgspec.Struct, kw_only=True):
    invited: int = 0
    reminded: int = 0
    digest: int | None = None


def reminder_due(campaign: Campaign, check: Check, now: datetime) -> bool:
    """Whether a lieu that has not answered gets a reminder at `now`: the campaign's delay has
    passed since its last e-mail, and it has had fewer than MAX_REMINDERS."""
    if check.last_mailed_at is None or check.reminders >= MAX_REMINDERS:
        return False
    return check.last_mailed_at + timedelta(days=campaign.reminder_days) <= now


def run_round(db: Database, settings: Settings, *, now: datetime) -> RoundReport:
    """One round at `now`: first e-mails of started campaigns, reminders, the digest."""
    report = RoundReport(invited=actions.invite_due(db, settings, now=now))
    if settings.mail_enabled:
        for campaign, check in campaigns_db.to_remind(db, now=now, limit=ROUND_LIMIT):
            if reminder_due(campaign, check, now):
                report.reminded += actions.remind(db, campaign, check, settings=settings, now=now)
    report.digest = digest.send_if_due(db, settings, now=now)
    return report


def round_if_holder(path: str, settings: Settings, now: datetime, holder: str):
    """A round if `holder` takes or renews the lease at `now`; None when another process
    holds it (nothing done)."""
    db = connect(path)
    try:
        if not take_lease(db, LEASE, holder, now=now, ttl=LEASE_TTL):
            return None
        return run_round(db, settings, now=now)
    finally:
        db.close()


@asynccontextmanager
async def campaign_rounds(app) -> AsyncIterator[None]:
    """Lifespan of the app: a round every EVERY_S, in a thread, if this process holds the
    lease (lieux.background.rounds). The first round waits a little, so starting the server
    stays quick."""
    settings: Settings = app.state.settings

    def work(holder: str, _stop) -> None:
        report = round_if_holder(settings.db, settings, app.state.clock(), holder)
        if report and (report.invited or report.reminded or report.digest):
            log.info("campaigns: %s", msgspec.json.encode(report).decode())

    async with background.rounds(
        path=settings.db, lease=LEASE, work=work, every=EVERY_S, first_after=EVERY_S
    ):
        yield
