"""Setting and clearing a lieu's live status ("Fermé aujourd'hui"): one write each, audited."""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import live_status as live_db
from lieux.hours.models import LiveStatus
from lieux.manage import audit_trail
from lieux.models import Lieu

ENTITY = "live_status"


def set_live_status(db: Database, lieu: Lieu, status: LiveStatus, *, by: int | None, now: datetime):
    """Make `status` the lieu's live status (replacing any before it), audited as "set"."""
    with db.atomic():
        before = live_db.get_live_status(db, lieu.id)
        live_db.set_live_status(db, status)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="set",
            entity=ENTITY,
            entity_id=lieu.id,
            before=before,
            after=live_db.get_live_status(db, lieu.id),
            now=now,
        )


def clear_live_status(db: Database, lieu: Lieu, *, by: int | None, now: datetime) -> bool:
    """Take back the lieu's live status (the hours speak again); False if there was none."""
    with db.atomic():
        before = live_db.get_live_status(db, lieu.id)
        if before is None:
            return False
        live_db.clear_live_status(db, lieu.id)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="clear",
            entity=ENTITY,
            entity_id=lieu.id,
            before=before,
            after=None,
            now=now,
        )
    return True
