"""Everything one poster shows, read from the database: the lieu, its week, QR codes, helplines."""

from datetime import date, datetime
from urllib.parse import urlencode

import msgspec
from sqlite_utils import Database

from lieux.calendar.recurrence import agenda
from lieux.calendar.subscribe import feed_page, feed_path
from lieux.db import hours as hours_db
from lieux.db.activities import list_activities
from lieux.db.lieux import get_lieu, list_helplines
from lieux.hours.announce import announced, words
from lieux.hours.helplines import helplines_at
from lieux.hours.holidays import public_holidays
from lieux.models import Helpline, Lieu, helplines_for
from lieux.poster.week import WeekPlan, week_plan, week_window
from lieux.qr import qr_svg
from lieux.settings import Settings

# About 30 mm wide printed: a phone camera reads it from half a metre, and it leaves the
# page to the week.
QR_SCALE = 3


class Poster(msgspec.Struct, frozen=True, kw_only=True):
    lieu: Lieu
    plan: WeekPlan
    page_url: str
    feed_url: str  # the page of the subscribe box (not the .ics: see poster_urls)
    page_qr: str  # inline SVG
    feed_qr: str
    report_url: str  # "Signaler un problème": a door found closed, hours or phone wrong
    report_qr: str
    helplines: list[Helpline]  # those that answer day and night ("jour et nuit")
    other_lines: list[Helpline]  # the others: their own hours, or "heures inconnues"
    announcements: list[str]  # closures and periods announced ahead (lieux.hours.announce)
    demo: bool  # fictional hours or activities on this poster (it then says so)


def poster_urls(settings: Settings, slug: str, lang: str) -> tuple[str, str]:
    """The lieu page, and the page whose subscribe box offers the lieu's feed in `lang`, as
    printed under the QR codes. The second is where the subscribe box's own QR code leads
    (lieux.calendar.subscribe): a phone's camera opening the .ics address would import the
    week once (iPhone) or download a file (Android), never subscribe."""
    feed = feed_path(lieu=slug) + ("" if lang == "fr" else "?" + urlencode({"lang": lang}))
    return f"{settings.base_url}/lieux/{slug}", f"{settings.base_url}{feed_page(feed)}#subscribe"


def collect(
    db: Database, settings: Settings, slug: str, *, monday: date, lang: str, now: datetime
) -> Poster | None:
    """The poster of the public lieu `slug` for the week from `monday`, or None if there is
    no such lieu (or it is archived)."""
    lieu = get_lieu(db, slug)
    if lieu is None:
        return None
    zone = settings.zone
    hours = hours_db.get_hours(db, lieu.id)
    activities = list_activities(db, lieu_ids=[lieu.id])
    start, end = week_window(monday, zone)
    holidays = public_holidays({monday.year, end.year}, iris_day=settings.iris_day, lang=lang)
    plan = week_plan(
        hours,
        agenda(activities, start, end, zone),
        monday,
        holidays=holidays,
        zone=zone,
        lang=lang,
        now=now,
    )
    page_url, feed_url = poster_urls(settings, slug, lang)
    # A poster stays up all week: only the lines that never stop answering are "jour et nuit".
    lines = helplines_for(list_helplines(db), lang)
    day_and_night = helplines_at(lines, now, zone=zone, iris_day=settings.iris_day).round_the_clock
    today = now.astimezone(zone).date()
    return Poster(
        lieu=lieu,
        plan=plan,
        page_url=page_url,
        feed_url=feed_url,
        page_qr=qr_svg(page_url, scale=QR_SCALE),
        feed_qr=qr_svg(feed_url, scale=QR_SCALE),
        report_url=f"{page_url}/report",
        report_qr=qr_svg(f"{page_url}/report", scale=QR_SCALE),
        helplines=day_and_night,
        other_lines=[line for line in lines if line not in day_and_night],
        announcements=[
            words(a, today, lang)
            for a in announced(hours, now, zone=zone, days=settings.announce_days)
        ],
        demo=hours.demo or any(e.demo for e in hours.exceptions) or any(a.demo for a in activities),
    )
