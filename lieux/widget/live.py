""" "Open now" for many requests: data held in memory, fragments cached until something changes.

The widget is polled by every visitor of every site that embeds it, so a request must not read
the database beyond one tiny query: `data_revision`, a counter that triggers bump on every write
(from any process). When it moves, the snapshot of lieux, hours and special openings is reloaded.
Rendered fragments are kept per (filters, language) until the earliest next state change of the
lieux they list, the next local midnight ("demain" becomes "aujourd'hui") or a data change.
"""

import hashlib
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import msgspec
from babel.dates import format_date

from lieux import db as database
from lieux.calendar.models import KINDS, Activity
from lieux.calendar.recurrence import agenda
from lieux.db.activities import list_activities
from lieux.db.hours import all_hours
from lieux.db.lieux import data_revision, has_demo_data, list_helplines, list_lieux
from lieux.models import LANGUAGES, Helpline, Lieu
from lieux.settings import Settings
from lieux.web.i18n import current_lang, gettext
from lieux.widget.hours import (
    Interval,
    SpecialOpening,
    open_intervals,
    special_openings,
    state,
    to_instant,
)
from lieux.widget.models import (
    LieuOpenState,
    LieuWithHours,
    OpeningException,
    OpeningHours,
    OpenState,
)
from lieux.widget.osm import to_osm
from lieux.widget.public_holidays import public_holidays

if TYPE_CHECKING:
    from sqlite_utils import Database

Show = Literal["open", "all"]
Layout = Literal["list", "compact"]
Theme = Literal["auto", "light", "dark"]
SHOWS, LAYOUTS, THEMES = ("open", "all"), ("list", "compact"), ("auto", "light", "dark")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Browsers and proxies may keep a fragment this long at most, even if nothing changes sooner:
# a data change (new closure, cancelled opening) then shows within a minute.
MAX_AGE_CAP = 60
# Special openings are expanded this far ahead (the OSM export covers a year) and the snapshot
# is rebuilt once a day even without data changes, so the window keeps moving.
SPECIALS_AHEAD = timedelta(days=400)
SPECIALS_BEHIND = timedelta(days=2)
SNAPSHOT_LIFETIME = timedelta(hours=24)
# Reading the revision costs more than all the rest of a cached answer: the polled fragment and
# API read it at most this often, so a change shows there at most this late (browsers may keep a
# fragment up to MAX_AGE_CAP seconds anyway).
REVISION_CHECK_SECONDS = 0.5
# `?at=` asks about the schedule's past and future, not about year 1 or 9999 (where date
# arithmetic a day or a week away overflows).
AT_YEARS = (1970, 2200)
# Distinct filter combinations kept; past this the cache starts over (query strings are free).
MAX_CACHED_FRAGMENTS = 512


class QueryError(ValueError):
    """A parameter a person typed is wrong; the message says which and what is expected."""


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the widget needs, read from the database at one revision."""

    revision: int
    loaded_at: datetime  # UTC
    lieux: tuple[Lieu, ...]
    hours: dict[int, OpeningHours]
    specials: dict[int, list[SpecialOpening]]  # from loaded_at - SPECIALS_BEHIND, SPECIALS_AHEAD
    openings: tuple[Activity, ...]  # the agenda's "ouverture" activities the specials come from
    kinds: dict[int, frozenset[str]]
    helplines: tuple[Helpline, ...]
    demo: bool
    communes: dict[str, str]  # lower case -> as written
    holidays: dict[str, dict[date, str]]  # by language

    def hours_of(self, lieu_id: int) -> OpeningHours:
        return self.hours.get(lieu_id) or OpeningHours(lieu_id=lieu_id)

    def specials_around(self, at: datetime, zone: ZoneInfo) -> dict[int, list[SpecialOpening]]:
        """The special openings seen from `at`: those loaded, unless `at` (a `?at=` question
        about another day) lies outside their window, where they are expanded anew."""
        if self.loaded_at - SPECIALS_BEHIND <= at <= self.loaded_at + SPECIALS_AHEAD / 2:
            return self.specials
        return _specials_by_lieu(self.openings, at, zone)


def _specials_by_lieu(
    openings: Iterable[Activity], around: datetime, zone: ZoneInfo
) -> dict[int, list[SpecialOpening]]:
    found: dict[int, list[SpecialOpening]] = {}
    window = agenda(openings, around - SPECIALS_BEHIND, around + SPECIALS_AHEAD, zone)
    for opening in special_openings(window, zone):
        found.setdefault(opening.lieu_id, []).append(opening)
    return found


def load_snapshot(db: "Database", settings: Settings, now: datetime) -> Snapshot:
    """Read lieux, hours, helplines and the special openings around `now`."""
    zone = settings.zone
    revision = data_revision(db)
    activities = list_activities(db)
    openings = tuple(a for a in activities if a.kind == "ouverture")
    kinds: dict[int, set[str]] = {}
    for activity in activities:
        kinds.setdefault(activity.lieu_id, set()).add(activity.kind)
    lieux = tuple(list_lieux(db))
    years = range(now.year - 1, now.year + 3)
    return Snapshot(
        revision=revision,
        loaded_at=now,
        lieux=lieux,
        hours=all_hours(db),
        specials=_specials_by_lieu(openings, now, zone),
        openings=openings,
        kinds={lieu_id: frozenset(found) for lieu_id, found in kinds.items()},
        helplines=tuple(list_helplines(db)),
        demo=has_demo_data(db),
        communes={lieu.commune.lower(): lieu.commune for lieu in lieux if lieu.commune},
        holidays={
            lang: public_holidays(years, iris_day=settings.iris_day, lang=lang)
            for lang in LANGUAGES
        },
    )


class OpenNowQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The fragment's and the API's parameters, checked."""

    at: datetime | None = None  # UTC; None means now
    communes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    lang: str = "fr"
    limit: int = DEFAULT_LIMIT
    show: Show = "open"
    layout: Layout = "list"
    theme: Theme = "auto"


def _split(values: Iterable[str] | None) -> list[str]:
    """`?commune=a&commune=b` and `?commune=a,b` alike."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def parse_at(text: str | None, zone: ZoneInfo) -> datetime | None:
    """`?at=` as a UTC instant (a time without offset is local); QueryError if not ISO-8601."""
    if not text:
        return None
    text = text.strip()
    # An unencoded "+01:00" in a query string arrives as " 01:00".
    candidates = [text, f"{text[:-6]}+{text[-5:]}" if text[-6:-5] == " " else text]
    for candidate in candidates:
        try:
            parsed = datetime.fromisoformat(candidate)
            break
        except ValueError:
            continue
    else:
        raise QueryError(
            f"at: {text!r} is not an ISO-8601 date-time (for example 2026-11-28T11:00)"
        )
    if not AT_YEARS[0] <= parsed.year <= AT_YEARS[1]:
        raise QueryError(f"at: {text!r} is too far away (years {AT_YEARS[0]} to {AT_YEARS[1]})")
    if parsed.tzinfo is None:
        return to_instant(parsed, zone)
    return parsed.astimezone(UTC)


def parse_query(
    snapshot: Snapshot,
    zone: ZoneInfo,
    *,
    at: str | None = None,
    commune: Iterable[str] | None = None,
    kind: Iterable[str] | None = None,
    lang: str | None = None,
    limit: int | str | None = None,
    show: str | None = None,
    layout: str | None = None,
    theme: str | None = None,
) -> OpenNowQuery:
    """Check every parameter against what exists; QueryError names the first wrong one."""
    communes = []
    for name in _split(commune):
        if name.lower() not in snapshot.communes:
            known = ", ".join(sorted(snapshot.communes.values()))
            raise QueryError(f"commune: no lieu in {name!r} (known communes: {known})")
        communes.append(snapshot.communes[name.lower()])
    kinds = _split(kind)
    for name in kinds:
        if name not in KINDS:
            raise QueryError(f"kind: unknown kind {name!r} (known kinds: {', '.join(KINDS)})")
    for label, value, allowed in (
        ("lang", lang, LANGUAGES),
        ("show", show, SHOWS),
        ("layout", layout, LAYOUTS),
        ("theme", theme, THEMES),
    ):
        if value and value not in allowed:
            raise QueryError(f"{label}: expected one of {', '.join(allowed)}, not {value!r}")
    if limit in (None, ""):
        count = DEFAULT_LIMIT
    else:
        try:
            count = int(limit)
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_LIMIT:
            raise QueryError(f"limit: expected a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    return OpenNowQuery(
        at=parse_at(at, zone),
        communes=tuple(sorted(set(communes))),
        kinds=tuple(sorted(set(kinds))),
        lang=lang or "fr",
        limit=count,
        show=show or "open",
        layout=layout or "list",
        theme=theme or "auto",
    )


def lieu_states(
    snapshot: Snapshot, query: OpenNowQuery, at: datetime, zone: ZoneInfo
) -> list[tuple[Lieu, OpenState]]:
    """The filtered lieux with their state at `at`, in the snapshot's order (by name)."""
    holidays = snapshot.holidays[query.lang]
    specials = snapshot.specials_around(at, zone)
    found = []
    for lieu in snapshot.lieux:
        if query.communes and lieu.commune not in query.communes:
            continue
        if query.kinds and not snapshot.kinds.get(lieu.id, frozenset()) & set(query.kinds):
            continue
        answer = state(
            snapshot.hours_of(lieu.id),
            at,
            holidays=holidays,
            zone=zone,
            special_openings=specials.get(lieu.id, ()),
        )
        found.append((lieu, answer))
    return found


# --- words -------------------------------------------------------------------------------------


def _babel_locale(lang: str) -> str:
    return {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}[lang]


def _when(moment: datetime, at: datetime, zone: ZoneInfo, lang: str) -> tuple[str, str]:
    """('today'|'tomorrow'|'week'|'later', day words) for a local moment seen from `at`."""
    day, today = moment.astimezone(zone).date(), at.astimezone(zone).date()
    if day == today:
        return "today", ""
    if day == today + timedelta(days=1):
        return "tomorrow", ""
    if day < today + timedelta(days=7):
        return "week", format_date(day, "EEEE", locale=_babel_locale(lang))
    return "later", format_date(day, "d MMMM", locale=_babel_locale(lang))


def describe(answer: OpenState, at: datetime, zone: ZoneInfo, lang: str) -> str:
    """'ouvert jusqu'à 16:00', 'ouvre samedi à 11:00', 'horaires non communiqués'..."""
    if answer.state == "open":
        if answer.until is None:
            return gettext("ouvert")
        clock = f"{answer.until.astimezone(zone):%H:%M}"
        # Until 02:00 tonight reads better as a time than as "tomorrow".
        if answer.until - at <= timedelta(hours=18):
            return gettext("ouvert jusqu'à %(time)s") % {"time": clock}
        _kind, words = _when(answer.until, at, zone, lang)
        local = answer.until.astimezone(zone)
        day = words or format_date(local, "EEEE", locale=_babel_locale(lang))
        return gettext("ouvert jusqu'à %(day)s %(time)s") % {"day": day, "time": clock}
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
    note: str
    address: str
    phone: str | None
    tel: str | None
    url: str


# What the fragment says when no listed lieu is open, from what is known of the filtered lieux.
Situation = Literal["open", "closed", "unknown", "mixed"]


class OpenNowView(msgspec.Struct, frozen=True, kw_only=True):
    """What `widget/_open_now.html` shows (its only variable is `widget`).

    The lieux that may be open come first, then the helplines when none is known to be open,
    then the lieux known to be closed: at night the helplines are the first thing a small
    frame shows, and with hours nobody has entered yet the lieux to call come before them.
    """

    items: list[OpenNowItem]  # listed before the helplines
    later: list[OpenNowItem]  # listed after the helplines: closed, when nothing is open
    helplines: list[Helpline]  # shown when nothing listed is open: those in the widget's language
    other_helplines: list[Helpline]  # the others, one tap away (a small frame shows the first)
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
                note=answer.note,
                address=", ".join(
                    part
                    for part in (lieu.address, f"{lieu.postcode} {lieu.commune}".strip())
                    if part
                ),
                phone=lieu.phone,
                tel=lieu.tel,
                url=f"{settings.base_url}/lieux/{lieu.slug}",
            )
            for lieu, answer in listed
        ]
        as_of = ""
        if query.at is not None:
            local = query.at.astimezone(zone)
            day = format_date(local, "EEEE d MMMM y", locale=_babel_locale(query.lang))
            as_of = f"{day} {local:%H:%M}"
    finally:
        current_lang.reset(token)
    any_open = situation == "open"
    changes = [a.next_change for _l, a in states if a.next_change is not None]
    midnight = datetime.combine(at.astimezone(zone).date() + timedelta(days=1), time(0))
    expires = min([*changes, to_instant(midnight, zone), snapshot.loaded_at + SNAPSHOT_LIFETIME])
    # The lines that answer in the widget's language, or all of them if none does.
    own = [h for h in snapshot.helplines if h.language == query.lang] or list(snapshot.helplines)
    others = [h for h in snapshot.helplines if h not in own]
    return OpenNowView(
        items=[item for item in items if any_open or item.state != "closed"],
        later=[item for item in items if not any_open and item.state == "closed"],
        helplines=[] if any_open else own,
        other_helplines=[] if any_open else others,
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
    )


class CachedFragment(msgspec.Struct, frozen=True):
    body: bytes
    etag: str
    expires: datetime  # UTC

    def max_age(self, now: datetime) -> int:
        return max(0, min(MAX_AGE_CAP, int((self.expires - now).total_seconds())))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class OpenNowCache:
    """The snapshot and the rendered fragments of one app (one per process)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._db = None
        self._snapshot: Snapshot | None = None
        self._fragments: dict[bytes, CachedFragment] = {}
        self._osm: dict[tuple[int, date], list[LieuWithHours]] = {}
        self._checked_at = -REVISION_CHECK_SECONDS

    def snapshot(self, now: datetime, *, fresh: bool = True) -> Snapshot:
        """The data at the current revision (one small query when nothing changed).

        `fresh=False` (the polled fragment and API) reads the revision at most every
        REVISION_CHECK_SECONDS; pages a member sees right after an edit keep the default.
        """
        current = self._snapshot
        if (
            not fresh
            and current is not None
            and monotonic() - self._checked_at < REVISION_CHECK_SECONDS
            and current.loaded_at - timedelta(days=2)
            <= now
            <= current.loaded_at + SNAPSHOT_LIFETIME
        ):
            return current
        with self._lock:
            if self._db is None:
                self._db = database.connect(self.settings.db)
            self._checked_at = monotonic()
            revision = data_revision(self._db)
            current = self._snapshot
            if (
                current is None
                or current.revision != revision
                or now - current.loaded_at > SNAPSHOT_LIFETIME
                or now < current.loaded_at - timedelta(days=2)
            ):
                current = self._snapshot = load_snapshot(self._db, self.settings, now)
                self._fragments.clear()
                self._osm.clear()
            return current

    def fragment(
        self,
        key: bytes,
        now: datetime,
        parse: Callable[[Snapshot], OpenNowQuery],
        render: Callable[[OpenNowView], str],
    ) -> CachedFragment:
        """The fragment for the raw query string `key`, from the cache while nothing changed.

        Keyed on the raw query string so that a hit costs one dict lookup: the answer depends on
        the URL alone (the language is `?lang=`, never a header). `parse` may raise QueryError.
        """
        snapshot = self.snapshot(now, fresh=False)
        cached = self._fragments.get(key)
        if cached is not None and now < cached.expires:
            return cached
        query = parse(snapshot)
        view = build_view(snapshot, query, now, self.settings)
        body = render(view).encode()
        cacheable = query.at is None
        # A question about a fixed instant only changes with the data.
        expires = view.expires if cacheable else now + timedelta(seconds=MAX_AGE_CAP)
        fresh = CachedFragment(body, etag_of(body), expires)
        if cacheable:
            with self._lock:
                if len(self._fragments) >= MAX_CACHED_FRAGMENTS:
                    self._fragments.clear()
                if self._snapshot is snapshot:
                    self._fragments[key] = fresh
        return fresh

    def lieux_with_hours(self, now: datetime) -> list[LieuWithHours]:
        """Every lieu with its OSM opening_hours for the coming year (kept for the day)."""
        snapshot = self.snapshot(now)
        zone = self.settings.zone
        today = now.astimezone(zone).date()
        key = (snapshot.revision, today)
        if key not in self._osm:
            self._osm[key] = [
                LieuWithHours(
                    **msgspec.structs.asdict(lieu),
                    opening_hours=to_osm(
                        snapshot.hours_of(lieu.id),
                        start=today,
                        holidays=snapshot.holidays["fr"],
                        zone=zone,
                        special_openings=snapshot.specials.get(lieu.id, ()),
                    ),
                )
                for lieu in snapshot.lieux
            ]
        return self._osm[key]

    def api_states(self, query: OpenNowQuery, now: datetime) -> list[LieuOpenState]:
        """Every filtered lieu's state, for /api/open-now."""
        snapshot = self.snapshot(now, fresh=False)
        zone = self.settings.zone
        at = query.at or now
        return [
            LieuOpenState(
                slug=lieu.slug,
                name=lieu.name,
                commune=lieu.commune,
                state=answer.state,
                until=answer.until.astimezone(zone) if answer.until else None,
                next_open=answer.next_open.astimezone(zone) if answer.next_open else None,
                note=answer.note,
                url=f"{self.settings.base_url}/lieux/{lieu.slug}",
            )
            for lieu, answer in lieu_states(snapshot, query, at, zone)
        ]


def open_now_context(
    cache: OpenNowCache, query: OpenNowQuery, now: datetime
) -> dict[str, OpenNowView]:
    """The template context of `widget/_open_now.html` (for pages that include the fragment)."""
    return {"widget": build_view(cache.snapshot(now), query, now, cache.settings)}


def open_during(
    cache: OpenNowCache, lieu: Lieu, window: Interval, lang: str, now: datetime
) -> bool:
    """Whether the lieu is open at some moment of `window` (UTC instants)."""
    snapshot = cache.snapshot(now)
    zone = cache.settings.zone
    return bool(
        open_intervals(
            snapshot.hours_of(lieu.id),
            *window,
            holidays=snapshot.holidays[lang],
            zone=zone,
            special_openings=snapshot.specials_around(window[0], zone).get(lieu.id, ()),
        )
    )


class LieuStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The lieu page's live state: "Ouvert maintenant, jusqu'à 16:00" and what is coming."""

    state: str
    headline: str
    note: str
    upcoming: list[OpeningException]


# Closures and special days announced this far ahead are listed on the lieu page.
UPCOMING_DAYS = 90


def lieu_status(
    cache: OpenNowCache, lieu: Lieu, at: datetime | None, lang: str, now: datetime
) -> LieuStatus:
    """State of one lieu at `at` (or now), labelled in `lang`, with its coming exceptions."""
    snapshot = cache.snapshot(now)
    zone = cache.settings.zone
    when = at or now
    hours = snapshot.hours_of(lieu.id)
    answer = state(
        hours,
        when,
        holidays=snapshot.holidays[lang],
        zone=zone,
        special_openings=snapshot.specials_around(when, zone).get(lieu.id, ()),
    )
    token = current_lang.set(lang)
    try:
        words = describe(answer, when, zone, lang)
        if answer.state == "open" and answer.until is not None:
            clock = f"{answer.until.astimezone(zone):%H:%M}"
            headline = gettext("Ouvert maintenant, jusqu'à %(time)s") % {"time": clock}
        elif answer.state == "open":
            headline = gettext("Ouvert maintenant")
        elif answer.state == "closed":
            headline = gettext("Fermé maintenant") + (f" · {words}" if answer.next_open else "")
        else:
            headline = words
    finally:
        current_lang.reset(token)
    today = when.astimezone(zone).date()
    upcoming = [
        e
        for e in hours.exceptions
        if e.end_date >= today and e.start_date <= today + timedelta(days=UPCOMING_DAYS)
    ]
    return LieuStatus(state=answer.state, headline=headline, note=answer.note, upcoming=upcoming)
