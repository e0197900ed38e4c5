"""What a lieu announces ahead: its coming closures and period hours (issue 22).

From `LIEUX_ANNOUNCE_DAYS` days before its first day (15 by default) until its last, a dated
closure ("Fermé du 24 décembre au 2 janvier") and a period ("Horaires d'été à partir du
1er juillet") are announced by every surface: the widget, the lieu page, the directory card,
the poster, /api/lieux and HSDS. `announced` decides what, once; each surface renders it, in
words with `words`. Pure: the instant is a parameter.
"""

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.dates import day_month, long_date
from lieux.hours.models import OpeningHours
from lieux.i18n import translations

AnnouncementKind = Literal["closed", "period"]
# Past this many days away, a date says its year ("jusqu'au 31 mars 2028").
WITH_YEAR_DAYS = 180


class Announcement(msgspec.Struct, frozen=True, kw_only=True):
    """A closure or a period, announced: its first and last days, its note or name."""

    kind: AnnouncementKind
    start: date
    end: date | None  # None: a period with no last day
    note: str = ""  # the closure's note ("Congés d'hiver"), or the period's name
    ongoing: bool = False  # it has begun: "jusqu'au 2 janvier"


def announced(
    hours: OpeningHours, at: datetime, *, zone: ZoneInfo, days: int
) -> tuple[Announcement, ...]:
    """The closures and periods covering the local day of `at`, or beginning at most `days`
    days after it, by first day. With days=15, a closure from 24 December shows from
    9 December on (15 days before), not on the 8th (16)."""
    today = at.astimezone(zone).date()

    def shown(start: date | None, end: date | None) -> bool:
        begins_soon = start is None or (start - today).days <= days
        return begins_soon and (end is None or end >= today)

    found = [
        Announcement(
            kind="closed",
            start=e.start_date,
            end=e.end_date,
            note=e.note,
            ongoing=e.start_date <= today,
        )
        for e in hours.exceptions
        if e.kind == "closed" and shown(e.start_date, e.end_date)
    ]
    found += [
        Announcement(
            kind="period",
            start=p.start or today,
            end=p.end,
            note=p.name,
            ongoing=p.start is None or p.start <= today,
        )
        for p in hours.periods
        if shown(p.start, p.end)
    ]
    return tuple(sorted(found, key=lambda a: (a.start, a.kind, a.end or date.max)))


def day_words(day: date, today: date, lang: str) -> str:
    """'1er juillet', '24 december', '2 January'; with the year when far away."""
    if abs((day - today).days) > WITH_YEAR_DAYS:
        return long_date(day, lang)
    return day_month(day, lang)


def words(announcement: Announcement, today: date, lang: str) -> str:
    """The announcement as a person reads it, in `lang`: "Fermé du 24 décembre au 2 janvier
    (Congés d'hiver)", "Horaires d'été à partir du 1er juillet", "Horaires d'été jusqu'au
    31 août"."""
    _ = translations(lang).gettext
    a = announcement
    start, end = day_words(a.start, today, lang), a.end and day_words(a.end, today, lang)
    if a.kind == "closed":
        if a.ongoing and a.end == today:
            text = _("Fermé aujourd'hui")
        elif a.ongoing:
            text = _("Fermé jusqu'au %(end)s") % {"end": end}
        elif a.start == a.end:
            text = _("Fermé le %(start)s") % {"start": start}
        else:
            text = _("Fermé du %(start)s au %(end)s") % {"start": start, "end": end}
        return text + (f" ({a.note})" if a.note else "")
    name = a.note or _("Horaires particuliers")
    if a.ongoing and end:
        return _("%(name)s jusqu'au %(end)s") % {"name": name, "end": end}
    if a.ongoing:
        return name
    return _("%(name)s à partir du %(start)s") % {"name": name, "start": start}
