"""Visitors' reports on lieux ("Signaler un problème") and their resolution. Never public."""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.reports.models import Kind, Report, Resolution, Shown

# A lieu's page of reports and the admins' list show at most this many: a flood of reports
# (the rate limit is per address) must not make either page unreadable or slow.
LIST_LIMIT = 200

_SELECT = """
    SELECT r.*, l.slug AS lieu_slug, l.name AS lieu_name, m.display_name AS resolved_by_name
    FROM reports r
    JOIN lieux l ON l.id = r.lieu_id
    LEFT JOIN members m ON m.id = r.resolved_by
"""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _convert(row: dict) -> Report:
    row["shown"] = {
        "state": row.pop("shown_state"),
        "source": row.pop("shown_source"),
        "hours_stale": bool(row.pop("shown_stale")),
        "until": row.pop("shown_until"),
    }
    return msgspec.convert(row, Report, strict=False)


def insert_report(
    db: Database,
    lieu_id: int,
    *,
    kind: Kind,
    message: str,
    contact: str,
    lang: str,
    shown: Shown,
    now: datetime,
) -> int:
    """Store an open report; its id."""
    values = {
        "lieu_id": lieu_id,
        "kind": kind,
        "message": message,
        "contact": contact,
        "lang": lang,
        "shown_state": shown.state,
        "shown_source": shown.source,
        "shown_stale": shown.hours_stale,
        "shown_until": None if shown.until is None else _utc(shown.until),
        "created_at": _utc(now),
    }
    return db["reports"].insert(values).last_pk


def get_report(db: Database, report_id: int) -> Report | None:
    """The report with this id, or None."""
    for row in db.query(f"{_SELECT} WHERE r.id = ?", [report_id]):
        return _convert(row)
    return None


def list_reports(
    db: Database, lieu_id: int, *, open_only: bool = False, limit: int = LIST_LIMIT
) -> list[Report]:
    """A lieu's reports, open ones first, newest first."""
    sql = f"{_SELECT} WHERE r.lieu_id = ? AND (NOT ? OR r.resolved_at IS NULL)"
    sql += " ORDER BY r.resolved_at IS NOT NULL, r.id DESC LIMIT ?"
    return [_convert(row) for row in db.query(sql, [lieu_id, open_only, limit])]


def open_reports(db: Database, *, limit: int = LIST_LIMIT) -> list[Report]:
    """The open reports of every public lieu (not archived), oldest first: the network admins'
    follow-up list."""
    sql = f"{_SELECT} WHERE r.resolved_at IS NULL AND l.archived_at IS NULL"
    sql += " ORDER BY r.created_at, r.id LIMIT ?"
    return [_convert(row) for row in db.query(sql, [limit])]


def open_report_counts(db: Database) -> dict[int, int]:
    """{lieu id: how many open reports} for every public lieu (not archived) that has any."""
    sql = (
        "SELECT r.lieu_id, count(*) FROM reports r JOIN lieux l ON l.id = r.lieu_id "
        "WHERE r.resolved_at IS NULL AND l.archived_at IS NULL GROUP BY r.lieu_id"
    )
    return dict(db.execute(sql).fetchall())


def resolve_report(
    db: Database,
    report_id: int,
    resolution: Resolution,
    *,
    note: str,
    by: int | None,
    now: datetime,
) -> bool:
    """Close an open report; False if it was no longer open (someone resolved it meanwhile)."""
    cursor = db.execute(
        "UPDATE reports SET resolution = ?, resolution_note = ?, resolved_by = ?, "
        "resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
        [resolution, note, by, _utc(now), report_id],
    )
    return cursor.rowcount == 1
