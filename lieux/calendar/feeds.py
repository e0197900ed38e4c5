"""iCalendar feeds of activities, built with `icalendar`, that calendar apps read the same way.

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
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec
from icalendar import Calendar, Event, vDuration, vRecur
from msgspec.structs import replace

from lieux.calendar import ical_lines as ical
from lieux.calendar.closures import closure_of, closure_window
from lieux.calendar.models import Activity, ActivityOverride, kind_label
from lieux.calendar.recurrence import occurrences
from lieux.calendar.rules import ended_before, normalize_rrule, occurrences_among, until_date
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
    if status in ("cancelled", "tentative"):
        return f"{label(status, lang)} – {title}"
    return title


def _when(value: datetime, all_day: bool, zone: ZoneInfo) -> date | datetime:
    return value.date() if all_day else value.replace(tzinfo=zone)


def _rrule(activity: Activity, zone: ZoneInfo) -> str:
    return _rrule_value(activity.rrule, activity.all_day, zone)


# Series share a few rules ("FREQ=WEEKLY;BYDAY=TU"): parsing one twice (normalized, then as a
# vRecur) was a fifth of a feed's build.
RULE_CACHE_SIZE = 1_024


@lru_cache(maxsize=RULE_CACHE_SIZE)
def _rrule_value(rrule: str, all_day: bool, zone: ZoneInfo) -> str:
    """A series' RRULE value, as icalendar's vRecur writes it."""
    recur = vRecur.from_ical(normalize_rrule(rrule, zone))
    if all_day and "UNTIL" in recur:
        # RFC 5545: UNTIL has the value type of DTSTART.
        recur["UNTIL"] = [until_date(rrule, zone)]
    return recur.to_ical().decode()


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
    """One VEVENT, in the order and form icalendar would write it (lieux.calendar.ical_lines;
    `rrule` as vRecur writes it)."""
    if closure is not None and status != "cancelled":
        status = "tentative"
    all_day = activity.all_day
    stamp = ical.stamp(modified)
    lines = [
        f"SUMMARY:{ical.text(_title(title, status, lang))}",
        f"DTSTART{ical.when(starts, all_day, zone)}",
        f"DTEND{ical.when(ends, all_day, zone)}",
        f"DTSTAMP:{stamp}",
        f"UID:{ical.text(uid)}",
    ]
    if recurrence_id is not None:
        lines.append(f"RECURRENCE-ID{ical.when(recurrence_id, all_day, zone)}")
    lines.append(f"SEQUENCE:{sequence}")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines += [
        f"CATEGORIES:{ical.text(kind_label(activity.kind, lang))}",
        f"DESCRIPTION:{ical.text(description(activity, lieu, text, lang, url, closure))}",
    ]
    if lieu.lat is not None and lieu.lon is not None:
        lines.append(f"GEO:{float(lieu.lat)};{float(lieu.lon)}")  # as vGeo writes it
    lines += [
        f"LAST-MODIFIED:{stamp}",
        f"LOCATION:{ical.text(location(lieu, lang))}",
        f"STATUS:{status.upper()}",
    ]
    if all_day:
        lines.append("TRANSP:TRANSPARENT")
    lines.append(f"URL:{url}")
    if activity.demo:  # fictional demo data, as /api/occurrences' `demo` says
        lines.append(f"{DEMO_FLAG}:TRUE")
    return ical.vevent(lines)


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
    each made a feed of 83 MB (issue 20)."""
    stamp = ical.stamp(modified)
    rid = ical.when(recurrence_id, activity.all_day, zone)
    lines = [
        f"SUMMARY:{ical.text(_title(title, 'cancelled', lang))}",
        # most cancelled dates were not moved first: the same time, written once
        f"DTSTART{rid if starts == recurrence_id else ical.when(starts, activity.all_day, zone)}",
        f"DTEND{ical.when(ends, activity.all_day, zone)}",
        f"DTSTAMP:{stamp}",
        f"UID:{ical.text(uid)}",
        f"RECURRENCE-ID{rid}",
        f"SEQUENCE:{sequence}",
        f"LAST-MODIFIED:{stamp}",
        "STATUS:CANCELLED",
    ]
    if activity.demo:
        lines.append(f"{DEMO_FLAG}:TRUE")
    return ical.vevent(lines)


def in_closures(
    activity: Activity, exceptions: tuple[OpeningException, ...], zone: ZoneInfo
) -> dict[datetime | None, OpeningException]:
    """The activity's occurrences that fall in a closure among `exceptions` (its lieu's), by
    recurrence id (None for a one-off), with the closure."""
    hours = OpeningHours(lieu_id=activity.lieu_id, exceptions=exceptions)
    found: dict[datetime | None, OpeningException] = {}
    for exception in exceptions:
        if exception.kind != "closed":
            continue
        for occurrence in occurrences(activity, *closure_window(exception, zone), zone):
            if (closure := closure_of(occurrence, hours, zone)) is not None:
                found.setdefault(occurrence.recurrence_id, closure)
    return found


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
    common = {"lang": lang, "url": url, "zone": zone}
    tentative = in_closures(activity, exceptions, zone) if exceptions else {}
    main = _event(
        activity,
        lieu,
        uid=activity.uid,
        starts=activity.starts_at,
        ends=activity.ends_at,
        status=activity.status,
        title=activity.title_in(lang),
        text=activity.description_in(lang),
        sequence=activity.sequence,
        modified=activity.updated_at,
        closure=tentative.get(None) if not activity.rrule else None,
        rrule=_rrule(activity, zone) if activity.rrule else "",
        **common,
    )
    if not activity.rrule:
        return [main]
    events = [main]
    duration = activity.ends_at - activity.starts_at
    for override in activity.overrides:
        starts = override.starts_at or override.recurrence_id
        if "cancelled" in (override.status, activity.status):
            events.append(
                _cancelled(
                    activity,
                    uid=activity.uid,
                    recurrence_id=override.recurrence_id,
                    starts=starts,
                    ends=override.ends_at or starts + duration,
                    title=override.title or activity.title_in(lang),
                    sequence=max(activity.sequence, override.sequence),
                    modified=max(activity.updated_at, override.updated_at),
                    lang=lang,
                    zone=zone,
                )
            )
            tentative.pop(override.recurrence_id, None)
            continue
        event = _event(
            activity,
            lieu,
            uid=activity.uid,
            starts=starts,
            ends=override.ends_at or starts + duration,
            status="confirmed",
            title=override.title or activity.title_in(lang),
            text=override.description or activity.description_in(lang),
            sequence=max(activity.sequence, override.sequence),
            # the override inherits the series' fields: it changed if either did
            modified=max(activity.updated_at, override.updated_at),
            closure=tentative.pop(override.recurrence_id, None),
            recurrence_id=override.recurrence_id,
            **common,
        )
        events.append(event)
    # The other occurrences in a closure: overrides of the series that only the feed writes.
    for rid, closure in sorted(tentative.items()):
        event = _event(
            activity,
            lieu,
            uid=activity.uid,
            starts=rid,
            ends=rid + duration,
            status=activity.status,
            title=activity.title_in(lang),
            text=activity.description_in(lang),
            sequence=activity.sequence,
            modified=activity.updated_at,
            closure=closure,
            recurrence_id=rid,
            **common,
        )
        events.append(event)
    return events


def _current(activity: Activity, cutoff: datetime, zone: ZoneInfo) -> Activity:
    """The activity with only the overrides a feed should write."""
    if not activity.overrides:
        return activity
    duration = activity.ends_at - activity.starts_at
    # An override left behind by a rule change names no occurrence: writing it adds one.
    dates = occurrences_among(activity, [o.recurrence_id for o in activity.overrides], zone)

    def keep(override: ActivityOverride) -> bool:
        if override.recurrence_id not in dates:
            return False
        ends = override.ends_at or (override.starts_at or override.recurrence_id) + duration
        original_end = override.recurrence_id + duration
        return max(ends, original_end).replace(tzinfo=zone) >= cutoff

    kept = tuple(o for o in activity.overrides if keep(o))
    return activity if kept == activity.overrides else replace(activity, overrides=kept)


# An activity's bytes only change with the activity (every edit moves its updated_at), its lieu,
# the language or the address, so they are kept for the next build: after one edit, a feed of
# thousands of events is rebuilt in milliseconds, and every feed containing the activity shares
# its bytes.
EVENT_CACHE_SIZE = 20_000


@lru_cache(maxsize=EVENT_CACHE_SIZE)
def _activity_ical(
    activity: Activity,
    lieu: Lieu,
    lang: str,
    base_url: str,
    zone: ZoneInfo,
    exceptions: tuple[OpeningException, ...],
) -> bytes:
    events = activity_events(
        activity, lieu, lang=lang, base_url=base_url, zone=zone, exceptions=exceptions
    )
    return b"".join(events)


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


def _recent(exceptions: Iterable[OpeningException], cutoff: date) -> tuple[OpeningException, ...]:
    """The exceptions from `cutoff` on (the feed leaves out what ended before it), so a long
    closure does not write an override for every date it already covered."""
    return tuple(
        e if e.start_date >= cutoff else replace(e, start_date=cutoff)
        for e in exceptions
        if e.end_date >= cutoff
    )


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
    cutoff = (now - timedelta(days=past_days)).astimezone(zone)
    exceptions = {}
    for lieu_id, lieu_hours in (closures or {}).items():
        kept = _recent(lieu_hours.exceptions, cutoff.date())
        if any(e.kind == "closed" for e in kept):
            exceptions[lieu_id] = kept
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
    for activity in activities:
        if ended_before(activity, cutoff, zone):
            continue
        current = _current(activity, cutoff, zone)
        chunks.append(
            _activity_ical(
                current,
                lieux[activity.lieu_id],
                lang,
                base_url,
                zone,
                exceptions.get(activity.lieu_id, ()),
            )
        )
    # Opening hours change with the window, not with an edit: the day the window starts is their
    # DTSTAMP, so two requests on the same day still give the same bytes.
    day_start = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    for event in hours_events(hours, lieux, lang=lang, base_url=base_url, stamp=day_start):
        chunks.append(event.to_ical())
    chunks.append(END)
    return b"".join(chunks)
