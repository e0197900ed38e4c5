"""The one way a write action records itself in a lieu's audit log.

Every audited write (lieux.manage.actions, lieux.manage.hours_actions, lieux.members.invites,
lieux.calendar.sync) calls `record` inside its own transaction; nothing else writes the log.

Two context managers let a caller learn about the entries without changing any action's
signature: `collect()` gathers the ids of the entries written inside it (a form's answer names
them, so its "Annuler" button can undo exactly them), and `undoing(entry_id)` marks the entries
written inside it as the undo of another (the log says "annule le changement #12").
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

import msgspec
from sqlite_utils import Database

from lieux.db import audit
from lieux.manage.audit_view import UNDO_OF

__all__ = ["UNDO_OF", "collect", "record", "undoing"]

_collected: ContextVar[list[int] | None] = ContextVar("audit_collected", default=None)
_undoing: ContextVar[int | None] = ContextVar("audit_undoing", default=None)


@contextmanager
def collect() -> Iterator[list[int]]:
    """The ids of the entries recorded inside the block, in order (a list filled as they are)."""
    ids: list[int] = []
    token = _collected.set(ids)
    try:
        yield ids
    finally:
        _collected.reset(token)


@contextmanager
def undoing(entry_id: int) -> Iterator[None]:
    """Entries recorded inside the block undo entry `entry_id`: their "after" says so."""
    token = _undoing.set(entry_id)
    try:
        yield
    finally:
        _undoing.reset(token)


def _marked(after: object, undo_of: int) -> dict:
    plain = msgspec.to_builtins(after) if after is not None else {}
    if not isinstance(plain, dict):  # every "after" of the log is a record; keep it whole
        plain = {"value": plain}
    return {**plain, UNDO_OF: undo_of}


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
) -> int:
    """Log a change by member `by`, or (None) by `actor` ("cli", "refresh"), a visitor or the
    supports of a self-managed lieu. Returns the entry's id."""
    undo_of = _undoing.get()
    entry_id = audit.record(
        db,
        lieu_id=lieu_id,
        member_id=by,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after if undo_of is None else _marked(after, undo_of),
        now=now,
    )
    collected = _collected.get()
    if collected is not None:
        collected.append(entry_id)
    return entry_id
