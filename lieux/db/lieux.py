"""Lieux, helplines and the data revision."""

import json
from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.models import Helpline, Lieu, LieuWrite


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()


def lieu_from_row(row: dict) -> Lieu:
    """A `lieux` row as a Lieu (its `languages` column is a JSON list)."""
    return msgspec.convert({**row, "languages": json.loads(row["languages"])}, Lieu, strict=False)


def list_lieux(db: Database, *, commune: str | None = None, archived: bool = False) -> list[Lieu]:
    """The public lieux by name (with the archived ones too if `archived`); only those of
    `commune` (case-insensitive) if given."""
    sql = "SELECT * FROM lieux WHERE (? OR archived_at IS NULL)"
    params: list[object] = [archived]
    if commune:
        sql += " AND lower(commune) = lower(?)"
        params.append(commune)
    rows = db.query(sql + " ORDER BY name COLLATE NOCASE", params)
    return [lieu_from_row(row) for row in rows]


def get_lieu(db: Database, slug: str, *, archived: bool = False) -> Lieu | None:
    """The public lieu with this slug (or an archived one too if `archived`), or None."""
    sql = "SELECT * FROM lieux WHERE slug = ? AND (? OR archived_at IS NULL)"
    for row in db.query(sql, [slug, archived]):
        return lieu_from_row(row)
    return None


def list_communes(db: Database) -> list[str]:
    """The communes that have at least one lieu, alphabetically."""
    rows = db.query(
        "SELECT DISTINCT commune FROM lieux WHERE commune != '' AND archived_at IS NULL"
        " ORDER BY commune"
    )
    return [row["commune"] for row in rows]


def upsert_lieu(db: Database, lieu: LieuWrite, *, now: datetime) -> int:
    """Insert or update the lieu with `lieu.slug`; return its id. Unchanged data writes nothing."""
    values = msgspec.to_builtins(lieu)
    values["languages"] = json.dumps(values["languages"])
    existing = next(db.query("SELECT * FROM lieux WHERE slug = ?", [lieu.slug]), None)
    if existing is None:
        return db["lieux"].insert({**values, "updated_at": _utc(now)}).last_pk
    if any(existing[key] != value for key, value in values.items()):
        db["lieux"].update(existing["id"], {**values, "updated_at": _utc(now)})
    return existing["id"]


def list_helplines(db: Database) -> list[Helpline]:
    """The helplines, in the order they were entered."""
    rows = db.query(
        "SELECT name, number, hours, language, what, what_nl, what_en, hours_nl, hours_en,"
        " opening_hours FROM helplines ORDER BY id"
    )
    return [msgspec.convert(row, Helpline) for row in rows]


def upsert_helpline(db: Database, helpline: Helpline) -> None:
    """Insert or update a helpline by name. Unchanged data writes nothing."""
    values = msgspec.to_builtins(helpline)
    existing = next(db.query("SELECT * FROM helplines WHERE name = ?", [helpline.name]), None)
    if existing is None:
        db["helplines"].insert(values)
    elif any(existing[key] != value for key, value in values.items()):
        db["helplines"].update(existing["id"], values)


def data_revision(db: Database) -> int:
    """A number that grows on every change of public data (lieux, hours, activities)."""
    return db.execute("SELECT value FROM revision WHERE id = 1").fetchone()[0]


def has_demo_data(db: Database) -> bool:
    """Whether fictional demo hours or activities are loaded (pages then show a banner)."""
    sql = (
        "SELECT EXISTS (SELECT 1 FROM opening_slots WHERE demo) "
        "OR EXISTS (SELECT 1 FROM activities WHERE demo AND deleted_at IS NULL)"
    )
    return bool(db.execute(sql).fetchone()[0])
