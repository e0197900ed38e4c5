"""The agenda embed (`/widget/agenda`): the next occurrences, checked options, cached fragments.

The occurrences come from the same code as the agenda pages and the feeds
(lieux.calendar.recurrence expands, lieux.calendar.listing says what each row says); this
module only chooses the window, the filters and the limit, and keeps rendered fragments per
raw query string until the data changes (the `revision` counter), the local day changes or a
listed occurrence ends.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import msgspec
from sqlite_utils import Database

from lieux import db as database
from lieux.calendar import feeds
from lieux.calendar.listing import Listed, by_day, listed
from lieux.calendar.models import Activity
from lieux.calendar.recurrence import Occurrence, agenda
from lieux.calendar.subscribe import feed_path
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours
from lieux.db.lieux import has_demo_data, list_lieux
from lieux.models import LANGUAGES, Lieu
from lieux.refusal import NO_LIEU
from lieux.revision_cache import CachedFragment, RevisionCache, etag_of
from lieux.settings import Settings
from lieux.slugs import slugify
from lieux.widget.query import (
    DEFAULT_THEME,
    LAYOUTS,
    THEMES,
    Layout,
    QueryError,
    Theme,
    bounded,
    check_choices,
    check_uid,
    communes_named,
    kinds_named,
    parse_at,
    split_values,
)

DEFAULT_DAYS, MAX_DAYS = 14, 92
DEFAULT_LIMIT, MAX_LIMIT = 10, 50
# A cancellation's reason is shown under its row: a sentence, not the whole description.
REASON_CHARS = 160
# Browsers and proxies may keep a fragment this long at most: a cancellation shows within five
# minutes, as in the feeds' Cache-Control.
MAX_AGE_CAP = 300
MAX_CACHED_FRAGMENTS = 512
# The parameters the fragment reads; lieu, commune and kind may repeat or hold commas.
LIST_NAMES = ("lieu", "commune", "kind")
NAMES = ("days", "limit", "lang", "layout", "theme", "at", "uid")
# A fragment asked about a fixed instant (`?at=`, for demos and tests) is kept this long.
AT_SECONDS = 60


class AgendaQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The agenda fragment's parameters, checked."""

    lieux: tuple[str, ...] = ()  # slugs
    communes: tuple[str, ...] = ()  # names, as the lieux write them
    kinds: tuple[str, ...] = ()
    days: int = DEFAULT_DAYS
    limit: int = DEFAULT_LIMIT
    lang: str = "fr"
    layout: Layout = "list"
    theme: Theme = DEFAULT_THEME
    at: datetime | None = None  # UTC; None means now (demos and tests ask about an instant)
    uid: str = ""  # the root's id is ldl-agenda-{uid}: a page may show several agendas


def parse_agenda_query(
    lieux: Iterable[Lieu],
    *,
    lieu: Iterable[str] | None = None,
    commune: Iterable[str] | None = None,
    kind: Iterable[str] | None = None,
    days: str | None = None,
    limit: str | None = None,
    lang: str | None = None,
    layout: str | None = None,
    theme: str | None = None,
    at: str | None = None,
    uid: str | None = None,
    zone: ZoneInfo,
    lang_param: str = "lang",
) -> AgendaQuery:
    """Check every parameter against what exists; QueryError names the first wrong one.

    A commune is matched as everywhere (lieux.slugs.match_commune: "Saint-Gilles",
    "saint-gilles", "Sint-Gillis"). `?at=` is read in `zone`, the service's (LIEUX_TZ).
    """
    lieux = list(lieux)
    slugs = {x.slug for x in lieux}
    wanted_lieux = split_values(lieu)
    for slug in wanted_lieux:
        if slug not in slugs:
            technical = f"lieu: no lieu {slug!r} (see the list at /lieux)"
            raise QueryError(NO_LIEU, technical=technical, name=slug)
    communes = communes_named(split_values(commune), {x.commune for x in lieux if x.commune})
    kinds = kinds_named(split_values(kind))
    check_choices(
        (lang_param, lang, LANGUAGES), ("layout", layout, LAYOUTS), ("theme", theme, THEMES)
    )
    check_uid(uid)
    return AgendaQuery(
        lieux=tuple(dict.fromkeys(wanted_lieux)),
        communes=tuple(communes),
        kinds=tuple(kinds),
        days=bounded("days", days, DEFAULT_DAYS, MAX_DAYS),
        limit=bounded("limit", limit, DEFAULT_LIMIT, MAX_LIMIT),
        lang=lang or "fr",
        layout=layout or "list",
        theme=theme or DEFAULT_THEME,
        at=parse_at(at, zone),
        uid=uid or "",
    )


def feed_url(base_url: str, query: AgendaQuery) -> str:
    """The iCal feed of the same selection, in the same language (one filter of each: its own
    path, as the agenda's subscribe box gives it; several: the network feed's parameters)."""
    communes = [slugify(c) for c in query.communes]
    if max(len(query.lieux), len(communes), len(query.kinds)) <= 1:
        path = feed_path(
            lieu=next(iter(query.lieux), None),
            kind=next(iter(query.kinds), None),
            commune=next(iter(communes), None),
        )
    else:
        filters = (("lieux", query.lieux), ("kinds", query.kinds), ("communes", communes))
        named = [(name, ",".join(values)) for name, values in filters if values]
        path = "/ical/network.ics?" + urlencode(named)
    if query.lang != "fr":
        path += ("&" if "?" in path else "?") + urlencode({"lang": query.lang})
    return base_url + path


def pairs(query: AgendaQuery, *, lang: bool = True) -> list[tuple[str, str]]:
    """The fragment's query parameters for `query`, defaults left out (the snippets' URLs);
    without `lang` the visitor's language is left to choose (embed.js, the iframe page)."""
    found = [("lieu", x) for x in query.lieux] + [("commune", x) for x in query.communes]
    found += [("kind", x) for x in query.kinds]
    for name, value, default in (
        ("days", str(query.days), str(DEFAULT_DAYS)),
        ("limit", str(query.limit), str(DEFAULT_LIMIT)),
        ("lang", query.lang if lang else "", ""),
        ("layout", query.layout, "list"),
        ("theme", query.theme, DEFAULT_THEME),
        ("at", query.at.isoformat() if query.at else "", ""),
        ("uid", query.uid, ""),
    ):
        if value != default:
            found.append((name, value))
    return found


def agenda_page_url(base_url: str, query: AgendaQuery) -> str:
    """The network's agenda page, in the reader's language: where to look when nothing is
    planned here."""
    return f"{base_url}/agenda" + ("" if query.lang == "fr" else f"?lang={query.lang}")


class AgendaItem(msgspec.Struct, frozen=True, kw_only=True):
    listed: Listed
    title: str
    title_lang: str  # the language the title is written in (French when not translated)
    url: str
    lieu_name: str
    lieu_url: str
    price: str  # "Gratuit", "Prix libre", "Participation : 3 €"
    reason: str  # why it is cancelled, when someone said so

    @property
    def occurrence(self) -> Occurrence:
        return self.listed.occurrence

    @property
    def cancelled(self) -> bool:
        return self.listed.occurrence.status == "cancelled"


class AgendaDay(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    label: str  # "mardi 24 novembre"
    today: bool
    items: tuple[AgendaItem, ...]


class AgendaView(msgspec.Struct, frozen=True, kw_only=True):
    query: AgendaQuery
    days: tuple[AgendaDay, ...]
    count: int
    base_url: str
    names: tuple[str, ...]  # the lieux asked for by name, for the title
    feed_url: str
    agenda_url: str
    demo: bool
    expires: datetime  # when the fragment must be rendered again, if nothing changes sooner

    @property
    def lang(self) -> str:
        return self.query.lang

    @property
    def layout(self) -> str:
        return self.query.layout

    @property
    def theme(self) -> str:
        return self.query.theme

    @property
    def dom_id(self) -> str:
        return "ldl-agenda" + (f"-{self.query.uid}" if self.query.uid else "")


def price_of(activity: Activity, lang: str) -> str:
    if activity.price == "amount" and activity.price_amount:
        return f"{feeds.label('amount', lang)} : {activity.price_amount}"
    return feeds.label("free" if activity.price == "free" else "pay-what-you-can", lang)


def reason_of(occurrence: Occurrence, activity: Activity) -> str:
    """What was said about a cancellation: the date's own description, else the series'."""
    if occurrence.status != "cancelled":
        return ""
    override = next(
        (o for o in activity.overrides if o.recurrence_id == occurrence.recurrence_id), None
    )
    text = (override.description if override else None) or (
        activity.description if activity.status == "cancelled" else ""
    )
    text = " ".join((text or "").split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1].rstrip() + "…"


def window(now: datetime, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[now, the end of the `days`-th local day counting today)."""
    today = now.astimezone(zone).date()
    return now, datetime.combine(today + timedelta(days=days), time(), zone)


def coming(
    activities: list[Activity], now: datetime, days: int, limit: int, zone: ZoneInfo
) -> list[Occurrence]:
    """The first `limit` occurrences not over at `now` and starting in the window, by start.

    An occurrence under way is kept (it is still worth going); one moved out of the window is
    not, as on the agenda pages.
    """
    start, end = window(now, days, zone)
    found = agenda(activities, start, end, zone)
    return found[:limit]


def build_view(db: Database, settings: Settings, query: AgendaQuery, now: datetime) -> AgendaView:
    zone, lang, base = settings.zone, query.lang, settings.base_url
    every = list_lieux(db)
    lieux = [x for x in every if not query.lieux or x.slug in query.lieux]
    lieux = [x for x in lieux if not query.communes or x.commune in query.communes]
    by_id = {x.id: x for x in lieux}
    activities = activities_db.list_activities(db, lieu_ids=list(by_id), kinds=query.kinds or None)
    found = coming(activities, now, query.days, query.limit, zone) if by_id else []
    hours = all_hours(db)
    rows = listed(found, now=now, zone=zone, lang=lang, hours=hours)
    activity = {a.id: a for a in activities}
    suffix = "" if lang == "fr" else f"?lang={lang}"
    items = []
    for row in rows:
        o = row.occurrence
        lieu = by_id[o.lieu_id]
        items.append(
            AgendaItem(
                listed=row,
                title=o.title_in(lang),
                title_lang=o.title_lang(lang),
                url=f"{base}/agenda/{o.activity_id}{suffix}",
                lieu_name=lieu.name,
                lieu_url=f"{base}/lieux/{lieu.slug}{suffix}",
                price=price_of(activity[o.activity_id], lang),
                reason=reason_of(o, activity[o.activity_id]),
            )
        )
    today = now.astimezone(zone).date()
    dates = sorted({row.occurrence.starts_at.date() for row in rows})
    grouped = by_day(rows, dates, today=today, lang=lang)
    item_of = {id(item.listed): item for item in items}
    days = tuple(
        AgendaDay(
            day=d.day,
            label=d.label,
            today=d.today,
            items=tuple(item_of[id(row)] for row in d.items),
        )
        for d in grouped
    )
    midnight = datetime.combine(today + timedelta(days=1), time(), zone)
    ends = [o.ends_at for o in found if o.ends_at > now]
    return AgendaView(
        query=query,
        days=days,
        count=len(items),
        base_url=base,
        names=tuple(x.name for x in lieux if x.slug in query.lieux),
        feed_url=feed_url(base, query),
        agenda_url=agenda_page_url(base, query),
        demo=has_demo_data(db),
        expires=min([midnight, *ends]),
    )


def query_from(
    params: Mapping, lieux: Iterable[Lieu], zone: ZoneInfo, lang_param: str = "lang"
) -> AgendaQuery:
    """The checked parameters of a Litestar query (a MultiDict); QueryError if one is wrong."""
    return parse_agenda_query(
        lieux,
        **{name: params.getall(name, []) for name in LIST_NAMES},
        **{name: params.get(name) for name in NAMES if name != "lang"},
        lang=params.get(lang_param),
        zone=zone,
        lang_param=lang_param,
    )


class AgendaCache(RevisionCache[bytes, CachedFragment]):
    """Rendered agenda fragments of one app (one per process), as OpenNowCache does for "open
    now": a hit costs one dict lookup, and the revision is read at most every half second."""

    def __init__(self, settings: Settings):
        super().__init__(settings, size=MAX_CACHED_FRAGMENTS)
        self._lieux: list[Lieu] = []

    def _changed(self, db: Database) -> None:
        self._lieux = list_lieux(db)

    def lieux(self) -> list[Lieu]:
        """The public lieux at the current revision (what the options are checked against)."""
        self.revision(fresh=False)
        return self._lieux

    def cached(self, key: bytes, now: datetime) -> CachedFragment | None:
        """The fragment for the raw query string `key` if it is still good: the hot path, on
        the event loop (a miss is built by `fragment`, in a thread)."""
        self.revision(fresh=False)
        cached = self.get(key)
        return cached if cached is not None and now < cached.expires else None

    def fragment(
        self,
        key: bytes,
        now: datetime,
        parse: Callable[[list[Lieu]], AgendaQuery],
        render: Callable[[AgendaView], str],
    ) -> CachedFragment:
        """The fragment for the raw query string `key`; `parse` may raise QueryError."""
        revision = self.revision(fresh=False)
        if (cached := self.cached(key, now)) is not None:
            return cached
        query = parse(self._lieux)
        # Its own connection: the revision check on the event loop never waits for a build.
        db = database.connect(self.settings.db)
        try:
            view = build_view(db, self.settings, query, query.at or now)
        finally:
            db.close()
        body = render(view).encode()
        expires = view.expires if query.at is None else now + timedelta(seconds=AT_SECONDS)
        fresh = CachedFragment(body, etag_of(body), expires)
        self.put(key, fresh, revision)
        return fresh
