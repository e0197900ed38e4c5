"""What /admin says about each lieu: stale hours, open reports and "needs attention", from a
given `now`."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from lieux.admin.models import FollowUp, LieuCounts
from lieux.hours import live
from lieux.reports.models import Report


def hours_stale(counts: LieuCounts, now: datetime, stale_days: int) -> bool:
    """Known hours nobody confirmed within `stale_days` (never confirmed: stale). Unknown hours
    are not stale: they are unknown, which /admin shows on its own."""
    return live.hours_stale(counts.lieu.hours_verified_at, counts.hours_known, now, stale_days)


def follow_up(
    rows: list[LieuCounts],
    now: datetime,
    stale_days: int,
    *,
    attention: bool = False,
    reports: Iterable[Report] = (),
) -> list[FollowUp]:
    """The rows of /admin; only those that need attention if `attention`. `reports`: the
    open reports of the network, counted per lieu (a lieu with one needs attention)."""
    open_reports = Counter(report.lieu_id for report in reports)
    found = [
        FollowUp(
            lieu=row.lieu,
            hours_known=row.hours_known,
            hours_stale=hours_stale(row, now, stale_days),
            co_managers=row.co_managers,
            pending_proposals=row.pending_proposals,
            last_change=row.last_change,
            open_reports=open_reports[row.lieu.id],
        )
        for row in rows
    ]
    return [row for row in found if row.needs_attention] if attention else found
