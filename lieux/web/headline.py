"""A lieu's headline on the public pages: "Ouvert maintenant, jusqu'à 16:00" and the exceptions
coming. (The status a co-manager sets, "closed today", is a LiveStatus: lieux.hours.live.)"""

from datetime import datetime, timedelta

import msgspec

from lieux.hours import announce
from lieux.hours.models import OpeningException, Period
from lieux.i18n import current_lang, gettext
from lieux.models import Lieu
from lieux.widget.cache import OpenNowCache
from lieux.widget.view import describe, until_day


class LieuHeadline(msgspec.Struct, frozen=True, kw_only=True):
    """What the lieu page (and a directory card) says first: its state in words, "Ouvert
    maintenant, jusqu'à 16:00", and the closures and special hours coming."""

    state: str
    text: str
    note: str
    upcoming: list[OpeningException]
    source: str = "hours"  # "live": said by the lieu itself, just now
    hours_stale: bool = False
    # The closures and periods announced ahead (lieux.hours.announce), in words.
    announcements: list[str] = []
    periods: list[Period] = []  # the periods not over yet, by first day


# Closures and special days announced this far ahead are listed on the lieu page.
UPCOMING_DAYS = 90


def lieu_headline(
    cache: OpenNowCache, lieu: Lieu, at: datetime, lang: str, now: datetime
) -> LieuHeadline:
    """State of one lieu at `at`, labelled in `lang`, with its coming exceptions (the snapshot
    as of `now`)."""
    snapshot = cache.snapshot(now)
    zone = cache.settings.zone
    hours = snapshot.hours_of(lieu.id)
    answer = snapshot.state_of(lieu, at, zone, lang)
    token = current_lang.set(lang)
    try:
        # The hours' own words, without the live and stale marks said here in full.
        plain = msgspec.structs.replace(answer, source="hours", hours_stale=False)
        words = describe(plain, at, zone, lang)
        if answer.state == "open" and answer.until is not None:
            clock = f"{answer.until.astimezone(zone):%H:%M}"
            if day := until_day(answer.until, at, zone, lang):
                headline = gettext("Ouvert maintenant, jusqu'à %(day)s %(time)s") % {
                    "day": day,
                    "time": clock,
                }
            else:
                headline = gettext("Ouvert maintenant, jusqu'à %(time)s") % {"time": clock}
        elif answer.state == "open":
            headline = gettext("Ouvert maintenant")
        elif answer.state == "closed" and answer.source == "live":
            headline = gettext("Fermé exceptionnellement") + (
                f" · {words}" if answer.next_open else ""
            )
        elif answer.state == "closed":
            headline = gettext("Fermé maintenant") + (f" · {words}" if answer.next_open else "")
        else:
            headline = words
        if answer.hours_stale:
            headline += " · " + gettext("horaires à confirmer")
    finally:
        current_lang.reset(token)
    today = at.astimezone(zone).date()
    upcoming = [
        e
        for e in hours.exceptions
        if e.end_date >= today and e.start_date <= today + timedelta(days=UPCOMING_DAYS)
    ]
    return LieuHeadline(
        state=answer.state,
        text=headline,
        note=answer.note,
        upcoming=upcoming,
        source=answer.source,
        hours_stale=answer.hours_stale,
        announcements=[announce.words(a, today, lang) for a in snapshot.announced(lieu, at, zone)],
        periods=[p for p in hours.periods if p.end is None or p.end >= today],
    )
