"""Every change a co-manager or member makes: the write and its audit entry, in one transaction.

Callers have already checked the person's right (lieux.members.auth) and the input
(lieux.manage.forms); these functions keep the data and the audit log telling the same story.
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar import edits
from lieux.calendar.models import Activity, ActivityWrite
from lieux.calendar.rules import is_occurrence
from lieux.db import activities as activities_db
from lieux.db import members as members_db
from lieux.db.activities import StaleActivity
from lieux.manage import audit_trail, series
from lieux.manage.hours_actions import replace_hours
from lieux.models import Lieu

LieuFull = edits.LieuFull

__all__ = ["LieuFull", "StaleActivity", "replace_hours", "uid_for"]

_WRITE_FIELDS = tuple(f.name for f in msgspec.structs.fields(ActivityWrite))


def uid_for(lieu: Lieu, base_url: str) -> str:
    """A new iCalendar UID: random, stable forever, naming the service's host."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    return f"{uuid.uuid4()}@{host}"


def as_write(activity: Activity) -> ActivityWrite:
    """The editable fields of a stored activity."""
    return ActivityWrite(**{name: getattr(activity, name) for name in _WRITE_FIELDS})


def room_for(db: Database, lieu: Lieu, write: ActivityWrite, *, zone: ZoneInfo, now: datetime):
    """LieuFull if the lieu holds CURRENT_ACTIVITIES_MAX current activities and `write` would be
    one more (a proposal is refused as early, rather than when accepted)."""
    if edits.is_current(write, edits.local_now(now, zone)):
        edits.check_room(db, lieu.id, write.title, zone=zone, now=now, activities=1)


def create_activity(
    db: Database,
    lieu: Lieu,
    write: ActivityWrite,
    *,
    by: int | None,
    uid: str,
    zone: ZoneInfo,
    now: datetime,
    check_room: bool = True,
) -> int:
    """Add an activity; LieuFull if the lieu already holds CURRENT_ACTIVITIES_MAX current ones
    (`check_room=False`: a split, whose two parts hold the dates of one)."""
    if check_room:
        room_for(db, lieu, write, zone=zone, now=now)
    with db.atomic():
        activity_id = activities_db.insert_activity(db, lieu.id, write, uid=uid, now=now)
        after = activities_db.get_activity(db, activity_id)
        _record(db, lieu, by=by, action="create", activity_id=activity_id, after=after, now=now)
    return activity_id


def update_activity(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    write: ActivityWrite,
    *,
    version: int | None,
    by: int | None,
    zone: ZoneInfo,
    now: datetime,
    action: str = "update",
    reason: str = "",
) -> Activity:
    """Save an edit; raise StaleActivity if someone saved since `version` was read."""
    with db.atomic():
        after = edits.update_activity(
            db, activity.id, write, zone=zone, now=now, expected_version=version
        )
        if after != activity:
            _record(
                db,
                lieu,
                by=by,
                action=action,
                activity_id=activity.id,
                before=activity,
                after=after,
                reason=reason,
                now=now,
            )
    return after


def _record(
    db: Database,
    lieu: Lieu,
    *,
    by: int | None,
    action: str,
    activity_id: int,
    before: Activity | None = None,
    after: Activity | None = None,
    reason: str = "",
    now: datetime,
) -> None:
    """The audit entry of one change of an activity; its "after" keeps why, when someone said
    why."""
    logged = {**msgspec.to_builtins(after), "reason": reason} if reason and after else after
    audit_trail.record(
        db,
        lieu_id=lieu.id,
        by=by,
        action=action,
        entity="activity",
        entity_id=activity_id,
        before=before,
        after=logged,
        now=now,
    )


def set_activity_cancelled(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    cancelled: bool,
    *,
    version: int | None,
    by: int | None,
    zone: ZoneInfo,
    now: datetime,
    reason: str = "",
) -> Activity:
    """Cancel a whole activity (every occurrence), or confirm it again. (Not the lieu's live
    status, "Fermé aujourd'hui": lieux.manage.status_actions.set_live_status.)"""
    status = "cancelled" if cancelled else "confirmed"
    write = msgspec.structs.replace(as_write(activity), status=status)
    action = "cancel" if cancelled else "uncancel"
    return update_activity(
        db,
        lieu,
        activity,
        write,
        version=version,
        by=by,
        zone=zone,
        now=now,
        action=action,
        reason=reason,
    )


def delete_activity(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    *,
    version: int | None,
    by: int | None,
    now: datetime,
) -> None:
    with db.atomic():
        activities_db.delete_activity(db, activity.id, now=now, expected_version=version)
        _record(db, lieu, by=by, action="delete", activity_id=activity.id, before=activity, now=now)


def restore_activity(
    db: Database, lieu: Lieu, activity_id: int, *, by: int | None, now: datetime
) -> Activity:
    """Bring a deleted activity back, as it was."""
    with db.atomic():
        activities_db.undelete_activity(db, activity_id, now=now)
        after = activities_db.get_activity(db, activity_id)
        _record(db, lieu, by=by, action="restore", activity_id=activity_id, after=after, now=now)
    return after


def change_occurrence(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    recurrence_id: datetime,
    *,
    action: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    title: str | None = None,
    description: str | None = None,
    version: int | None,
    by: int | None,
    zone: ZoneInfo,
    now: datetime,
    reason: str = "",
) -> Activity:
    """Cancel, restore, move or retitle one occurrence of a series (`reason`: why, for the log).
    LieuFull if it would be a changed date past the lieu's LIEU_OVERRIDES_MAX."""
    common = {"zone": zone, "now": now, "expected_version": version}
    known = any(o.recurrence_id == recurrence_id for o in activity.overrides)
    if action != "restore-occurrence" and not known:
        edits.check_room(db, lieu.id, activity.title, zone=zone, now=now, overrides=1)
    with db.atomic():
        if action == "cancel-occurrence":
            after = edits.cancel_occurrence(db, activity.id, recurrence_id, **common)
        elif action == "restore-occurrence":
            after = edits.restore_occurrence(db, activity.id, recurrence_id, **common)
        elif action == "edit-occurrence":
            after = edits.edit_occurrence(
                db, activity.id, recurrence_id, title=title, description=description, **common
            )
        else:
            after = edits.move_occurrence(
                db, activity.id, recurrence_id, starts_at, ends_at, **common
            )
        _record(
            db,
            lieu,
            by=by,
            action=action,
            activity_id=activity.id,
            before=activity,
            after=after,
            reason=reason,
            now=now,
        )
    return after


def cancel_dates(
    db: Database,
    lieu: Lieu,
    dates: list[tuple[int, datetime | None, str]],
    *,
    by: int | None,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """Cancel several dates at once, each as its own audited cancellation with its reason.

    `dates`: (activity id, original local start of a series date or None for a one-off
    activity, reason). Returns how many were cancelled; a date already cancelled, or an
    activity gone meanwhile, is skipped.
    """
    done = 0
    with db.atomic():
        for activity_id, recurrence_id, reason in dates:
            # Read again each time: the previous cancellation moved the series' version on.
            activity = activities_db.get_activity(db, activity_id)
            if activity is None or activity.lieu_id != lieu.id or activity.status == "cancelled":
                continue
            if activities_db.is_deleted(db, activity_id):
                continue
            if recurrence_id is None:
                if activity.rrule:
                    continue
                set_activity_cancelled(
                    db,
                    lieu,
                    activity,
                    True,
                    version=None,
                    by=by,
                    zone=zone,
                    now=now,
                    reason=reason,
                )
            else:
                existing = next(
                    (o for o in activity.overrides if o.recurrence_id == recurrence_id), None
                )
                if existing is not None and existing.status == "cancelled":
                    continue
                change_occurrence(
                    db,
                    lieu,
                    activity,
                    recurrence_id,
                    action="cancel-occurrence",
                    version=None,
                    by=by,
                    zone=zone,
                    now=now,
                    reason=reason,
                )
            done += 1
    return done


def split_series(
    db: Database,
    lieu: Lieu,
    activity: Activity,
    split_at: datetime,
    write: ActivityWrite,
    *,
    version: int | None,
    by: int | None,
    uid: str,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """Apply `write` to the occurrence starting at `split_at` and the following ones only.

    The series keeps its earlier dates (and its UID); a new activity carries the changed ones.
    Returns the new activity's id.
    """
    head = msgspec.structs.replace(
        as_write(activity), rrule=series.head_rule(activity, split_at, zone)
    )
    start = datetime.combine(split_at.date(), write.starts_at.time())
    rrule = write.rrule
    if rrule:
        rrule = series.with_count(rrule, series.tail_count(activity, split_at, zone))
    tail = msgspec.structs.replace(
        write, starts_at=start, ends_at=start + (write.ends_at - write.starts_at), rrule=rrule
    )
    with db.atomic():
        update_activity(
            db, lieu, activity, head, version=version, by=by, zone=zone, now=now, action="split"
        )
        tail_id = create_activity(
            db, lieu, tail, by=by, uid=uid, zone=zone, now=now, check_room=False
        )
        # Dates already cancelled or changed from the split on stay so in the new series.
        new = activities_db.get_activity(db, tail_id)
        for override in activity.overrides:
            if override.recurrence_id < split_at:
                continue
            rid = datetime.combine(override.recurrence_id.date(), start.time())
            if is_occurrence(new, rid, zone):
                moved = msgspec.structs.replace(override, recurrence_id=rid, updated_at=now)
                activities_db.upsert_override(db, tail_id, moved)
        return tail_id


def set_rules(
    db: Database, lieu: Lieu, rules: members_db.LieuRules, *, by: int | None, now: datetime
) -> None:
    """Change how the lieu decides on proposals."""
    with db.atomic():
        before = members_db.get_rules(db, lieu.id)
        members_db.set_rules(db, lieu.id, rules, now=now)
        if rules != before:
            audit_trail.record(
                db,
                lieu_id=lieu.id,
                by=by,
                action="update",
                entity="lieu",
                entity_id=lieu.id,
                before=before,
                after=rules,
                now=now,
            )


class LastCoManager(Exception):
    """The change would leave the lieu without any co-manager."""


def set_member_role(
    db: Database, lieu: Lieu, member_id: int, role: str | None, *, by: int | None, now: datetime
) -> None:
    """Make a member co-manager or member of the lieu, or (role None) take them out of it."""
    with db.atomic():
        before = members_db.role_of(db, member_id, lieu.id)
        if before is None:
            raise LookupError(f"member {member_id} is not in lieu {lieu.id}")
        leaving = before == "co-manager" and role != "co-manager"
        if leaving and members_db.co_manager_count(db, lieu.id) <= 1:
            raise LastCoManager
        if role is None:
            members_db.remove_role(db, member_id, lieu.id)
        else:
            members_db.change_role(db, member_id, lieu.id, role)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="remove" if role is None else "update",
            entity="member",
            entity_id=member_id,
            before={"role": before},
            after=None if role is None else {"role": role},
            now=now,
        )


def revoke_invite(
    db: Database, lieu: Lieu, invite_id: int, *, by: int | None, now: datetime
) -> None:
    """Make an invite link unusable."""
    with db.atomic():
        members_db.revoke_invite(db, invite_id, now=now)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="revoke",
            entity="invite",
            entity_id=invite_id,
            now=now,
        )
