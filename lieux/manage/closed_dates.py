"""The lieu's dates still to come that fall in one of its dated closures (hours page, dashboard)."""

from datetime import datetime

from sqlite_utils import Database

from lieux.calendar.recurrence import agenda
from lieux.db import activities as activities_db
from lieux.manage import closures
from lieux.models import Lieu
from lieux.settings import Settings
from lieux.widget.models import OpeningHours


def closed_dates(
    db: Database, settings: Settings, lieu: Lieu, hours: OpeningHours, now: datetime
) -> list:
    """(occurrence, closure) for the lieu's dates still to come that fall in a dated closure."""
    span = closures.window(hours, now, settings.zone)
    if span is None:
        return []
    coming = agenda(activities_db.list_activities(db, lieu_ids=[lieu.id]), *span, settings.zone)
    return closures.in_closures([o for o in coming if o.starts_at >= now], hours, settings.zone)
