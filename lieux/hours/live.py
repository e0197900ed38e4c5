"""The live status a co-manager sets in one tap, and what it does to the "open now" state.

"Nous sommes ouverts" (open until a time), "Fermé aujourd'hui" (closed until a date) and "On
ferme plus tôt" (open as planned until a time today, closed from then to the end of the day).
While it lasts it wins over the weekly hours, exceptions, holidays and agenda openings; past its
end it has no effect at all, so nobody has to remember to take it back.

`until` is Brussels wall time: HH:MM today, or YYYY-MM-DD (up to the end of that day). Pure
functions; the instant is always a parameter.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from lieux.hours.engine import to_instant
from lieux.hours.models import LiveStatus, OpenState
from lieux.i18n import mark as _

STATES = ("open", "closed", "closes-early")
# A live status says what happens now, not a plan: further ahead is the hours editor's job
# (dated exceptions), which the lieu page lists and the OSM export carries.
MAX_AHEAD = timedelta(days=14)
NOTE_MAX = 140
# "Nous sommes ouverts" without a time and outside the lieu's hours: a morning or an afternoon.
OPEN_DEFAULT = timedelta(hours=2)
# "On ferme plus tôt" without a time: in an hour, on the quarter (what a phone tap most means).
CLOSES_EARLY_DEFAULT = timedelta(hours=1)
QUARTER = 15

_TAG = re.compile(r"<\s*[a-zA-Z/!?]")
_HHMM = re.compile(r"(\d{1,2})[:hH.](\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class LiveStatusError(ValueError):
    """A field of the live-status form that cannot be used: (field, French msgid, params)."""

    def __init__(self, field: str, message: str, params: dict | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.params = params or {}


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local `day` ends (the next midnight; 23 or 25 hours on DST days)."""
    return to_instant(datetime.combine(day + timedelta(days=1), time()), zone)


def _clock(raw: str) -> time | None:
    match = _HHMM.fullmatch(raw)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _default_closing(now: datetime, zone: ZoneInfo) -> datetime:
    local = (now + CLOSES_EARLY_DEFAULT).astimezone(zone).replace(second=0, microsecond=0)
    late = (-local.minute) % QUARTER
    wall = local.replace(tzinfo=None) + timedelta(minutes=late)
    return to_instant(wall, zone)


def make_live_status(
    lieu_id: int,
    *,
    state: str,
    until: str = "",
    note: str = "",
    now: datetime,
    zone: ZoneInfo,
    planned: OpenState,
    by: int | None,
) -> LiveStatus:
    """The live status a co-manager asks for at `now`; `planned` is the lieu's state from its
    hours at `now` (the default end of "open" is the end of the current slot). Raises
    LiveStatusError on a bad field; defaults fill what is left empty."""
    if state not in STATES:
        raise LiveStatusError("state", _("Choisissez : ouvert, fermé ou on ferme plus tôt."))
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise LiveStatusError(
            "note", _("Trop long : %(max)s caractères au maximum."), {"max": NOTE_MAX}
        )
    if _TAG.search(note):
        raise LiveStatusError("note", _("Pas de balises HTML ici."))
    until = (until or "").strip()
    today = now.astimezone(zone).date()
    tonight = end_of_day(today, zone)
    end: datetime | None = None
    if until:
        if clock := _clock(until):
            end = to_instant(datetime.combine(today, clock), zone)
        elif _DATE.fullmatch(until):
            try:
                day = date.fromisoformat(until)
            except ValueError:
                day = None
            if day is None:
                raise LiveStatusError("until", _("Date invalide (attendu : AAAA-MM-JJ)."))
            if state == "closes-early":
                raise LiveStatusError("until", _("Indiquez l'heure de fermeture (HH:MM)."))
            end = end_of_day(day, zone)
        else:
            raise LiveStatusError(
                "until", _("Indiquez une heure (HH:MM) ou une date (AAAA-MM-JJ).")
            )
        if end <= now:
            raise LiveStatusError("until", _("Ce moment est déjà passé."))
        if end > end_of_day(today + MAX_AHEAD, zone):  # the 14th day included
            raise LiveStatusError(
                "until",
                _("Au plus %(days)s jours : pour plus long, utilisez les horaires du lieu."),
                {"days": MAX_AHEAD.days},
            )
    closes_at = None
    if state == "open":
        if end is None:
            in_slot = planned.state == "open" and planned.until is not None
            end = planned.until if in_slot else None
            end = end or now + OPEN_DEFAULT
        expires = end
    elif state == "closed":
        expires = end or tonight
    else:
        closes_at = end or min(_default_closing(now, zone), tonight)
        if closes_at > tonight:
            raise LiveStatusError("until", _("L'heure de fermeture doit être aujourd'hui."))
        expires = tonight
    return LiveStatus(
        lieu_id=lieu_id,
        state=state,
        starts_at=now,
        expires_at=expires,
        closes_at=closes_at,
        note=note,
        set_by=by,
        set_at=now,
    )


def with_live(
    planned: OpenState,
    live: LiveStatus | None,
    at: datetime,
    planned_at: Callable[[datetime], OpenState],
) -> OpenState:
    """The state at `at` once the live status has its say: `planned` (from the hours) when it
    is absent, not started or over. `planned_at(instant)` gives the planned state at another
    instant (when it ends, to say when the lieu opens next)."""
    if live is None or not live.active(at):
        return planned
    if live.state == "open":
        after = planned_at(live.expires_at)
        until = after.until if after.state == "open" else live.expires_at
        return OpenState(state="open", until=until, note=live.note, source="live")
    if live.state == "closes-early" and live.closes_at is not None and at < live.closes_at:
        if planned.state == "open":
            until = min(planned.until or live.closes_at, live.closes_at)
            return OpenState(
                state="open", until=until, note=live.note or planned.note, source="live"
            )
        if planned.state == "unknown":
            # They say they close early: they are open until then.
            return OpenState(state="open", until=live.closes_at, note=live.note, source="live")
        if planned.next_open is not None and planned.next_open < live.closes_at:
            return msgspec.structs.replace(planned, note=live.note or planned.note)
    after = planned_at(live.expires_at)
    next_open = live.expires_at if after.state == "open" else after.next_open
    return OpenState(state="closed", next_open=next_open, note=live.note, source="live")


def hours_stale(verified_at: datetime | None, known: bool, at: datetime, days: int) -> bool:
    """Whether hours that are `known` need confirming at `at`: never verified, or last verified
    more than `days` days before."""
    if not known:
        return False
    if verified_at is not None and verified_at.tzinfo is None:
        verified_at = verified_at.replace(tzinfo=UTC)  # stored as UTC
    # As lieux.web.freshness says it on the lieu page: exactly `days` old is still fresh.
    return verified_at is None or verified_at < at - timedelta(days=days)


def changes_after(
    live: LiveStatus | None, verified_at: datetime | None, at: datetime, days: int
) -> list[datetime]:
    """The instants after `at` when the live status or the hours' freshness change by themselves
    (a cached fragment must be rebuilt then)."""
    found = []
    if verified_at is not None and verified_at.tzinfo is None:
        verified_at = verified_at.replace(tzinfo=UTC)
    if live is not None:
        found += [t for t in (live.starts_at, live.closes_at, live.expires_at) if t and t > at]
    # Stale from just after `days` days (one second: the fragments' clock resolution).
    stale_from = None if verified_at is None else verified_at + timedelta(days=days, seconds=1)
    if stale_from is not None and stale_from > at:
        found.append(stale_from)
    return found


def summary(status: LiveStatus, zone: ZoneInfo) -> tuple[str, dict[str, str]]:
    """What the dashboard says the live status shows, as (French msgid, parameters)."""
    if status.state == "closes-early" and status.closes_at is not None:
        return _("On ferme plus tôt : à %(time)s aujourd'hui"), {
            "time": f"{status.closes_at.astimezone(zone):%H:%M}"
        }
    end = status.expires_at.astimezone(zone)
    today = status.starts_at.astimezone(zone).date()
    if status.state == "closed" and end.time() == time(0):
        last = end.date() - timedelta(days=1)
        if last == today:
            return _("Fermé aujourd'hui, jusqu'à ce soir minuit"), {}
        return _("Fermé jusqu'au %(date)s inclus"), {"date": f"{last:%d/%m/%Y}"}
    if end.date() == today:
        words = (
            _("Ouvert jusqu'à %(time)s") if status.state == "open" else _("Fermé jusqu'à %(time)s")
        )
        return words, {"time": f"{end:%H:%M}"}
    words = (
        _("Ouvert jusqu'au %(date)s à %(time)s")
        if status.state == "open"
        else _("Fermé jusqu'au %(date)s à %(time)s")
    )
    return words, {"date": f"{end:%d/%m/%Y}", "time": f"{end:%H:%M}"}
