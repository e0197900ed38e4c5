"""`lieux hours LIEU "Mo-Fr 10:00-16:00; PH off"`: replace a lieu's hours from an OSM string."""

from datetime import datetime
from typing import TYPE_CHECKING

from lieux.db import audit
from lieux.db.hours import get_hours, replace_hours
from lieux.db.lieux import get_lieu
from lieux.settings import Settings
from lieux.widget.osm import from_osm, to_osm
from lieux.widget.public_holidays import public_holidays

if TYPE_CHECKING:
    from sqlite_utils import Database


def import_hours(db: "Database", slug: str, text: str, *, settings: Settings, now: datetime) -> str:
    """Parse first (OsmError, nothing written), then replace the hours in one transaction."""
    lieu = get_lieu(db, slug)
    if lieu is None:
        raise LookupError(f"no lieu with slug {slug!r} (see /api/lieux for the slugs)")
    zone = settings.zone
    today = now.astimezone(zone).date()
    holidays = public_holidays(range(today.year, today.year + 3), iris_day=settings.iris_day)
    slots, exceptions, rule = from_osm(text, today=today, holidays=holidays)
    before = get_hours(db, lieu.id)
    with db.atomic():
        replace_hours(db, lieu.id, slots=slots, exceptions=exceptions, holiday_rule=rule)
        after = get_hours(db, lieu.id)
        audit.record(
            db,
            lieu_id=lieu.id,
            member_id=None,
            action="update",
            entity="hours",
            entity_id=lieu.id,
            before=before,
            after=after,
            now=now,
        )
    stored = to_osm(after, start=today, holidays=holidays, zone=zone)
    return f"{lieu.name}: hours set to {stored}"
