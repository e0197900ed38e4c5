"""The network admin's writes, each with its audit entry in the same transaction.

Callers have checked that the person is a network admin (lieux.members.guards.provide_admin)
and the input (lieux.admin.forms).
"""

from datetime import datetime

import msgspec
from sqlite_utils import Database

from lieux.admin.forms import LieuCreateForm, new_lieu, unique_slug
from lieux.db import network
from lieux.db.lieux import get_lieu
from lieux.db.members import lieu_by_id
from lieux.i18n import mark as _
from lieux.manage import audit_trail
from lieux.models import Helpline, Lieu
from lieux.slugs import slugify


class NotRestorable(Exception):
    """This audit entry holds no version that can be put back now; `reason`: why, in words
    for people (a French msgid), or "" when the entry never had one."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


CHANGED_SINCE = _(
    "Cela a changé depuis : rien n'est rétabli. Le journal montre ce qui a été fait entre-temps."
)
NAME_TAKEN_ELSEWHERE = _(
    "Une autre ligne porte déjà ce nom : renommez-la avant de rétablir celle-ci."
)


def _facts(lieu: Lieu) -> dict:
    """What the audit log keeps of a lieu: its public facts and archive state."""
    return msgspec.to_builtins(lieu)


def create_lieu(db: Database, form: LieuCreateForm, *, by: int, now: datetime) -> Lieu:
    """A new lieu under a free slug ("le-phare", then "le-phare-2")."""
    base = slugify(form.name) or "lieu"
    with db.atomic():
        slug = unique_slug(base, network.slugs_like(db, base))
        lieu_id = network.insert_lieu(db, new_lieu(form, slug), now=now)
        lieu = lieu_by_id(db, lieu_id)
        audit_trail.record(
            db,
            lieu_id=lieu_id,
            by=by,
            action="create",
            entity="lieu",
            entity_id=lieu_id,
            after=_facts(lieu),
            now=now,
        )
    return lieu


def set_archived(db: Database, lieu: Lieu, archived: bool, *, by: int, now: datetime) -> Lieu:
    """Archive the lieu (gone from every public output, data and audit kept) or restore it."""
    with db.atomic():
        network.set_archived(db, lieu.id, now if archived else None, now=now)
        after = get_lieu(db, lieu.slug, archived=True)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="archive" if archived else "restore",
            entity="lieu",
            entity_id=lieu.id,
            before={"archived_at": lieu.archived_at},
            after={"archived_at": after.archived_at},
            now=now,
        )
    return after


def _plain(helpline: Helpline) -> Helpline:
    """The helpline without its id (what the log keeps as before/after)."""
    fields = {f.name for f in msgspec.structs.fields(Helpline)}
    return Helpline(**{k: v for k, v in msgspec.structs.asdict(helpline).items() if k in fields})


def add_helpline(db: Database, helpline: Helpline, *, by: int, now: datetime) -> int:
    with db.atomic():
        helpline_id = network.insert_helpline(db, helpline)
        audit_trail.record(
            db,
            lieu_id=None,
            by=by,
            action="create",
            entity="helpline",
            entity_id=helpline_id,
            before=None,
            after=helpline,
            now=now,
        )
    return helpline_id


def edit_helpline(
    db: Database, helpline_id: int, helpline: Helpline, *, by: int, now: datetime
) -> None:
    """Change a helpline; an unchanged form records nothing."""
    with db.atomic():
        before = _plain(network.get_helpline(db, helpline_id))
        if before != helpline:
            network.update_helpline(db, helpline_id, helpline)
            audit_trail.record(
                db,
                lieu_id=None,
                by=by,
                action="update",
                entity="helpline",
                entity_id=helpline_id,
                before=before,
                after=helpline,
                now=now,
            )


def remove_helpline(db: Database, helpline_id: int, *, by: int, now: datetime) -> None:
    with db.atomic():
        before = _plain(network.get_helpline(db, helpline_id))
        network.delete_helpline(db, helpline_id)
        audit_trail.record(
            db,
            lieu_id=None,
            by=by,
            action="delete",
            entity="helpline",
            entity_id=helpline_id,
            before=before,
            after=None,
            now=now,
        )


def _state(value: dict | None) -> dict | None:
    """A version as the log keeps it, without what an undo adds (None if nothing is left)."""
    if value is None:
        return None
    plain = {k: v for k, v in value.items() if k != audit_trail.UNDO_OF}
    return plain or None


def restore_version(db: Database, entry: network.NetworkEntry, *, by: int, now: datetime) -> None:
    """Put back the version from before `entry`: a helpline as it was (re-created if it was
    removed, removed if it was added), a lieu archived or public again, or a lieu's facts as
    they were before an edit; through the same audited writes, marked as the undo of `entry`.
    NotRestorable (with a reason for people) when it changed since `entry`."""
    if not restorable(entry):
        raise NotRestorable()
    with db.atomic(), audit_trail.undoing(entry.id):
        if entry.entity == "helpline":
            _restore_helpline(db, entry, by=by, now=now)
        elif entry.action in ("archive", "restore") and _archive_only(entry.before):
            _restore_archive(db, entry, by=by, now=now)
        else:
            _restore_facts(db, entry, by=by, now=now)


def _restore_helpline(db: Database, entry: network.NetworkEntry, *, by: int, now: datetime):
    current = network.get_helpline(db, entry.entity_id)
    after = _state(entry.after)
    expected = None if after is None else msgspec.convert(after, Helpline)
    if (None if current is None else _plain(current)) != expected:
        raise NotRestorable(CHANGED_SINCE)
    if entry.before is None:  # it was added: take it away again
        remove_helpline(db, entry.entity_id, by=by, now=now)
        return
    version = msgspec.convert(entry.before, Helpline)
    if network.helpline_name_taken(db, version.name, other_than=entry.entity_id):
        raise NotRestorable(NAME_TAKEN_ELSEWHERE)
    if current is None:
        network.insert_helpline(db, version, helpline_id=entry.entity_id)
    else:
        network.update_helpline(db, entry.entity_id, version)
    before = None if current is None else _plain(current)
    audit_trail.record(
        db,
        lieu_id=None,
        by=by,
        action="restore",
        entity="helpline",
        entity_id=entry.entity_id,
        before=before,
        after=version,
        now=now,
    )


def _archive_only(version: dict | None) -> bool:
    return version is not None and set(version) == {"archived_at"}


def _restore_archive(db: Database, entry: network.NetworkEntry, *, by: int, now: datetime):
    current = lieu_by_id(db, entry.entity_id)
    after = _state(entry.after) or {}
    if current is None or (current.archived_at is None) != (after.get("archived_at") is None):
        raise NotRestorable(CHANGED_SINCE)
    set_archived(db, current, entry.before["archived_at"] is not None, by=by, now=now)


def _restore_facts(db: Database, entry: network.NetworkEntry, *, by: int, now: datetime):
    facts = {k: v for k, v in entry.before.items() if k in network.FACT_COLUMNS}
    current = lieu_by_id(db, entry.entity_id)
    if current is None:
        raise NotRestorable()
    stored = _facts(current)
    after = _state(entry.after) or {}
    as_json = msgspec.json.decode(msgspec.json.encode(stored))  # tuples read back as lists
    if any(as_json.get(k) != after.get(k) for k in facts if k in after):
        raise NotRestorable(CHANGED_SINCE)
    network.set_facts(db, entry.entity_id, facts, now=now)
    audit_trail.record(
        db,
        lieu_id=entry.entity_id,
        by=by,
        action="restore",
        entity="lieu",
        entity_id=entry.entity_id,
        before={k: v for k, v in stored.items() if k in facts},
        after=facts,
        now=now,
    )


def restorable(entry: network.NetworkEntry) -> bool:
    """Whether `restore_version` can put back the version from before `entry` (it may still
    refuse: someone changed it since)."""
    if entry.entity_id is None:
        return False
    if entry.entity == "helpline":
        return entry.before is not None or entry.action == "create"
    if entry.entity != "lieu" or entry.before is None:
        return False
    if entry.action in ("archive", "restore") and _archive_only(entry.before):
        return True
    return any(k in network.FACT_COLUMNS for k in entry.before)
