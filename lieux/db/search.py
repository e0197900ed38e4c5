"""Full-text search over the lieux and their activities (SQLite FTS5, accents ignored)."""

import re

from sqlite_utils import Database

from lieux.calendar.models import KINDS
from lieux.models import commune_name

# Longer queries are typing accidents or abuse; they would only cost CPU.
MAX_TERMS = 8


def _refresh(db: Database) -> None:
    """Rebuild the index if public data changed since it was built."""
    revision = db.execute("SELECT value FROM revision WHERE id = 1").fetchone()[0]
    if db.execute("SELECT revision FROM search_state").fetchone()[0] == revision:
        return
    activities: dict[int, list[str]] = {}
    for row in db.query(
        "SELECT lieu_id, kind, title, coalesce(title_nl, '') AS nl, coalesce(title_en, '') AS en,"
        " description FROM activities WHERE deleted_at IS NULL AND status = 'confirmed'"
    ):
        labels = " ".join(KINDS.get(row["kind"], ()))
        text = f"{row['title']} {row['nl']} {row['en']} {labels} {row['description']}"
        activities.setdefault(row["lieu_id"], []).append(text)
    with db.atomic():
        db.execute("DELETE FROM lieux_search")
        for row in db.query("SELECT * FROM lieux WHERE archived_at IS NULL"):
            place = f"{row['address']} {row['postcode']} {row['commune']}"
            dutch = commune_name(row["commune"], "nl")
            if dutch != row["commune"]:  # Dutch pages say "Schaarbeek": it finds the lieu too
                place += f" {dutch}"
            db.execute(
                "INSERT INTO lieux_search (rowid, name, place, description, activities) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    row["id"],
                    row["name"],
                    place,
                    " ".join(
                        filter(
                            None,
                            (row["description"], row["description_nl"], row["description_en"]),
                        )
                    ),
                    " ".join(activities.get(row["id"], [])),
                ],
            )
        db.execute("UPDATE search_state SET revision = ?", [revision])


def search_lieu_ids(db: Database, query: str) -> list[int]:
    """Ids of the lieux matching every word of `query` (prefixes too), best first."""
    terms = re.findall(r"\w+", query)[:MAX_TERMS]
    if not terms:
        return []
    _refresh(db)
    # Each word quoted: whatever a person types is never read as FTS5 syntax.
    match = " ".join(f'"{term}"*' for term in terms)
    rows = db.execute(
        "SELECT rowid FROM lieux_search WHERE lieux_search MATCH ? ORDER BY rank", [match]
    )
    return [row[0] for row in rows]


def lieu_ids_with_activities(
    db: Database, *, kinds: list[str] | None = None, free: bool = False
) -> set[int]:
    """Lieux that have a current activity of one of `kinds` (any kind if None), free if asked."""
    sql = (
        "SELECT DISTINCT lieu_id FROM activities WHERE deleted_at IS NULL AND status = 'confirmed'"
    )
    params: list[object] = []
    if kinds:
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params.extend(kinds)
    if free:
        sql += " AND price = 'free'"
    return {row[0] for row in db.execute(sql, params)}
