"""Proposals of activities by members (or the public), their supports and the decision."""

from datetime import UTC, datetime
from typing import Literal

import msgspec
from sqlite_utils import Database

from lieux.calendar.models import ActivityWrite

ProposalStatus = Literal["pending", "accepted", "declined", "withdrawn"]


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lieu_id: int
    member_id: int | None
    proposer_name: str = ""
    activity: ActivityWrite
    status: ProposalStatus = "pending"
    message: str = ""
    activity_id: int | None = None
    decided_by: int | None = None
    decided_by_name: str | None = None
    created_at: datetime
    decided_at: datetime | None = None
    supports: int = 0
    supporter_ids: tuple[int, ...] = ()


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()


def _convert(row: dict) -> Proposal:
    supporters = row.pop("supporters") or ""
    ids = tuple(int(i) for i in supporters.split(",") if i)
    row["activity"] = msgspec.json.decode(row["activity"])
    return msgspec.convert(
        {**row, "supports": len(ids), "supporter_ids": ids}, Proposal, strict=False
    )


_SELECT = (
    "SELECT p.*, d.display_name AS decided_by_name, "
    "(SELECT group_concat(member_id) FROM supports s WHERE s.proposal_id = p.id) AS supporters "
    "FROM proposals p LEFT JOIN members d ON d.id = p.decided_by"
)


def create_proposal(
    db: Database,
    lieu_id: int,
    activity: ActivityWrite,
    *,
    member_id: int | None,
    proposer_name: str,
    now: datetime,
) -> int:
    """Store a pending proposal; return its id."""
    values = {
        "lieu_id": lieu_id,
        "member_id": member_id,
        "proposer_name": proposer_name,
        "activity": msgspec.json.encode(activity).decode(),
        "created_at": _utc(now),
    }
    return db["proposals"].insert(values).last_pk


def get_proposal(db: Database, proposal_id: int) -> Proposal | None:
    """The proposal with this id, or None."""
    for row in db.query(f"{_SELECT} WHERE p.id = ?", [proposal_id]):
        return _convert(row)
    return None


def list_proposals(
    db: Database,
    lieu_id: int,
    *,
    status: str | None = None,
    member_id: int | None = None,
) -> list[Proposal]:
    """A lieu's proposals, newest first; optionally of one status or one proposer."""
    sql = f"{_SELECT} WHERE p.lieu_id = ?"
    params: list[object] = [lieu_id]
    if status is not None:
        sql += " AND p.status = ?"
        params.append(status)
    if member_id is not None:
        sql += " AND p.member_id = ?"
        params.append(member_id)
    return [_convert(row) for row in db.query(sql + " ORDER BY p.id DESC", params)]


def add_support(db: Database, proposal_id: int, member_id: int, *, now: datetime) -> None:
    """Record one member's support (supporting twice counts once)."""
    db.execute(
        "INSERT OR IGNORE INTO supports (proposal_id, member_id, created_at) VALUES (?, ?, ?)",
        [proposal_id, member_id, _utc(now)],
    )


def decide(
    db: Database,
    proposal_id: int,
    status: ProposalStatus,
    *,
    decided_by: int | None,
    message: str = "",
    activity_id: int | None = None,
    now: datetime,
) -> bool:
    """Close a pending proposal; False if it was no longer pending (decided meanwhile)."""
    cursor = db.execute(
        "UPDATE proposals SET status = ?, decided_by = ?, message = ?, activity_id = ?, "
        "decided_at = ? WHERE id = ? AND status = 'pending'",
        [status, decided_by, message, activity_id, _utc(now), proposal_id],
    )
    return cursor.rowcount == 1


def withdraw(db: Database, proposal_id: int, member_id: int, *, now: datetime) -> bool:
    """The proposer takes back a pending proposal; False if it was not theirs or not pending."""
    cursor = db.execute(
        "UPDATE proposals SET status = 'withdrawn', decided_at = ? "
        "WHERE id = ? AND member_id = ? AND status = 'pending'",
        [_utc(now), proposal_id, member_id],
    )
    return cursor.rowcount == 1
