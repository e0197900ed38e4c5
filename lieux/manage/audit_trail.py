"""The one way a write action records itself in a lieu's audit log.

Every audited write (lieux.manage.actions, lieux.manage.hours_actions, lieux.members.invites,
lieux.calendar.sync) calls `record` inside its own transaction; nothing else writes the log.
"""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import audit


def record(
    db: Database,
    *,
    lieu_id: int | None,
    by: int | None,
    actor: str | None = None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: object = None,
    after: object = None,
    now: datetime,
) -> None:
    """Log a change by member `by`, or (None) by `actor` ("cli", "refresh"), a visitor or the
    supports of a self-managed lieu."""
    audit.record(
        db,
        lieu_id=lieu_id,
        member_id=by,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        now=now,
    )
