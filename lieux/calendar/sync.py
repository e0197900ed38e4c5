"""The one way a calendar enters a lieu's agenda: the members' import form, `lieux import-ics`,
the hourly refresh inside `lieux serve` and `lieux refresh-ics` all call `import_events`, which
reconciles, remembers the fetch and writes the audit entry in one transaction.

Everything heavy happened before, outside it: `parse_calendar` checked every event against the
recurrence model and matched each changed date against its rule. The transaction only reads
what is stored and writes, so another lieu's write never waits long for SQLite's lock. It also
keeps a lieu under CURRENT_ACTIVITIES_MAX and LIEU_OVERRIDES_MAX: the events past either are left
out, one line each.
"""

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux.calendar import edits
from lieux.calendar.ical_import import ImportedEvent
from lieux.calendar.rules import CURRENT_ACTIVITIES_MAX, LIEU_OVERRIDES_MAX
from lieux.db import activities as activities_db
from lieux.db import overrides as overrides_db
from lieux.db import sources as sources_db
from lieux.manage import audit_trail

# Who asked, for the audit log when no member did.
CLI = "cli"
REFRESH = "refresh"


# The import form's page says what an import did from counts in its address (a redirect after
# the POST): each at most this, far above what one calendar brings (ical_import.MAX_EVENTS).
SHOWN_COUNT_MAX = 100_000


class ImportCounts(msgspec.Struct, frozen=True, kw_only=True):
    """How many activities an import added, updated, left unchanged, removed; how many lines
    of the calendar it left out or corrected (`skipped`)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0

    def as_query(self) -> dict[str, int]:
        return msgspec.structs.asdict(self)


def counts_in(query: Mapping[str, str]) -> ImportCounts | None:
    """The counts an address carries, or None unless all five are there as whole numbers from 0
    to SHOWN_COUNT_MAX: the page then says nothing of an import (a text placed in the address
    is never shown, whatever it says)."""
    found = {}
    for name in ImportCounts.__struct_fields__:
        raw = query.get(name)
        if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
            return None
        found[name] = int(raw)
        if found[name] > SHOWN_COUNT_MAX:
            return None
    return ImportCounts(**found)


class ImportResult(msgspec.Struct, frozen=True, kw_only=True):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: tuple[str, ...] = ()  # one line each: why an event was left out

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def counts(self) -> ImportCounts:
        return ImportCounts(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            removed=self.removed,
            skipped=len(self.skipped),
        )

    def summary(self) -> str:
        """One line in English, for the command line (the form's page says it in its language
        from `counts`)."""
        text = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed"
        )
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


def import_events(
    db: Database,
    lieu_id: int,
    events: list[ImportedEvent],
    *,
    url: str | None,
    label: str = "",
    by: int | None = None,
    actor: str | None = None,
    zone: ZoneInfo,
    now: datetime,
) -> ImportResult:
    """Make the lieu's activities from this source (a URL, or a file's name) match `events`.

    `by` is the member who asked, or None with `actor` saying who did (CLI, REFRESH). Audited,
    except a periodic refresh that changed nothing (it would fill the log with one line an hour).
    """
    with db.atomic():
        source = sources_db.source_for(db, lieu_id, url=url, label=label, now=now)
        result = _reconcile(db, source, events, zone=zone, now=now)
        sources_db.record_fetch(db, source.id, error=None, now=now)
        if result.changed or actor != REFRESH:
            audit_trail.record(
                db,
                lieu_id=lieu_id,
                by=by,
                actor=actor,
                action="import",
                entity="ical_source",
                entity_id=source.id,
                after={"url": url, "file": label, **msgspec.to_builtins(result)},
                now=now,
            )
    return result


def _reconcile(
    db: Database,
    source: sources_db.IcalSource,
    events: list[ImportedEvent],
    *,
    zone: ZoneInfo,
    now: datetime,
) -> ImportResult:
    """Idempotent by UID: a known UID is updated through the same write functions as any edit
    (so SEQUENCE and LAST-MODIFIED move only on real changes); a UID gone from the source is
    deleted from the agenda, and comes back if it reappears."""
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    skipped: list[str] = []
    seen: set[str] = set()
    since = now.astimezone(zone).replace(tzinfo=None, microsecond=0)
    others = activities_db.count_current(
        db, source.lieu_id, since=since, other_than_source=source.id
    )
    room = CURRENT_ACTIVITIES_MAX - others
    dates_room = LIEU_OVERRIDES_MAX - activities_db.count_current_overrides(
        db, source.lieu_id, since=since, other_than_source=source.id
    )
    for event in events:
        known = sources_db.activity_for_uid(db, event.uid)
        if known is not None and known[1] != source.id:
            skipped.append(f"{event.uid}: this UID already belongs to another activity")
            continue
        if event.activity.rrule or event.activity.ends_at >= since:
            if room <= 0:
                skipped.append(
                    f"{event.uid}: left out, the lieu has {CURRENT_ACTIVITIES_MAX} current "
                    "activities (the limit per lieu)"
                )
                continue
            if len(event.overrides) > dates_room:
                skipped.append(
                    f"{event.uid}: left out, its {len(event.overrides)} changed or cancelled "
                    f"dates would take the lieu past {LIEU_OVERRIDES_MAX} (the limit per lieu, "
                    "for its current activities together)"
                )
                continue
            room -= 1
            dates_room -= len(event.overrides)
        seen.add(event.uid)
        skipped += event.notes
        if known is None:
            activity_id = activities_db.insert_activity(
                db, source.lieu_id, event.activity, uid=event.uid, now=now
            )
            sources_db.attach_to_source(db, activity_id, source.id)
            counts["added"] += 1
            before = None
        else:
            activity_id = known[0]
            before = activities_db.get_activity(db, activity_id)
            if activities_db.is_deleted(db, activity_id):
                activities_db.undelete_activity(db, activity_id, now=now)
            edits.update_activity(
                db, activity_id, event.activity, zone=zone, now=now, imported=True
            )
        _sync_overrides(db, activity_id, event, now=now)
        if before is not None:
            after = activities_db.get_activity(db, activity_id)
            counts["updated" if after.version != before.version else "unchanged"] += 1
    for activity_id, uid in sources_db.live_activities_of(db, source.id):
        if uid not in seen:
            activities_db.delete_activity(db, activity_id, now=now)
            counts["removed"] += 1
    return ImportResult(**counts, skipped=tuple(skipped))


def _sync_overrides(db, activity_id: int, event: ImportedEvent, *, now) -> None:
    """Make the series' overrides those of the event (already matched against its rule), in
    one write of the series."""
    wanted = {
        o.recurrence_id: {field: getattr(o, field) for field in overrides_db.OVERRIDE_FIELDS}
        for o in event.overrides
    }
    overrides_db.set_overrides(db, activity_id, wanted, now=now)
