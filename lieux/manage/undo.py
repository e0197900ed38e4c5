"""Undoing one change of a lieu's log: its "before" put back through the same audited action
(an activity's edit, the hours, the live status, the profile, the rules, a role), so that the
undo is logged too, as the undo of that entry (lieux.manage.audit_trail.undoing).

An undo is refused, with words for people, when the thing changed since the entry: its state
no longer matches the entry's "after" (someone edited it meanwhile; the log shows it). Nothing
is then written.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar import edits
from lieux.calendar.models import Activity, ActivityOverride
from lieux.db import activities as activities_db
from lieux.db import audit
from lieux.db import hours as hours_db
from lieux.db import live_status as live_db
from lieux.db import members as members_db
from lieux.db import overrides as overrides_db
from lieux.db import profile as profile_db
from lieux.db.audit import AuditEntry
from lieux.hours.models import LiveStatus, OpeningHours
from lieux.i18n import mark as _
from lieux.manage import actions, audit_trail, status_actions
from lieux.manage.hours_actions import replace_hours
from lieux.manage.profile_actions import update_profile
from lieux.manage.profile_form import FIELDS as PROFILE_FIELDS
from lieux.models import Lieu

# What each kind of entry can be undone from (the others: decisions told to people, joins...).
UNDOABLE = {
    "activity": {
        "create", "update", "cancel", "uncancel", "delete", "restore", "split",
        "cancel-occurrence", "restore-occurrence", "move-occurrence", "edit-occurrence",
    },
    "hours": {"update"},
    "live_status": {"set", "clear"},
    "lieu": {"update"},
    "member": {"update", "remove"},
    "invite": {"create"},
}  # fmt: skip
RULE_FIELDS = {f.name for f in msgspec.structs.fields(members_db.LieuRules)}
_OVERRIDE_FIELDS = ("status", "starts_at", "ends_at", "title", "description")
# An override that changes nothing: the date as the series has it.
_PLAIN = ("confirmed", None, None, None, None)

CHANGED = _(
    "Pas annulé : cela a changé depuis (le journal montre ce qui a été fait entre-temps). "
    "Modifiez-le directement si besoin."
)
GONE = _("Pas annulé : cela n'existe plus.")
ENDED = _("Pas annulé : ce statut a pris fin entre-temps, il n'y a rien à remettre.")
LAST_CO_MANAGER = _("Pas annulé : le lieu doit garder au moins un·e co-gestionnaire.")


class Refused(Exception):
    """The entry cannot be undone now; `reason` says why (a French msgid)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _state(value: dict | None) -> dict | None:
    """A version as the log keeps it, without what the log adds (why, undo of what)."""
    if value is None:
        return None
    plain = {k: v for k, v in value.items() if k not in (audit_trail.UNDO_OF, "reason")}
    return plain or None


def undoable(entry: AuditEntry) -> bool:
    """Whether the log offers to undo `entry` (undoing may still be refused: see Refused)."""
    if entry.action not in UNDOABLE.get(entry.entity, ()):
        return False
    if entry.entity == "hours":  # not "the hours are still right": that changes nothing
        return "slots" in (entry.before or {}) or "slots" in (entry.after or {})
    if entry.entity == "lieu":
        keys = set(entry.before or {}) | set(_state(entry.after) or {})
        return bool(keys) and (keys <= RULE_FIELDS or keys <= {"name", *PROFILE_FIELDS})
    if entry.entity == "member":
        return "role" in (entry.before or {}) or "role" in (_state(entry.after) or {})
    return True


def undo(
    db: Database, lieu: Lieu, entry: AuditEntry, *, by: int, zone: ZoneInfo, now: datetime
) -> None:
    """Put back what was before `entry` (one of `lieu`'s), audited as its undo; Refused if it
    changed since, or cannot be put back."""
    if entry.lieu_id != lieu.id or not undoable(entry):
        raise Refused(GONE)
    undo_of = {
        "activity": _activity,
        "hours": _hours,
        "live_status": _live_status,
        "lieu": _lieu,
        "member": _member,
        "invite": _invite,
    }[entry.entity]
    with db.atomic(), audit_trail.undoing(entry.id):
        undo_of(db, lieu, entry, by=by, zone=zone, now=now)


# --- activities ----------------------------------------------------------------------------


def _activity(db, lieu, entry, *, by, zone, now) -> None:
    current = activities_db.get_activity(db, entry.entity_id)
    if current is None or current.lieu_id != lieu.id:
        raise Refused(GONE)
    deleted = activities_db.is_deleted(db, current.id)
    if entry.action == "delete":
        if not deleted:
            raise Refused(CHANGED)
        actions.restore_activity(db, lieu, current.id, by=by, now=now)
        return
    after = _state(entry.after)
    if deleted or after is None or current.version != after.get("version"):
        raise Refused(CHANGED)
    if entry.action in ("create", "restore"):
        actions.delete_activity(db, lieu, current, version=current.version, by=by, now=now)
        return
    if entry.action == "split":
        _undo_split_tail(db, lieu, entry, by=by, now=now)
    earlier = msgspec.convert(entry.before, Activity, strict=False)
    revert_activity(db, lieu, current, earlier, by=by, zone=zone, now=now)


def _undo_split_tail(db, lieu, entry, *, by, now) -> None:
    """A split wrote two entries in one transaction: the shortened series, then the new one
    (the very next entry). Undoing the split takes the new series away, unless it is gone."""
    tail_entry = audit.get_entry(db, entry.id + 1)
    if tail_entry is None or (tail_entry.entity, tail_entry.action) != ("activity", "create"):
        return
    tail = activities_db.get_activity(db, tail_entry.entity_id)
    if tail is None or activities_db.is_deleted(db, tail.id):
        return
    if tail.version != (_state(tail_entry.after) or {}).get("version"):
        raise Refused(CHANGED)
    actions.delete_activity(db, lieu, tail, version=tail.version, by=by, now=now)


def _override_fields(override: ActivityOverride) -> tuple:
    return tuple(getattr(override, name) for name in _OVERRIDE_FIELDS)


def revert_activity(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    earlier: Activity,
    *,
    by: int | None,
    zone: ZoneInfo,
    now: datetime,
) -> Activity:
    """Put `activity` back as it was in `earlier` (a version from its log): its fields and its
    changed dates, in one audited change (SEQUENCE moves on as for any edit)."""
    with db.atomic():
        after = edits.update_activity(
            db,
            activity.id,
            actions.as_write(earlier),
            zone=zone,
            now=now,
            expected_version=activity.version,
        )
        wanted = {o.recurrence_id: _override_fields(o) for o in earlier.overrides}
        # A date changed since `earlier` goes back to the series' own, as an override that
        # says so (as restoring a date does): its SEQUENCE grows, so calendars that kept the
        # change hear of it (lieux.calendar.edits.restore_occurrence).
        for override in after.overrides:
            wanted.setdefault(override.recurrence_id, _PLAIN)
        have = {o.recurrence_id: _override_fields(o) for o in after.overrides}
        for rid, fields in wanted.items():
            if have.get(rid, _PLAIN) != fields:
                values = dict(zip(_OVERRIDE_FIELDS, fields, strict=True))
                overrides_db.set_override(db, activity.id, rid, now=now, **values)
        final = activities_db.get_activity(db, activity.id)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="update",
            entity="activity",
            entity_id=activity.id,
            before=activity,
            after=final,
            now=now,
        )
    return final


# --- the lieu: hours, live status, profile and rules ---------------------------------------


def _hours(db, lieu, entry, *, by, zone, now) -> None:
    current = hours_db.get_hours(db, lieu.id)
    after = msgspec.convert(_state(entry.after) or {"lieu_id": lieu.id}, OpeningHours)
    if current != after:
        raise Refused(CHANGED)
    earlier = msgspec.convert(entry.before or {"lieu_id": lieu.id}, OpeningHours)
    replace_hours(
        db,
        lieu,
        slots=list(earlier.slots),
        exceptions=list(earlier.exceptions),
        holiday_rule=earlier.holiday_rule,
        by=by,
        now=now,
    )


def _live_status(db, lieu, entry, *, by, zone, now) -> None:
    current = live_db.get_live_status(db, lieu.id)
    after = _state(entry.after)
    if after is None:  # it was taken back: nothing shown since
        if current is not None and current.active(now):
            raise Refused(CHANGED)
    elif current != msgspec.convert(after, LiveStatus):
        raise Refused(CHANGED)
    earlier = None if entry.before is None else msgspec.convert(entry.before, LiveStatus)
    if earlier is not None and earlier.expires_at > now:
        status_actions.set_live_status(db, lieu, earlier, by=by, now=now)
    elif entry.action == "clear":
        raise Refused(ENDED)
    elif not status_actions.clear_live_status(db, lieu, by=by, now=now):
        raise Refused(CHANGED)


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _lieu(db, lieu, entry, *, by, zone, now) -> None:
    after = _state(entry.after) or {}
    earlier = entry.before or {}
    if set(earlier) | set(after) <= RULE_FIELDS:
        current = members_db.get_rules(db, lieu.id)
        if msgspec.to_builtins(current) != after:
            raise Refused(CHANGED)
        rules = msgspec.convert(earlier, members_db.LieuRules)
        actions.set_rules(db, lieu, rules, by=by, now=now)
        return
    current = profile_db.get_lieu_by_id(db, lieu.id)
    if current is None or any(_plain(getattr(current, k)) != v for k, v in after.items()):
        raise Refused(CHANGED)
    values = {k: tuple(v) if k == "languages" else v for k, v in earlier.items()}
    update_profile(db, lieu, values, version=current.version, by=by, now=now)


# --- people ----------------------------------------------------------------------------------


def _member(db, lieu, entry, *, by, zone, now) -> None:
    member_id = entry.entity_id
    role = members_db.role_of(db, member_id, lieu.id)
    if role != (_state(entry.after) or {}).get("role"):
        raise Refused(CHANGED)
    earlier = (entry.before or {}).get("role")
    if role is not None:  # a role to change back, or (none before) to take away again
        try:
            actions.set_member_role(db, lieu, member_id, earlier, by=by, now=now)
        except actions.LastCoManager:
            raise Refused(LAST_CO_MANAGER) from None
        return
    if earlier is None:
        raise Refused(GONE)
    # Taken out of the lieu: back in with the role they had (only an undo does this: a form
    # cannot add someone to a lieu, an invite does).
    members_db.set_role(db, member_id, lieu.id, earlier, now=now)
    audit_trail.record(
        db,
        lieu_id=lieu.id,
        by=by,
        action="update",
        entity="member",
        entity_id=member_id,
        before=None,
        after={"role": earlier},
        now=now,
    )


def _invite(db, lieu, entry, *, by, zone, now) -> None:
    invite = members_db.get_invite_by_id(db, entry.entity_id)
    if invite is None or invite.lieu_id != lieu.id:
        raise Refused(GONE)
    if invite.revoked_at is not None:
        raise Refused(CHANGED)
    actions.revoke_invite(db, lieu, invite.id, by=by, now=now)
