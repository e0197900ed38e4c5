"""Plain-language descriptions of a series ("chaque mardi", "14:00–16:00"), translated."""

from lieux import dates
from lieux.calendar.models import Activity
from lieux.i18n import comma, current_lang
from lieux.i18n import gettext as _

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekday_name(index: int) -> str:
    """Weekday `index` (0 is Monday) in the request's language, from CLDR ('lundi', 'الاثنين')."""
    return dates.weekday_name(index, current_lang.get())


def _ordinal(n: int) -> str:
    return {1: _("1er"), 2: _("2e"), 3: _("3e"), 4: _("4e"), -1: _("dernier")}.get(n, str(n))


def describe_rule(activity: Activity) -> str:
    """'chaque mardi', 'un mardi sur deux', 'le 1er mardi du mois'; '' for a one-off."""
    if not activity.rrule:
        return ""
    parts = dict(
        p.split("=", 1) for p in activity.rrule.removeprefix("RRULE:").split(";") if "=" in p
    )
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    interval = int(parts.get("INTERVAL", "1"))
    freq = parts.get("FREQ")
    if freq == "WEEKLY":
        names = [weekday_name(BYDAY.index(d)) for d in days if d in BYDAY] or [
            weekday_name(activity.starts_at.weekday())
        ]
        joined = comma().join(names)
        if interval == 1:
            return _("chaque %(days)s") % {"days": joined}
        if interval == 2:
            return _("un %(days)s sur deux") % {"days": joined}
        return _("un %(days)s toutes les %(n)d semaines") % {"days": joined, "n": interval}
    if freq == "MONTHLY" and len(days) == 1 and days[0][-2:] in BYDAY and days[0][:-2]:
        nth, day = int(days[0][:-2]), BYDAY.index(days[0][-2:])
        return _("le %(nth)s %(day)s du mois") % {"nth": _ordinal(nth), "day": weekday_name(day)}
    if freq == "DAILY" and interval == 1:
        return _("chaque jour")
    if freq == "MONTHLY":
        return _("chaque mois")
    return _("régulièrement")


def time_range(activity: Activity) -> str:
    """'14:00–16:00', or '' for an all-day activity."""
    if activity.all_day:
        return ""
    return f"{activity.starts_at:%H:%M}–{activity.ends_at:%H:%M}"
