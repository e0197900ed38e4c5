"""Saving a lieu's profile and confirming its hours: one transaction each, audited once."""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import profile as profile_db
from lieux.db.profile import StaleLieu
from lieux.manage import audit_trail
from lieux.manage.profile_form import changed_fields
from lieux.models import Lieu

__all__ = ["StaleLieu", "mark_hours_verified", "update_profile"]


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def update_profile(
    db: Database,
    lieu: Lieu,
    values: dict[str, object],
    *,
    version: int,
    by: int | None,
    actor: str | None = None,
    now: datetime,
) -> Lieu:
    """Set the typed profile fields if nobody saved since `version`; audit the changed fields
    (before/after), by member `by` and/or `actor` ("campaign": a campaign's link). Raise
    StaleLieu when someone did (nothing written). The lieu as stored."""
    with db.atomic():
        current = profile_db.get_lieu_by_id(db, lieu.id)
        if current is None or current.version != version:
            raise StaleLieu(f"lieu {lieu.id} is not at version {version}")
        changes = changed_fields(current, values)
        if not changes:
            return current
        profile_db.update_profile(
            db, lieu.id, {name: after for name, (_b, after) in changes.items()},
            version=version, now=now,
        )  # fmt: skip
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            actor=actor,
            action="update",
            entity="lieu",
            entity_id=lieu.id,
            before={name: _plain(before) for name, (before, _a) in changes.items()},
            after={name: _plain(after) for name, (_b, after) in changes.items()},
            now=now,
        )
        return profile_db.get_lieu_by_id(db, lieu.id)


def mark_hours_verified(
    db: Database, lieu: Lieu, *, by: int | None, actor: str | None = None, now: datetime
) -> None:
    """ "The hours are still right": record it at `now` without touching the hours; audited."""
    with db.atomic():
        current = profile_db.get_lieu_by_id(db, lieu.id)
        before = current.hours_verified_at if current else None
        profile_db.set_hours_verified(db, lieu.id, now=now)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            actor=actor,
            action="update",
            entity="hours",
            entity_id=lieu.id,
            before={"hours_verified_at": before.isoformat() if before else None},
            after={"hours_verified_at": now.isoformat()},
            now=now,
        )
