"""The lieu page's live state: "Ouvert maintenant, jusqu'à 16:00" and the exceptions coming."""

from datetime import datetime, timedelta

import msgspec

from lieux.hours.models import OpeningException
from lieux.i18n import current_lang, gettext
from lieux.models import Lieu
from lieux.widget.cache import OpenNowCache
from lieux.widget.view import describe, minutes_until, soon_change, until_day


class LieuStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The lieu page's live state: "Ouvert maintenant, jusqu'à 16:00" and what is coming."""

    state: str
    headline: str
    note: str
    upcoming: list[OpeningException]
    source: str = "hours"  # "live": said by the lieu itself, just now
    hours_stale: bool = False
    soon: bool = False  # it closes or opens within lieux.widget.view.SOON (said in amber)


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


def lieu_status(
    cache: OpenNowCache, lieu: Lieu, at: datetime | None, lang: str, now: datetime
) -> LieuStatus:
    """State of one lieu at `at` (or now), labelled in `lang`, with its coming exceptions."""
    snapshot = cache.snapshot(now)
    zone = cache.settings.zone
    when = at or now
    hours = snapshot.hours_of(lieu.id)
    answer = snapshot.state_of(lieu, when, zone, lang)
    token = current_lang.set(lang)
    try:
        # The hours' own words, without the live and stale marks said here in full.
        plain = msgspec.structs.replace(answer, source="hours", hours_stale=False)
        words = describe(plain, when, zone, lang)
        soon = soon_change(answer, when) is not None
        # Asked about another instant (?at=), the page says which above the state: "maintenant"
        # under "Situation le samedi 12 décembre à 15:00" would contradict it.
        asked = at is not None and at != now
        headline = (_as_of if asked else _now)(answer, when, zone, lang, words, soon)
        if answer.hours_stale:
            headline += " · " + gettext("horaires à confirmer")
    finally:
        current_lang.reset(token)
    today = when.astimezone(zone).date()
    upcoming = [
        e
        for e in hours.exceptions
        if e.end_date >= today and e.start_date <= today + timedelta(days=UPCOMING_DAYS)
    ]
    return LieuStatus(
        state=answer.state,
        headline=headline,
        note=answer.note,
        upcoming=upcoming,
        source=answer.source,
        hours_stale=answer.hours_stale,
        soon=soon,
    )
