"""iCalendar feeds of activities, as `icalendar` writes them (lieux/calendar/ical_lines.py), that
calendar apps read the same way.

Choices every client depends on (see tests/calendar/test_feeds.py):
- one rule-based VTIMEZONE and `TZID` on every local time; all-day items as `VALUE=DATE`;
- a series stays one RRULE (UNTIL in UTC, or a DATE for all-day series); a changed occurrence is
  an override VEVENT with RECURRENCE-ID in the form of DTSTART. A cancelled occurrence is such an
  override with STATUS:CANCELLED (never an EXDATE too), its title prefixed for the clients that
  show cancelled events anyway;
- DTSTAMP is the last modification, never "now": unchanged data gives identical bytes, hence a
  stable ETag and cheap 304s;
- an occurrence planned on a day its lieu announced it is closed (lieux/calendar/closures.py) is
  TENTATIVE, its title prefixed and its description saying why, until a co-manager cancels or
  keeps it; for a series that is an override VEVENT the database does not hold.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec
from icalendar import Calendar, Event, vDuration
from msgspec.structs import replace

from lieux.calendar import feed_window as window
from lieux.calendar import ical_lines as ical
from lieux.calendar.models import Activity, kind_label
from lieux.calendar.vtimezone import vtimezone
from lieux.hours.models import OpeningException, OpeningHours
from lieux.i18n import gettext_in
from lieux.i18n import mark as _
from lieux.models import FULL_LANGUAGES, Lieu, commune_name

PRODID = "-//Lieux de liens//Agenda//FR"
END = b"END:VCALENDAR\r\n"
# On the events of fictional demo data (a demonstration instance), as the API's `demo` field.
DEMO_FLAG = "X-LIEUX-DEMO"
# How often clients should poll: cancellations must reach phones the same day; a 304 is cheap.
REFRESH = timedelta(hours=1)
# An activity's text in a feed stops there, the link after it leads to the rest: a lieu's few
# hundred characters pass whole, while folding 200 descriptions of 3,500 characters (icalendar
# does it character by character) took most of a full lieu's feed build (issue 20).
FEED_TEXT_MAX = 800

# (fr, nl, en), like KINDS; the French one is the msgid the other languages translate
LABELS: dict[str, tuple[str, str, str]] = {
    "cancelled": (_("ANNULÉ"), "GEANNULEERD", "CANCELLED"),
    "tentative": (_("À CONFIRMER"), "TE BEVESTIGEN", "TO BE CONFIRMED"),
    "in-closure": (
        _("À confirmer : pendant la fermeture du lieu"),
        "Te bevestigen: tijdens de sluiting van de plek",
        "To be confirmed: during the place's closure",
    ),
    "free": (_("Gratuit"), "Gratis", "Free"),
    "pay-what-you-can": (_("Prix libre"), "Vrije bijdrage", "Pay what you can"),
    "amount": (_("Participation"), "Bijdrage", "Price"),
    "registration": (_("Sur inscription"), "Inschrijving nodig", "Registration needed"),
    "accessibility": (_("Accessibilité"), "Toegankelijkheid", "Accessibility"),
    "languages": (_("Langues"), "Talen", "Languages"),
    "phone": (_("Tél."), "Tel.", "Phone"),
    "more": (_("Plus d'infos"), "Meer info", "More"),
    "open": (_("Ouvert"), "Open", "Open"),
    "hours": (_("Horaires d'ouverture"), "Openingsuren", "Opening hours"),
    # after a lieu's French text in a Dutch or English feed (it wrote none in that language)
    "in-french": ("", "(tekst in het Frans)", "(text in French)"),
}


class HoursInterval(msgspec.Struct, frozen=True, kw_only=True):
    """A time a lieu is open, written as an event when a feed asks for `include=hours`."""

    lieu_id: int
    starts_at: datetime  # aware
    ends_at: datetime
    note: str = ""
    demo: bool = False


def label(key: str, lang: str) -> str:
    if lang in FULL_LANGUAGES:
        return LABELS[key][FULL_LANGUAGES.index(lang)]
    if key == "in-french":  # the pages' marker, which the catalogues translate
        return f"({gettext_in(lang, 'texte en français')})"
    return gettext_in(lang, LABELS[key][0])


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def location(lieu: Lieu, lang: str = "fr") -> str:
    """'Name, street 1, 1000 Commune': the commune as the feed's language names it."""
    commune = commune_name(lieu.commune, lang)
    place = ", ".join(part for part in (lieu.address, f"{lieu.postcode} {commune}".strip()))
    return f"{lieu.name}, {place}" if place.strip(", ") else lieu.name


def lieu_text(lieu: Lieu, field: str, lang: str) -> str:
    """The lieu's own text (`description`, `welcome`) in `lang`, or its French text marked
    "(tekst in het Frans)" when it wrote none in that language; "" if none at all."""
    text, text_lang = lieu.text_in(field, lang)
    if not text.strip():
        return ""
    return text.strip() if text_lang == lang else f"{text.strip()} {label('in-french', lang)}"


def details(activity: Activity, lang: str) -> list[str]:
    """Price, registration, accessibility and languages, one line each."""
    if activity.price == "amount" and activity.price_amount:
        lines = [f"{label('amount', lang)} : {activity.price_amount}"]
    else:
        lines = [label("pay-what-you-can" if activity.price != "free" else "free", lang)]
    if activity.registration:
        lines.append(label("registration", lang))
    if activity.accessibility:
        lines.append(f"{label('accessibility', lang)} : {activity.accessibility}")
    if activity.languages:
        lines.append(f"{label('languages', lang)} : {activity.languages}")
    return lines


def closure_note(closure: OpeningException, lang: str) -> str:
    """'À confirmer : pendant la fermeture du lieu (Congés d'hiver).'"""
    return label("in-closure", lang) + (f" ({closure.note})" if closure.note else "") + "."


def description(
    activity: Activity,
    lieu: Lieu,
    text: str,
    lang: str,
    url: str,
    closure: OpeningException | None = None,
) -> str:
    """Plain text: what people need before going (price, registration, where, a link)."""
    lines = [closure_note(closure, lang)] if closure else []
    lines += [shortened(text.strip())] if text.strip() else []
    lines += details(activity, lang)
    # The address is in LOCATION, which apps show with a map; the phone is not anywhere else.
    if lieu.phone:
        lines.append(f"{label('phone', lang)} {lieu.phone}")
    lines.append(f"{label('more', lang)} : {url}")
    return "\n".join(lines)


def shortened(text: str) -> str:
    """`text` cut to FEED_TEXT_MAX characters, at a word's end, with an ellipsis."""
    if len(text) <= FEED_TEXT_MAX:
        return text
    cut = text[: FEED_TEXT_MAX - 1]
    return (cut.rsplit(None, 1)[0] if " " in cut else cut) + "…"


def _title(title: str, status: str, lang: str) -> str:
    return f"{label(status, lang)} – {title}" if status in ("cancelled", "tentative") else title


def _event(
    activity: Activity,
    lieu: Lieu,
    *,
    uid: str,
    starts: datetime,
    ends: datetime,
    status: str,
    title: str,
    text: str,
    sequence: int,
    modified: datetime,
    lang: str,
    url: str,
    zone: ZoneInfo,
    closure: OpeningException | None = None,
    recurrence_id: datetime | None = None,
    rrule: str = "",
) -> bytes:
    """One VEVENT (`rrule` as vRecur writes it)."""
    if closure is not None and status != "cancelled":
        status = "tentative"
    has_geo = lieu.lat is not None and lieu.lon is not None
    return ical.event(
        summary=_title(title, status, lang),
        starts=starts,
        ends=ends,
        all_day=activity.all_day,
        zone=zone,
        modified=modified,
        uid=uid,
        sequence=sequence,
        status=status,
        category=kind_label(activity.kind, lang),
        description=description(activity, lieu, text, lang, url, closure),
        location=location(lieu, lang),
        url=url,
        geo=(lieu.lat, lieu.lon) if has_geo else None,  # type: ignore[arg-type]
        recurrence_id=recurrence_id,
        rrule=rrule,
        transparent=activity.all_day,  # a day-long item does not make anyone busy
        # fictional demo data, as /api/occurrences' `demo` says
        flags=(DEMO_FLAG,) if activity.demo else (),
    )


def _cancelled(
    activity: Activity,
    *,
    uid: str,
    recurrence_id: datetime,
    starts: datetime,
    ends: datetime,
    title: str,
    sequence: int,
    modified: datetime,
    lang: str,
    zone: ZoneInfo,
) -> bytes:
    """A cancelled date of a series: what a client needs to take it off (UID, RECURRENCE-ID,
    SEQUENCE, STATUS) and a short title for those that show it anyway. No description nor
    place: a lieu may cancel hundreds of dates, and a 3,500-character description repeated on
    each made a feed of 83 MB (issue 20). A series writes its own through `_cancelling`."""
    write = _cancelling(activity, uid, zone)
    return write(_title(title, "cancelled", lang), starts, ends, recurrence_id, modified, sequence)


def _cancelling(activity: Activity, uid: str, zone: ZoneInfo):
    """The writer of the activity's cancelled dates (lieux.calendar.ical_lines.cancelled)."""
    flags = (DEMO_FLAG,) if activity.demo else ()
    return ical.cancelled(uid=uid, all_day=activity.all_day, zone=zone, flags=flags)


def activity_events(
    activity: Activity,
    lieu: Lieu,
    *,
    lang: str,
    base_url: str,
    zone: ZoneInfo,
    exceptions: tuple[OpeningException, ...] = (),
) -> list[bytes]:
    """The VEVENTs of one activity: the one-off or series, then its overrides, then the
    occurrences that fall in one of the lieu's closures (`exceptions`: its dated exceptions)."""
    url = f"{base_url}/agenda/{activity.id}"
    title, text = activity.title_in(lang), activity.description_in(lang)
    tentative = window.in_closures(activity, exceptions, zone) if exceptions else {}
    # the series' own values, which its dates inherit unless they changed them
    series = partial(
        _event,
        activity,
        lieu,
        uid=activity.uid,
        status=activity.status,
        title=title,
        text=text,
        sequence=activity.sequence,
        modified=activity.updated_at,
        lang=lang,
        url=url,
        zone=zone,
    )
    if not activity.rrule:
        return [
            series(starts=activity.starts_at, ends=activity.ends_at, closure=tentative.get(None))
        ]
    events = [
        series(
            starts=activity.starts_at,
            ends=activity.ends_at,
            rrule=ical.rrule(activity.rrule, activity.all_day, zone),
        )
    ]
    duration = activity.ends_at - activity.starts_at
    cancel = _cancelling(activity, activity.uid, zone)
    cancelled = _title(title, "cancelled", lang)
    for override in activity.overrides:
        starts = override.starts_at or override.recurrence_id
        ends = override.ends_at or starts + duration
        sequence = max(activity.sequence, override.sequence)
        # the override inherits the series' fields: it changed if either did
        modified = max(activity.updated_at, override.updated_at)
        closure = tentative.pop(override.recurrence_id, None)
        if "cancelled" in (override.status, activity.status):
            summary = _title(override.title, "cancelled", lang) if override.title else cancelled
            events.append(cancel(summary, starts, ends, override.recurrence_id, modified, sequence))
            continue
        events.append(
            series(
                starts=starts,
                ends=ends,
                title=override.title or title,
                sequence=sequence,
                modified=modified,
                status="confirmed",
                text=override.description or text,
                closure=closure,
                recurrence_id=override.recurrence_id,
            )
        )
    # The other occurrences in a closure: overrides of the series that only the feed writes.
    for rid, closure in sorted(tentative.items()):
        events.append(series(starts=rid, ends=rid + duration, closure=closure, recurrence_id=rid))
    return events


# What one activity writes in a feed is kept from one build to the next (the feed itself is
# built again at every change of the data, the day, the filters or the language): which of its
# changed dates the window keeps (rule walks, most of a build), by the activity and the window's
# day; then its bytes, by what it writes, its lieu, the language and the address. After one edit,
# a feed of thousands of events is built again in milliseconds, and every feed holding the
# activity (its lieu's, its kind's...) shares them. Kept by digest: the activity and its long
# texts are not (a full series' bytes are ~3 KB; 20,000 of them at most, 60 MB: every current
# activity of eleven full lieux in nine languages).
EVENT_CACHE_SIZE = 20_000
_WINDOWS = window.DigestCache(EVENT_CACHE_SIZE)
_EVENTS = window.DigestCache(EVENT_CACHE_SIZE)


def _activity_ical(
    activity: Activity, lieu: Lieu, start: tuple[datetime, bytes], context: bytes, **writing
) -> bytes:
    """The activity's VEVENTs from `start` (the window's start, and its digest with the zone's)
    on as bytes (b"" if it ended before); `context` the digest of all else they depend on (the
    lieu, and `writing`: activity_events' options)."""
    key = window.digest(activity)
    zone = writing["zone"]

    def kept() -> tuple[int, ...] | None:
        view = window.in_window(activity, start[0], zone)
        if view is None:
            return None
        written = {id(o) for o in view.overrides}  # the same objects, those it keeps
        return tuple(i for i, o in enumerate(activity.overrides) if id(o) in written)

    indexes = _WINDOWS.get(key + start[1], kept)
    if indexes is None:
        return b""
    view = activity
    if len(indexes) < len(activity.overrides):
        view = replace(activity, overrides=tuple(activity.overrides[i] for i in indexes))
        key = window.digest(view)
    return _EVENTS.get(key + context, lambda: b"".join(activity_events(view, lieu, **writing)))


def clear_caches() -> None:
    """Forget every activity's window and bytes (tests, benchmarks of a first build)."""
    _WINDOWS.clear()
    _EVENTS.clear()


def hours_events(
    intervals: Iterable[HoursInterval],
    lieux: dict[int, Lieu],
    *,
    lang: str,
    base_url: str,
    stamp: datetime,
) -> list[Event]:
    """Opening hours as transparent events (they do not make anyone busy)."""
    host = urlsplit(base_url).hostname or "lieux"
    events = []
    for interval in intervals:
        lieu = lieux[interval.lieu_id]
        event = Event()
        event.add("uid", f"hours-{lieu.slug}-{interval.starts_at:%Y%m%dT%H%M}@{host}")
        event.add("dtstamp", _utc(stamp))
        event.add("dtstart", interval.starts_at)
        event.add("dtend", interval.ends_at)
        summary = f"{label('open', lang)} : {lieu.name}"
        event.add("summary", summary + (f" ({interval.note})" if interval.note else ""))
        event.add("location", location(lieu, lang))
        event.add("url", f"{base_url}/lieux/{lieu.slug}")
        # What the lieu says of itself, in the feed's language (or its French text, marked).
        about = [lieu_text(lieu, "description", lang), lieu_text(lieu, "welcome", lang)]
        more = f"{label('more', lang)} : {base_url}/lieux/{lieu.slug}"
        event.add("description", "\n".join([*(line for line in about if line), more]))
        event.add("categories", [label("hours", lang)])
        event.add("transp", "TRANSPARENT")
        if interval.demo:
            event.add(DEMO_FLAG, "TRUE")
        events.append(event)
    return events


def build_feed(
    activities: Iterable[Activity],
    lieux: dict[int, Lieu],
    *,
    name: str,
    lang: str,
    base_url: str,
    zone: ZoneInfo,
    now: datetime,
    past_days: int,
    hours: Iterable[HoursInterval] = (),
    closures: Mapping[int, OpeningHours] | None = None,
) -> bytes:
    """The feed as bytes: activities (and opening hours) that ended less than `past_days` ago.

    `closures`, the lieux's hours by id, marks the occurrences planned while a lieu is closed.
    """
    start = window.cutoff(now, past_days, zone)
    exceptions = {}
    for lieu_id, lieu_hours in (closures or {}).items():
        kept = window.recent(lieu_hours.exceptions, start.date())
        if any(e.kind == "closed" for e in kept):
            exceptions[lieu_id] = kept
    # what an activity's bytes depend on besides itself: its lieu, the lieu's closures and the rest
    per_lieu = {lieu.id: (lieu, exceptions.get(lieu.id, ())) for lieu in lieux.values()}
    contexts = {
        lieu_id: window.digest(lieu, closed, lang, base_url, zone.key)
        for lieu_id, (lieu, closed) in per_lieu.items()
    }
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add_component(vtimezone(zone, now.astimezone(zone).year))
    head = calendar.to_ical()
    if not head.endswith(END):
        raise AssertionError("icalendar changed how it ends a calendar")
    chunks = [head.removesuffix(END)]
    writing = {"lang": lang, "base_url": base_url, "zone": zone}
    begins = (start, window.digest(start, zone.key))
    for activity in activities:
        lieu, closed = per_lieu[activity.lieu_id]
        context = contexts[activity.lieu_id]
        chunks.append(_activity_ical(activity, lieu, begins, context, exceptions=closed, **writing))
    # Opening hours change with the window, not with an edit: the day the window starts is their
    # DTSTAMP, so two requests on the same day still give the same bytes.
    day_start = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    for event in hours_events(hours, lieux, lang=lang, base_url=base_url, stamp=day_start):
        chunks.append(event.to_ical())
    chunks.append(END)
    return b"".join(chunks)
