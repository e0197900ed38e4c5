"""The audit log: every change to a lieu's data, with who, when, before and after (JSON)."""

import json
from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lieu_id: int | None
    member_id: int | None
    member_name: str | None = None
    actor: str | None = None  # who acted when no member did: "cli", "refresh"
    at: datetime
    action: str
    entity: str
    entity_id: int | None
    before: dict | None = None
    after: dict | None = None


def record(
    db: Database,
    *,
    lieu_id: int | None,
    member_id: int | None,
    actor: str | None = None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: object = None,
    after: object = None,
    now: datetime,
) -> int:
    """Append one entry; `before`/`after` are Structs or plain data, stored as JSON."""

    def dump(value: object) -> str | None:
        return None if value is None else msgspec.json.encode(value).decode()

    values = {
        "lieu_id": lieu_id,
        "member_id": member_id,
        "actor": actor,
        "at": now.astimezone(UTC).isoformat(),
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": dump(before),
        "after": dump(after),
    }
    return db["audit_log"].insert(values).last_pk


def list_entries(
    db: Database,
    lieu_id: int,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """A lieu's entries, newest first; optionally only those of one entity."""
    sql = (
        "SELECT a.*, m.display_name AS member_name FROM audit_log a "
        "LEFT JOIN members m ON m.id = a.member_id WHERE a.lieu_id = ?"
    )
    params: list[object] = [lieu_id]
    if entity is not None:
        sql += " AND a.entity = ?"
        params.append(entity)
    if entity_id is not None:
        sql += " AND a.entity_id = ?"
        params.append(entity_id)
    sql += " ORDER BY a.id DESC LIMIT ?"
    params.append(limit)
    entries = []
    for row in db.query(sql, params):
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        entries.append(msgspec.convert(row, AuditEntry, strict=False))
    return entries


def get_entry(db: Database, entry_id: int) -> AuditEntry | None:
    """One entry, or None (what an undo reads back)."""
    sql = (
        "SELECT a.*, m.display_name AS member_name FROM audit_log a "
        "LEFT JOIN members m ON m.id = a.member_id WHERE a.id = ?"
    )
    for row in db.query(sql, [entry_id]):
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        return msgspec.convert(row, AuditEntry, strict=False)
    return None
