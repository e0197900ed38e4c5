"""What /admin says about each lieu: stale hours and "needs attention", from a given `now`."""

from datetime import datetime

from lieux.admin.models import FollowUp, LieuCounts
from lieux.hours import live


def hours_stale(counts: LieuCounts, now: datetime, stale_days: int) -> bool:
    """Known hours nobody confirmed within `stale_days` (never confirmed: stale). Unknown hours
    are not stale: they are unknown, which /admin shows on its own."""
    return live.hours_stale(counts.lieu.hours_verified_at, counts.hours_known, now, stale_days)


def follow_up(
    rows: list[LieuCounts], now: datetime, stale_days: int, *, attention: bool = False
) -> list[FollowUp]:
    """The rows of /admin; only those that need attention if `attention`."""
    found = [
        FollowUp(
            lieu=row.lieu,
            hours_known=row.hours_known,
            hours_stale=hours_stale(row, now, stale_days),
            co_managers=row.co_managers,
            pending_proposals=row.pending_proposals,
            last_change=row.last_change,
        )
        for row in rows
    ]
    return [row for row in found if row.needs_attention] if attention else found
