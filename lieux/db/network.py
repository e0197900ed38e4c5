"""The network admin area's queries: every lieu (archived too) with its follow-up counts,
creating and archiving lieux, helplines by id, and the network's audit entries."""

import json
from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.admin.models import HelplineRow, LieuCounts
from lieux.db.audit import AuditEntry
from lieux.db.lieux import lieu_from_row
from lieux.models import Helpline, LieuWrite

HELPLINE_COLUMNS = (
    "name, number, hours, language, what, what_nl, what_en, hours_nl, hours_en, opening_hours"
)
# The facts of a lieu an admin may put back from an audited version (never its id, slug,
# archive state, counters, or the rules of the lieu which its settings page keeps).
FACT_COLUMNS = tuple(
    f.name for f in msgspec.structs.fields(LieuWrite) if f.name not in ("slug", "governance")
)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def lieux_with_counts(db: Database) -> list[LieuCounts]:
    """Every lieu, archived ones too, by name, with hours known, co-managers, pending
    proposals and the moment of its last change (latest audit entry, else `updated_at`)."""
    sql = """
        SELECT l.*,
          EXISTS (SELECT 1 FROM opening_slots s WHERE s.lieu_id = l.id) AS _hours_known,
          (SELECT count(*) FROM roles r WHERE r.lieu_id = l.id AND r.role = 'co-manager')
            AS _co_managers,
          (SELECT count(*) FROM proposals p WHERE p.lieu_id = l.id AND p.status = 'pending')
            AS _pending,
          (SELECT max(a.at) FROM audit_log a WHERE a.lieu_id = l.id) AS _last_audit
        FROM lieux l ORDER BY l.name COLLATE NOCASE
    """
    found = []
    for row in db.query(sql):
        extra = {key: row.pop(key) for key in list(row) if key.startswith("_")}
        last = extra["_last_audit"] or row["updated_at"]
        found.append(
            LieuCounts(
                lieu=lieu_from_row(row),
                hours_known=bool(extra["_hours_known"]),
                co_managers=extra["_co_managers"],
                pending_proposals=extra["_pending"],
                last_change=datetime.fromisoformat(last) if last else None,
            )
        )
    return found


def slugs_like(db: Database, slug: str) -> set[str]:
    """The slugs taken that are `slug` or `slug-N` (archived lieux keep theirs)."""
    rows = db.execute(
        "SELECT slug FROM lieux WHERE slug = ? OR slug GLOB ?", [slug, f"{slug}-[0-9]*"]
    )
    return {row[0] for row in rows}


def insert_lieu(db: Database, lieu: LieuWrite, *, now: datetime) -> int:
    """A new lieu; its id."""
    values = msgspec.to_builtins(lieu)
    values["languages"] = json.dumps(values["languages"])
    return db["lieux"].insert({**values, "updated_at": _utc(now)}).last_pk


def set_archived(
    db: Database, lieu_id: int, archived_at: datetime | None, *, now: datetime
) -> None:
    """Archive the lieu at `archived_at`, or (None) bring it back."""
    db.execute(
        "UPDATE lieux SET archived_at = ?, updated_at = ? WHERE id = ?",
        [None if archived_at is None else _utc(archived_at), _utc(now), lieu_id],
    )


def set_facts(db: Database, lieu_id: int, facts: dict, *, now: datetime) -> None:
    """Put back some of a lieu's facts (FACT_COLUMNS only); the profile's version moves on."""
    values = {key: value for key, value in facts.items() if key in FACT_COLUMNS}
    if "languages" in values:
        values["languages"] = json.dumps(list(values["languages"] or []))
    assignments = "".join(f"{key} = ?, " for key in values)
    db.execute(
        f"UPDATE lieux SET {assignments}version = version + 1, updated_at = ? WHERE id = ?",
        [*values.values(), _utc(now), lieu_id],
    )


def list_helpline_rows(db: Database) -> list[HelplineRow]:
    """The helplines with their ids, in the order they were entered."""
    rows = db.query(f"SELECT id, {HELPLINE_COLUMNS} FROM helplines ORDER BY id")
    return [msgspec.convert(row, HelplineRow) for row in rows]


def get_helpline(db: Database, helpline_id: int) -> HelplineRow | None:
    """One helpline, or None."""
    sql = f"SELECT id, {HELPLINE_COLUMNS} FROM helplines WHERE id = ?"
    for row in db.query(sql, [helpline_id]):
        return msgspec.convert(row, HelplineRow)
    return None


def helpline_name_taken(db: Database, name: str, *, other_than: int | None = None) -> bool:
    """Whether another helpline has this name (names are unique)."""
    row = db.execute(
        "SELECT 1 FROM helplines WHERE lower(name) = lower(?) AND id IS NOT ?", [name, other_than]
    ).fetchone()
    return row is not None


def insert_helpline(db: Database, helpline: Helpline, *, helpline_id: int | None = None) -> int:
    """A new helpline (under `helpline_id` if given: one put back from the audit log); its id."""
    values = msgspec.to_builtins(helpline)
    if helpline_id is not None:
        values["id"] = helpline_id
    return db["helplines"].insert(values).last_pk


def update_helpline(db: Database, helpline_id: int, helpline: Helpline) -> None:
    db["helplines"].update(helpline_id, msgspec.to_builtins(helpline))


def delete_helpline(db: Database, helpline_id: int) -> None:
    db.execute("DELETE FROM helplines WHERE id = ?", [helpline_id])


class NetworkEntry(AuditEntry, frozen=True, kw_only=True):
    """An audit entry of the network log, with the name of its lieu if it has one."""

    lieu_name: str | None = None
    lieu_slug: str | None = None


def network_entries(
    db: Database, *, limit: int = 200, entry_id: int | None = None
) -> list[NetworkEntry]:
    """Network-level changes, newest first: lieux (created, edited, archived, restored),
    helplines, and whatever has no lieu (admin invites, admins joining)."""
    sql = """
        SELECT a.*, m.display_name AS member_name, l.name AS lieu_name, l.slug AS lieu_slug
        FROM audit_log a
        LEFT JOIN members m ON m.id = a.member_id
        LEFT JOIN lieux l ON l.id = a.lieu_id
        WHERE (a.lieu_id IS NULL OR a.entity IN ('lieu', 'helpline')) AND (? IS NULL OR a.id = ?)
        ORDER BY a.id DESC LIMIT ?
    """
    entries = []
    for row in db.query(sql, [entry_id, entry_id, limit]):
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        entries.append(msgspec.convert(row, NetworkEntry, strict=False))
    return entries


def get_network_entry(db: Database, entry_id: int) -> NetworkEntry | None:
    """One entry of the network log, or None (entries of a lieu's agenda are not in it)."""
    found = network_entries(db, limit=1, entry_id=entry_id)
    return found[0] if found else None
