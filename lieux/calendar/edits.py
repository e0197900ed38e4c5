"""Changes to a series that depend on its rule, decided here so that lieux.db stays SQL only.

The storage functions take what these decide: an RRULE already normalised, the overrides a
moved series keeps (and where they go), a date already known to be one of the series'. Both the
members' actions and the calendar sync write through these, and nothing that breaks the
recurrence model (lieux.calendar.rules) gets past them.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar.models import Activity, ActivityWrite
from lieux.calendar.rules import (
    CURRENT_ACTIVITIES_MAX,
    LIEU_OVERRIDES_MAX,
    check_series,
    is_occurrence,
    normalize_rrule,
)
from lieux.db import activities as activities_db
from lieux.db import overrides as overrides_db
from lieux.i18n import mark as _

# What the forms say when a lieu is full (docs/limits.md); %(title)s names the activity.
ACTIVITIES_FULL = _(
    "« %(title)s » n'a pas été ajoutée : ce lieu a déjà %(max)s activités en cours, la limite "
    "par lieu. Supprimez d'abord une activité qui n'a plus lieu."
)
OVERRIDES_FULL = _(
    "Cette date de « %(title)s » n'a pas été changée : les activités en cours de ce lieu ont "
    "déjà %(max)s dates changées ou annulées, la limite par lieu. Supprimez d'abord une "
    "activité qui n'a plus lieu, ou arrêtez une série et recommencez-en une nouvelle."
)


class LieuFull(Exception):
    """A write would take a lieu past one of its caps; `message` and `params` say which, for a
    form (translated where shown)."""

    def __init__(self, message: str, params: dict):
        super().__init__(message % params)
        self.message = message
        self.params = params


def check_room(
    db: Database,
    lieu_id: int,
    title: str,
    *,
    zone: ZoneInfo,
    now: datetime,
    activities: int = 0,
    overrides: int = 0,
) -> None:
    """Raise LieuFull if adding `activities` current activities or `overrides` changed dates
    would take the lieu past CURRENT_ACTIVITIES_MAX or LIEU_OVERRIDES_MAX. Reads only: call it
    before the write's transaction."""
    since = local_now(now, zone)
    if activities and (
        activities_db.count_current(db, lieu_id, since=since) + activities > CURRENT_ACTIVITIES_MAX
    ):
        raise LieuFull(ACTIVITIES_FULL, {"title": title, "max": CURRENT_ACTIVITIES_MAX})
    if overrides and (
        activities_db.count_current_overrides(db, lieu_id, since=since) + overrides
        > LIEU_OVERRIDES_MAX
    ):
        raise LieuFull(OVERRIDES_FULL, {"title": title, "max": LIEU_OVERRIDES_MAX})


def local_now(now: datetime, zone: ZoneInfo) -> datetime:
    """`now` as the local wall time activities are stored in."""
    return now.astimezone(zone).replace(tzinfo=None, microsecond=0)


def is_current(write: ActivityWrite, since: datetime) -> bool:
    """Whether an activity counts against CURRENT_ACTIVITIES_MAX (as count_current)."""
    return bool(write.rrule) or write.ends_at >= since


def update_activity(
    db: Database,
    activity_id: int,
    changes: ActivityWrite,
    *,
    zone: ZoneInfo,
    now: datetime,
    expected_version: int | None = None,
    imported: bool = False,
) -> Activity:
    """Replace an activity's fields (see lieux.db.activities.update_activity); when a series
    moves, its overrides move by the same amount, and those no longer on an occurrence of the
    new rule are dropped.

    New dates or a new rule are checked against the model (RuleError); what is already stored
    stays as it is (a status change on an old activity is not refused). `imported`: `changes`
    come from lieux.calendar.ical_import, checked there outside the transaction, and the sync
    sets the overrides itself right after, so there is nothing to compute here. Either way the
    activity's flag from the migration of rules that broke the model (m200) is cleared: someone
    or its source has rewritten it.
    """
    before = activities_db.get_activity(db, activity_id)
    moved: dict[datetime, datetime] = {}
    if not imported:
        if changes.rrule:
            changes = msgspec.structs.replace(changes, rrule=normalize_rrule(changes.rrule, zone))
        timing = (changes.starts_at, changes.ends_at, changes.rrule)
        if before is None or timing != (before.starts_at, before.ends_at, before.rrule):
            check_series(changes.starts_at, changes.ends_at, changes.rrule, zone)
        if before is not None and (changes.starts_at, changes.rrule) != (
            before.starts_at,
            before.rrule,
        ):
            shape = msgspec.structs.replace(
                before, starts_at=changes.starts_at, rrule=changes.rrule
            )
            shift = changes.starts_at - before.starts_at
            moved = {
                o.recurrence_id: o.recurrence_id + shift
                for o in before.overrides
                if is_occurrence(shape, o.recurrence_id + shift, zone)
            }
    after = activities_db.update_activity(
        db, activity_id, changes, now=now, expected_version=expected_version, moved=moved
    )
    activities_db.clear_rule_problem(db, activity_id)
    return after


def check_occurrence(
    db: Database,
    activity_id: int,
    recurrence_id: datetime,
    *,
    zone: ZoneInfo,
    expected_version: int | None = None,
) -> None:
    """ValueError unless `recurrence_id` is a local start the series' rule gives.

    A missing or changed activity is left for the storage call to refuse (LookupError,
    StaleActivity), as it always did first."""
    activity = activities_db.get_activity(db, activity_id)
    if activity is None or expected_version not in (None, activity.version):
        return
    if not is_occurrence(activity, recurrence_id, zone):
        raise ValueError(f"{recurrence_id.isoformat()} is not an occurrence of this activity")


def change_occurrence(
    db, activity_id, recurrence_id, *, zone, now, expected_version=None, **fields
) -> Activity:
    """Change one occurrence of a series (given by its original local start) on its own:
    cancel it (`status="cancelled"`), restore it (`status="confirmed"`), move it (`starts_at`,
    `ends_at`: local), retitle or redescribe it (`title`, `description`; None: as the series).
    ValueError for a date the rule does not give, or an end before the start."""
    check_occurrence(db, activity_id, recurrence_id, zone=zone, expected_version=expected_version)
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise ValueError("an occurrence cannot end before it starts")
    return overrides_db.set_override(
        db, activity_id, recurrence_id, now=now, expected_version=expected_version, **fields
    )


# The four changes a co-manager makes to one date (`options`: zone, now, expected_version).


def cancel_occurrence(db, activity_id, recurrence_id, **options) -> Activity:
    return change_occurrence(db, activity_id, recurrence_id, status="cancelled", **options)


def restore_occurrence(db, activity_id, recurrence_id, **options) -> Activity:
    return change_occurrence(db, activity_id, recurrence_id, status="confirmed", **options)


def move_occurrence(db, activity_id, recurrence_id, starts_at, ends_at, **options) -> Activity:
    times = {"starts_at": starts_at, "ends_at": ends_at}
    return change_occurrence(db, activity_id, recurrence_id, **times, **options)


def edit_occurrence(db, activity_id, recurrence_id, *, title, description, **options):
    texts = {"title": title, "description": description}
    return change_occurrence(db, activity_id, recurrence_id, **texts, **options)
