"""A lieu's headline on the public pages: "Ouvert maintenant, jusqu'à 16:00" and the exceptions
coming. (The status a co-manager sets, "closed today", is a LiveStatus: lieux.hours.live.)"""

from datetime import datetime, timedelta

import msgspec

from lieux.hours import announce
from lieux.hours.models import OpeningException, Period
from lieux.i18n import current_lang, gettext
from lieux.models import Lieu
from lieux.widget.cache import OpenNowCache
from lieux.widget.view import describe, minutes_until, soon_change, until_day


class LieuHeadline(msgspec.Struct, frozen=True, kw_only=True):
    """What the lieu page (and a directory card) says first: its state in words, "Ouvert
    maintenant, jusqu'à 16:00", and the closures and special hours coming."""

    state: str
    text: str
    note: str
    upcoming: list[OpeningException]
    source: str = "hours"  # "live": said by the lieu itself, just now
    hours_stale: bool = False
    soon: bool = False  # it closes or opens within lieux.widget.view.SOON (said in amber)
    # The closures and periods announced ahead (lieux.hours.announce), in words.
    announcements: list[str] = []
    periods: list[Period] = []  # the periods not over yet, by first day


# Closures and special days announced this far ahead are listed on the lieu page.
UPCOMING_DAYS = 90


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _now(answer, when: datetime, zone, lang: str, words: str, soon: bool) -> str:
    """ "Ouvert maintenant, jusqu'à 16:00", "Fermé maintenant · ouvre demain à 10:00"..."""
    if answer.state == "open" and soon:
        minutes = minutes_until(answer.until, when)
        return gettext("Ouvert maintenant, ferme dans %(minutes)d min") % {"minutes": minutes}
    if answer.state == "open" and answer.until is not None:
        clock = f"{answer.until.astimezone(zone):%H:%M}"
        if day := until_day(answer.until, when, zone, lang):
            return gettext("Ouvert maintenant, jusqu'à %(day)s %(time)s") % {
                "day": day,
                "time": clock,
            }
        return gettext("Ouvert maintenant, jusqu'à %(time)s") % {"time": clock}
    if answer.state == "open":
        return gettext("Ouvert maintenant")
    if answer.state == "closed" and answer.source == "live":
        return gettext("Fermé exceptionnellement") + (f" · {words}" if answer.next_open else "")
    if answer.state == "closed":
        return gettext("Fermé maintenant") + (f" · {words}" if answer.next_open else "")
    return words


def _as_of(answer, when: datetime, zone, lang: str, words: str, soon: bool) -> str:
    """The same at an instant the page names: "Ouvert jusqu'à 16:00", "Fermé · ouvre…"."""
    if answer.state == "open" and soon:
        minutes = minutes_until(answer.until, when)
        return (
            gettext("Ouvert") + ", " + gettext("ferme dans %(minutes)d min") % {"minutes": minutes}
        )
    if answer.state == "open" and answer.until is not None:
        clock = f"{answer.until.astimezone(zone):%H:%M}"
        if day := until_day(answer.until, when, zone, lang):
            return _capital(
                gettext("ouvert jusqu'à %(day)s %(time)s") % {"day": day, "time": clock}
            )
        return gettext("Ouvert jusqu'à %(time)s") % {"time": clock}
    if answer.state == "open":
        return gettext("Ouvert")
    if answer.state == "closed" and answer.source != "live":
        return _capital(gettext("fermé")) + (f" · {words}" if answer.next_open else "")
    return _now(answer, when, zone, lang, words, soon)


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
        soon = soon_change(answer, at) is not None
        # Asked about another instant (?at=), the page says which above the state: "maintenant"
        # under "Situation le samedi 12 décembre à 15:00" would contradict it.
        headline = (_as_of if at != now else _now)(answer, at, zone, lang, words, soon)
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
        soon=soon,
        announcements=[announce.words(a, today, lang) for a in snapshot.announced(lieu, at, zone)],
        periods=[p for p in hours.periods if p.end is None or p.end >= today],
    )
