"""What the open-now fragment shows: each lieu's state in words (through i18n), in order."""

from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.dates import day_month, full_date, weekday
from lieux.hours.announce import words
from lieux.hours.engine import to_instant
from lieux.hours.models import OpenState
from lieux.i18n import current_lang, gettext
from lieux.models import Helpline, Lieu, commune_name
from lieux.settings import Settings
from lieux.widget.query import OpenNowQuery
from lieux.widget.snapshot import SNAPSHOT_LIFETIME, Snapshot


def lieu_states(
    snapshot: Snapshot, query: OpenNowQuery, at: datetime, zone: ZoneInfo
) -> list[tuple[Lieu, OpenState]]:
    """The filtered lieux with their state at `at` (live status and stale hours included), in
    the snapshot's order (by name)."""
    found = []
    for lieu in snapshot.lieux:
        if query.communes and lieu.commune not in query.communes:
            continue
        if query.kinds and not snapshot.kinds.get(lieu.id, frozenset()) & set(query.kinds):
            continue
        found.append((lieu, snapshot.state_of(lieu, at, zone, query.lang)))
    return found


# --- words -------------------------------------------------------------------------------------


def _when(moment: datetime, at: datetime, zone: ZoneInfo, lang: str) -> tuple[str, str]:
    """('today'|'tomorrow'|'week'|'later', day words) for a local moment seen from `at`."""
    day, today = moment.astimezone(zone).date(), at.astimezone(zone).date()
    if day == today:
        return "today", ""
    if day == today + timedelta(days=1):
        return "tomorrow", ""
    if day < today + timedelta(days=7):
        return "week", weekday(day, lang)
    return "later", day_month(day, lang)


def until_day(until: datetime, at: datetime, zone: ZoneInfo, lang: str) -> str:
    """The day an opening seen at `at` ends ('jeudi', '25 décembre'); '' within 18 hours, where
    the time alone reads best (until 02:00 tonight, not "until tomorrow 02:00")."""
    if until - at <= timedelta(hours=18):
        return ""
    _kind, words = _when(until, at, zone, lang)
    return words or weekday(until.astimezone(zone).date(), lang)


# Within this long of its closing or opening, a lieu's state counts down in amber ("ferme dans
# 20 min", "ouvre dans 15 min"): about the time it takes to get there across a commune, so a
# lieu closing sooner may be closed on arrival, and one opening sooner is worth setting out for.
SOON = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)


def soon_change(answer: OpenState, at: datetime) -> datetime | None:
    """The closing (if open) or opening (if not) within SOON of `at`, or None."""
    when = answer.until if answer.state == "open" else answer.next_open
    if when is not None and at < when <= at + SOON:
        return when
    return None


def minutes_until(when: datetime, at: datetime) -> int:
    """Whole minutes from `at` to `when`, rounded up: "dans 20 min" until 19 are left."""
    return -((at - when) // MINUTE)


def countdown_change(answer: OpenState, at: datetime) -> datetime | None:
    """When what `describe` says of `answer` next changes by itself: the countdown's next
    minute, or the instant it starts counting down (SOON before the change)."""
    when = answer.until if answer.state == "open" else answer.next_open
    if when is None or when <= at:
        return None
    if when - at > SOON:
        return when - SOON
    return when - (minutes_until(when, at) - 1) * MINUTE


def soon_words(answer: OpenState, at: datetime) -> str:
    """'ferme dans 20 min' or 'ouvre dans 15 min' within SOON of the change, else ''."""
    when = soon_change(answer, at)
    if when is None:
        return ""
    text = gettext("ferme dans %(minutes)d min") if answer.state == "open" else None
    text = text or gettext("ouvre dans %(minutes)d min")
    return text % {"minutes": minutes_until(when, at)}


def describe(answer: OpenState, at: datetime, zone: ZoneInfo, lang: str) -> str:
    """'ouvert jusqu'à 16:00', 'ouvre samedi à 11:00', 'ferme dans 20 min', 'horaires non
    communiqués'...; with 'fermé exceptionnellement' for a live status and 'horaires à
    confirmer' for stale hours."""
    words = _describe(answer, at, zone, lang)
    if answer.source == "live" and answer.state == "closed":
        words = gettext("fermé exceptionnellement") + (f" · {words}" if answer.next_open else "")
    if answer.hours_stale:
        words += " · " + gettext("horaires à confirmer")
    return words


def _describe(answer: OpenState, at: datetime, zone: ZoneInfo, lang: str) -> str:
    if soon := soon_words(answer, at):
        prefix = gettext("horaires non communiqués") + " · " if answer.state == "unknown" else ""
        return prefix + soon
    if answer.state == "open":
        if answer.until is None:
            return gettext("ouvert")
        clock = f"{answer.until.astimezone(zone):%H:%M}"
        if day := until_day(answer.until, at, zone, lang):
            return gettext("ouvert jusqu'à %(day)s %(time)s") % {"day": day, "time": clock}
        return gettext("ouvert jusqu'à %(time)s") % {"time": clock}
    if answer.next_open is None:
        if answer.state == "unknown":
            return gettext("horaires non communiqués")
        return gettext("fermé")
    clock = f"{answer.next_open.astimezone(zone):%H:%M}"
    kind, words = _when(answer.next_open, at, zone, lang)
    # No regular hours, but a special opening is planned.
    prefix = gettext("horaires non communiqués") + " · " if answer.state == "unknown" else ""
    text = {
        "today": gettext("ouvre aujourd'hui à %(time)s"),
        "tomorrow": gettext("ouvre demain à %(time)s"),
        "week": gettext("ouvre %(day)s à %(time)s"),
        "later": gettext("ouvre le %(day)s à %(time)s"),
    }[kind]
    return prefix + text % {"day": words, "time": clock}


# --- the fragment's context --------------------------------------------------------------------


class OpenNowItem(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    state: str
    label: str
    soon: bool  # the label counts down to a closing or an opening (shown in amber)
    note: str
    address: str
    phone: str | None
    tel: str | None
    url: str
    announcements: tuple[str, ...] = ()  # closures and periods coming (lieux.hours.announce)


# What the fragment says when no listed lieu is open, from what is known of the filtered lieux.
Situation = Literal["open", "closed", "unknown", "mixed"]


class OpenNowView(msgspec.Struct, frozen=True, kw_only=True):
    """What `widget/_open_now.html` shows (its only variable is `widget`).

    The lieux that may be open come first, then the helplines that answer now (by their hours)
    when no lieu is known to be open, then the lieux known to be closed: at night the
    helplines are the first thing a small frame shows, and with hours nobody has entered yet
    the lieux to call come before them.
    """

    items: list[OpenNowItem]  # listed before the helplines
    later: list[OpenNowItem]  # listed after the helplines: closed, when nothing is open
    helplines: list[Helpline]  # shown when nothing listed is open: those in the widget's language
    other_helplines: list[Helpline]  # the others, one tap away (a small frame shows the first)
    unknown_helplines: list[Helpline]  # no hours known: listed apart, never said to answer
    situation: Situation  # "open": some lieu is open; else closed, unknown (no hours) or both
    any_open: bool
    unknown_count: int  # lieux whose hours nobody entered: "none open" is then a partial truth
    demo: bool
    lang: str
    show: str
    layout: str
    theme: str
    base_url: str
    as_of: str  # a date and time when `?at=` asks about another instant, else ""
    expires: datetime  # UTC: when this view may change by itself
    dom_id: str = "ldl-open-now"  # the root's id; its other ids start with it

    @property
    def helplines_id(self) -> str:
        return self.dom_id.replace("ldl-open-now", "ldl-helplines", 1) + "-title"


def _situation(states: list[tuple[Lieu, OpenState]]) -> Situation:
    found = {answer.state for _lieu, answer in states}
    if "open" in found:
        return "open"
    if found == {"unknown"}:
        return "unknown"
    return "mixed" if "unknown" in found else "closed"


def build_view(
    snapshot: Snapshot, query: OpenNowQuery, now: datetime, settings: Settings
) -> OpenNowView:
    """The fragment's content for `query` at `query.at` or `now`; labels in `query.lang`."""
    zone = settings.zone
    at = query.at or now
    states = lieu_states(snapshot, query, at, zone)
    situation = _situation(states)
    token = current_lang.set(query.lang)
    try:
        far = datetime.max.replace(tzinfo=UTC)
        if situation == "open":
            order = {"open": 0, "closed": 1, "unknown": 2}
            shown = ("open", "closed", "unknown") if query.show == "all" else ("open",)
        else:
            # Nothing is known to be open: the lieux without hours may be (call them), the
            # closed ones come after the helplines, and only with show=all.
            order = {"unknown": 0, "closed": 1}
            shown = ("unknown", "closed") if query.show == "all" else ("unknown",)
        states.sort(key=lambda pair: (order[pair[1].state], pair[1].next_open or far))
        listed = [pair for pair in states if pair[1].state in shown][: query.limit]
        items = [
            OpenNowItem(
                slug=lieu.slug,
                name=lieu.name,
                state=answer.state,
                label=describe(answer, at, zone, query.lang),
                soon=soon_change(answer, at) is not None,
                note=answer.note,
                address=", ".join(
                    part
                    for part in (
                        lieu.address,
                        f"{lieu.postcode} {commune_name(lieu.commune, query.lang)}".strip(),
                    )
                    if part
                ),
                phone=lieu.phone,
                tel=lieu.tel,
                url=f"{settings.base_url}/lieux/{lieu.slug}",
                announcements=announcements_of(snapshot, lieu, at, zone, query.lang),
            )
            for lieu, answer in listed
        ]
        as_of = ""
        if query.at is not None:
            local = query.at.astimezone(zone)
            day = full_date(local.date(), query.lang)
            as_of = f"{day} {local:%H:%M}"
    finally:
        current_lang.reset(token)
    any_open = situation == "open"
    changes = [a.next_change for _l, a in states if a.next_change is not None]
    changes += [c for _l, a in states if (c := countdown_change(a, at)) is not None]
    changes += [when for lieu, _a in states for when in snapshot.changes_after(lieu, at)]
    lines = snapshot.helplines_at(at, zone)
    changes += lines.changes  # a line that starts or stops answering
    midnight = datetime.combine(at.astimezone(zone).date() + timedelta(days=1), time(0))
    expires = min([*changes, to_instant(midnight, zone), snapshot.loaded_at + SNAPSHOT_LIFETIME])
    # The lines whose hours say they answer now: in the widget's language (or all of them if
    # none does), the others one tap away; those whose hours nobody gave, apart.
    own = [h for h in lines.answering if h.language == query.lang] or lines.answering
    others = [h for h in lines.answering if h not in own]
    return OpenNowView(
        items=[item for item in items if any_open or item.state != "closed"],
        later=[item for item in items if not any_open and item.state == "closed"],
        helplines=[] if any_open else own,
        other_helplines=[] if any_open else others,
        unknown_helplines=[] if any_open else lines.unknown,
        situation=situation,
        any_open=any_open,
        unknown_count=sum(answer.state == "unknown" for _lieu, answer in states),
        demo=snapshot.demo,
        lang=query.lang,
        show=query.show,
        layout=query.layout,
        theme=query.theme,
        base_url=settings.base_url,
        as_of=as_of,
        expires=expires,
        dom_id="ldl-open-now" + (f"-{query.uid}" if query.uid else ""),
    )


def announcements_of(
    snapshot: Snapshot, lieu: Lieu, at: datetime, zone: ZoneInfo, lang: str
) -> tuple[str, ...]:
    """What the lieu announces ahead at `at` ("Fermé du 24 décembre au 2 janvier"), in words."""
    today = at.astimezone(zone).date()
    return tuple(words(a, today, lang) for a in snapshot.announced(lieu, at, zone))
