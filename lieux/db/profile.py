"""A lieu's profile as its co-managers edit it: the update with its version check, and when
its hours were last confirmed."""

import json
from datetime import UTC, datetime

from sqlite_utils import Database

from lieux.db.lieux import lieu_from_row
from lieux.models import Lieu


class StaleLieu(Exception):
    """Someone else saved the lieu's profile since it was read (its `version` moved on)."""


def get_lieu_by_id(db: Database, lieu_id: int) -> Lieu | None:
    for row in db.query("SELECT * FROM lieux WHERE id = ?", [lieu_id]):
        return lieu_from_row(row)
    return None


def update_profile(
    db: Database, lieu_id: int, values: dict[str, object], *, version: int, now: datetime
) -> None:
    """Set `values` (Lieu fields) on the lieu if it is still at `version`, moving it on;
    raise StaleLieu otherwise (nothing written)."""
    columns = dict(values)
    if "languages" in columns:
        columns["languages"] = json.dumps(list(columns["languages"]))
    assignments = "".join(f"{name} = ?, " for name in columns)
    cursor = db.execute(
        f"UPDATE lieux SET {assignments}version = version + 1, updated_at = ? "
        "WHERE id = ? AND version = ?",
        [*columns.values(), now.astimezone(UTC).isoformat(), lieu_id, version],
    )
    if cursor.rowcount != 1:
        raise StaleLieu(f"lieu {lieu_id} is no longer at version {version}")


def set_hours_verified(db: Database, lieu_id: int, *, now: datetime) -> None:
    """Record that the lieu's hours were confirmed at `now` (stored in UTC)."""
    db.execute(
        "UPDATE lieux SET hours_verified_at = ? WHERE id = ?",
        [now.astimezone(UTC).isoformat(), lieu_id],
    )


TEXT_COLUMNS = ("description_nl", "description_en", "welcome_nl", "welcome_en")


def fill_empty(db: Database, lieu_id: int, texts: dict[str, str]) -> None:
    """Set these optional texts (TEXT_COLUMNS) where the lieu has none; never overwrite."""
    for column, text in texts.items():
        if column not in TEXT_COLUMNS:
            raise ValueError(f"not an optional text: {column}")
        db.execute(
            f"UPDATE lieux SET {column} = ? WHERE id = ? AND coalesce({column}, '') = ''",
            [text, lieu_id],
        )
