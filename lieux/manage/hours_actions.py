"""Setting a lieu's opening hours: the one write behind the hours editor, the OSM form and
`lieux hours LIEU "…"`, audited once (by a member, or with the actor "cli"). Saving the hours
confirms them: `hours_verified_at` is set to the save's instant, changed or not."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.db import hours as hours_db
from lieux.db import profile as profile_db
from lieux.hours.holidays import public_holidays
from lieux.hours.models import OpeningHours
from lieux.hours.osm import to_osm
from lieux.hours.osm_import import from_osm
from lieux.manage import audit_trail
from lieux.models import Lieu

# Years of public holidays (this one and the next two) read to import and show an OSM string:
# holiday rules and exceptions are typed at most a year or two ahead.
HOLIDAY_YEARS = 3


def holidays_from(today: date, *, iris_day: bool) -> dict[date, str]:
    """The public holidays of HOLIDAY_YEARS years from `today`'s."""
    return public_holidays(range(today.year, today.year + HOLIDAY_YEARS), iris_day=iris_day)


def replace_hours(
    db: Database,
    lieu: Lieu,
    *,
    slots: list,
    exceptions: list,
    holiday_rule,
    by: int | None,
    actor: str | None = None,
    now: datetime,
) -> OpeningHours:
    """Set the lieu's weekly slots, exceptions and holiday rule at once; audited if it changed
    (`by` the member, or None with `actor` saying who did: "cli"). Records the hours as
    verified at `now` either way: whoever saves them has just looked at them."""
    with db.atomic():
        before = hours_db.get_hours(db, lieu.id)
        hours_db.replace_hours(
            db, lieu.id, slots=slots, exceptions=exceptions, holiday_rule=holiday_rule
        )
        after = hours_db.get_hours(db, lieu.id)
        profile_db.set_hours_verified(db, lieu.id, now=now)
        if after != before:
            audit_trail.record(
                db,
                lieu_id=lieu.id,
                by=by,
                actor=actor,
                action="update",
                entity="hours",
                entity_id=lieu.id,
                before=before,
                after=after,
                now=now,
            )
    return after


def set_hours_from_osm(
    db: Database,
    lieu: Lieu,
    text: str,
    *,
    by: int | None,
    actor: str | None = None,
    zone: ZoneInfo,
    iris_day: bool,
    now: datetime,
) -> str:
    """Replace the hours from an OpenStreetMap `opening_hours` string; return them as stored,
    in OSM again. Parses first: an OsmError leaves everything as it was."""
    today = now.astimezone(zone).date()
    holidays = holidays_from(today, iris_day=iris_day)
    slots, exceptions, rule = from_osm(text, today=today, holidays=holidays)
    after = replace_hours(
        db, lieu, slots=slots, exceptions=exceptions, holiday_rule=rule, by=by, actor=actor, now=now
    )
    return to_osm(after, start=today, holidays=holidays, zone=zone)
