"""What the guide shows for each lieu: facts, weekly hours, regular activities, QR codes."""

from datetime import date
from functools import lru_cache

import msgspec
import segno
from sqlite_utils import Database

from lieux.calendar.describe import describe_rule, time_range, weekday_name
from lieux.calendar.models import kind_label
from lieux.db import hours as hours_db
from lieux.db.activities import list_activities
from lieux.db.lieux import has_demo_data, list_helplines, list_lieux
from lieux.hours.models import OpeningHours, span_label
from lieux.i18n import gettext, ltr_run
from lieux.models import Helpline, Lieu, helplines_for
from lieux.settings import Settings
from lieux.web.lieu_facts import language_names

# Small enough for six per A4 page, large enough for a phone camera at arm's length.
QR_SCALE = 2
# Making a QR code (segno tries eight masks) costs ~5 ms: two per lieu were most of the guide's
# CPU on every request (issue 20's goal: 100 ms). Their addresses change only with a lieu's slug
# or the base URL: kept, a few KB each, for two per lieu of a network of a few dozen.
QR_CACHE_SIZE = 256


class RegularActivity(msgspec.Struct, frozen=True):
    title: str
    kind: str
    when: str  # "chaque mardi 14:00–16:00"
    title_lang: str = "fr"  # the guide's language if the title was written in it, else French


class GuideEntry(msgspec.Struct, frozen=True):
    lieu: Lieu
    hours: OpeningHours
    regular: list[RegularActivity]
    page_url: str
    feed_url: str
    page_qr: str  # inline SVG
    feed_qr: str
    # price, step-free access, languages spoken, e-mail, website: in the guide's language
    more: list[str] = []


class Guide(msgspec.Struct, frozen=True):
    entries: list[GuideEntry]
    helplines: list[Helpline]
    generated_on: date
    demo: bool


@lru_cache(maxsize=QR_CACHE_SIZE)
def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=QR_SCALE, omitsize=False)


def lieu_urls(settings: Settings, lieu: Lieu) -> tuple[str, str]:
    """The lieu's page and feed, as its entry prints them."""
    return (
        f"{settings.base_url}/lieux/{lieu.slug}",
        f"{settings.base_url}/ical/lieux/{lieu.slug}.ics",
    )


def subscribe_url(feed_url: str) -> str:
    """What the feed's QR code opens: a phone's calendar app subscribes to a webcal:// link."""
    return feed_url.replace("https://", "webcal://", 1)


def make_qr_codes(db: Database, settings: Settings) -> int:
    """Every lieu's QR codes made ahead (`lieux serve` does it at start), so that no reader of
    the guide waits for them; how many lieux."""
    lieux = list_lieux(db)
    for lieu in lieux:
        page_url, feed_url = lieu_urls(settings, lieu)
        qr_svg(page_url)
        qr_svg(subscribe_url(feed_url))
    return len(lieux)


def collect(db: Database, settings: Settings, *, today: date, lang: str) -> Guide:
    """The whole guide, in `lang`, from the current data."""
    every_hours = hours_db.all_hours(db)
    by_lieu: dict[int, list[RegularActivity]] = {}
    for activity in list_activities(db):
        if activity.rrule and activity.status == "confirmed":
            times = time_range(activity)
            when = f"{describe_rule(activity)} {ltr_run(times, lang) if times else ''}".strip()
            title = activity.title_in(lang)
            by_lieu.setdefault(activity.lieu_id, []).append(
                RegularActivity(
                    title=title,
                    kind=kind_label(activity.kind, lang),
                    when=when,
                    title_lang=lang if title != activity.title else "fr",
                )
            )
    entries = []
    for lieu in list_lieux(db):
        page_url, feed_url = lieu_urls(settings, lieu)
        entries.append(
            GuideEntry(
                lieu=lieu,
                hours=every_hours.get(lieu.id, OpeningHours(lieu_id=lieu.id)),
                regular=by_lieu.get(lieu.id, []),
                page_url=page_url,
                feed_url=feed_url,
                page_qr=qr_svg(page_url),
                feed_qr=qr_svg(subscribe_url(feed_url)),
                more=more_facts(lieu, lang),
            )
        )
    return Guide(
        entries=entries,
        helplines=helplines_for(list_helplines(db), lang),
        generated_on=today,
        demo=has_demo_data(db),
    )


def more_facts(lieu: Lieu, lang: str) -> list[str]:
    """What the lieu's profile adds to the guide's entry, each a few words (current language)."""
    more = []
    if lieu.price:
        more.append(gettext("gratuit") if lieu.price == "free" else gettext("prix libre"))
    access = {
        "yes": gettext("accès sans marche"),
        "partly": gettext("accès sans marche en partie"),
        "no": gettext("pas d'accès sans marche"),
    }
    if lieu.step_free:
        more.append(access[lieu.step_free])
    if lieu.languages:
        names = ", ".join(language_names(lieu.languages, lang))
        more.append(gettext("langues : %(names)s") % {"names": names})
    more += [value for value in (lieu.email, lieu.website) if value]
    return more


def weekly_summary(hours: OpeningHours) -> list[tuple[str, str]]:
    """[('mardi – vendredi', '10:00–16:00'), ...]: consecutive days with the same hours merged."""
    per_day = [
        ", ".join(span_label(s.opens, s.closes) for s in hours.usual_slots if s.weekday == day)
        for day in range(7)
    ]
    lines: list[tuple[str, str]] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and per_day[last + 1] == per_day[day]:
            last += 1
        if per_day[day]:
            days = (
                weekday_name(day) if last == day else f"{weekday_name(day)} – {weekday_name(last)}"
            )
            lines.append((days, per_day[day]))
        day = last + 1
    return lines
