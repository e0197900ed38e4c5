"""iCal feeds (/ical/...) and the public agenda (/agenda, /agenda/{id})."""

import gzip
import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode

import msgspec
from litestar import Controller, Request, Response, get, post, route
from litestar.concurrency import sync_to_thread
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar import feeds
from lieux.calendar.ical_import import MAX_BYTES, ImportProblem, fetch, parse_calendar
from lieux.calendar.listing import day_label, list_days, listed
from lieux.calendar.models import KINDS, Activity
from lieux.calendar.recurrence import agenda, occurrences
from lieux.calendar.sync import import_events
from lieux.db import activities as activities_db
from lieux.db import connect
from lieux.db.hours import all_hours, get_hours
from lieux.db.lieux import data_revision, has_demo_data, list_lieux
from lieux.db.sources import list_sources
from lieux.members.guards import provide_lieu, require_manager
from lieux.members.models import Identity
from lieux.members.session import provide_identity
from lieux.models import LANGUAGES, Lieu
from lieux.qr import qr_svg
from lieux.seed import slugify
from lieux.settings import Settings
from lieux.web.i18n import current_lang
from lieux.widget.hours import open_intervals
from lieux.widget.live import QueryError, parse_at
from lieux.widget.models import OpeningHours
from lieux.widget.public_holidays import public_holidays

ICS = "text/calendar"  # Litestar adds "; charset=utf-8" to text/ types
# Clients poll every REFRESH; a proxy or browser may reuse an answer for five minutes.
CACHE_CONTROL = "public, max-age=300"
# Feeds built per (filters, language, data revision, day): a few hundred variants at most.
FEED_CACHE_SIZE = 256


class BuiltFeed(msgspec.Struct, frozen=True):
    body: bytes
    etag: str
    last_modified: datetime | None
    # A big network feed is mostly repeated text: gzip divides it by ten or so, which matters
    # to phones polling it every hour. Compressed once here, not per request.
    gzipped: bytes = b""

    @property
    def gzip_etag(self) -> str:
        # Another representation needs another strong validator (RFC 9110, 8.8.3).
        return self.etag[:-1] + '-gzip"'


class FeedQuery(msgspec.Struct, frozen=True, kw_only=True):
    """What a feed URL selects; every filter present must match (kinds OR'ed among themselves)."""

    lieux: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    include_hours: bool = False
    lang: str = "fr"


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({part.strip() for part in (value or "").split(",") if part.strip()}))


def _strip_ics(filename: str) -> str:
    if not filename.endswith(".ics") or len(filename) <= len(".ics"):
        raise NotFoundException(f"{filename}: feeds end in .ics")
    return filename.removesuffix(".ics")


def _select(db: Database, query: FeedQuery) -> tuple[list[Lieu], list[Activity]]:
    """The lieux and activities a feed query names; 404 for a name we do not know."""
    every = list_lieux(db)
    lieux = every
    if query.lieux:
        by_slug = {lieu.slug: lieu for lieu in every}
        unknown = [slug for slug in query.lieux if slug not in by_slug]
        if unknown:
            raise NotFoundException(f"Aucun lieu « {unknown[0]} »")
        lieux = [by_slug[slug] for slug in query.lieux]
    if query.communes:
        known = {slugify(lieu.commune) for lieu in every if lieu.commune}
        wanted = {slugify(commune) for commune in query.communes}
        if unknown := sorted(wanted - known):
            raise NotFoundException(f"Aucune commune « {unknown[0]} »")
        lieux = [lieu for lieu in lieux if slugify(lieu.commune) in wanted]
    if unknown := [kind for kind in query.kinds if kind not in KINDS]:
        raise NotFoundException(f"Aucun type d'activité « {unknown[0]} »")
    found = activities_db.list_activities(
        db, lieu_ids=[lieu.id for lieu in lieux], kinds=query.kinds or None
    )
    return lieux, found


def _feed_name(query: FeedQuery, lieux: list[Lieu]) -> str:
    lang, network = query.lang, "Lieux de liens"
    parts = []
    if query.lieux:
        parts.append(", ".join(lieu.name for lieu in lieux))
    if query.kinds:
        parts.append(", ".join(feeds.kind_label(kind, lang) for kind in query.kinds))
    if query.communes and not query.lieux:
        parts.append(", ".join(sorted({lieu.commune for lieu in lieux})) or query.communes[0])
    return " – ".join([*parts, network]) if parts else f"{network} – agenda"


def build(db: Database, settings: Settings, query: FeedQuery, now: datetime) -> BuiltFeed:
    """The feed for `query` as of `now`."""
    lieux, found = _select(db, query)
    every_hours = all_hours(db)
    hours = _hours(every_hours, settings, lieux, now) if query.include_hours else ()
    body = feeds.build_feed(
        found,
        {lieu.id: lieu for lieu in lieux},
        name=_feed_name(query, lieux),
        lang=query.lang,
        base_url=settings.base_url,
        zone=settings.zone,
        now=now,
        past_days=settings.feed_past_days,
        hours=hours,
        closures={lieu.id: every_hours[lieu.id] for lieu in lieux if lieu.id in every_hours},
    )
    # Opening hours carry no edit time: such a feed is validated by its ETag alone.
    modified = None
    if not query.include_hours:
        modified = activities_db.last_change(db, [lieu.id for lieu in lieux], query.kinds or None)
    return BuiltFeed(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=modified.astimezone(UTC).replace(microsecond=0) if modified else None,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
    )


class FeedCache:
    """Built feeds of one app, valid while the data revision and the day stay the same.

    A hit costs one tiny query on a connection kept for that purpose (another process, such as
    `lieux import-ics`, may have changed the data), so a 304 never opens a connection.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._built: OrderedDict[tuple, BuiltFeed] = OrderedDict()

    def key(self, query: FeedQuery, now: datetime) -> tuple:
        with self._lock:
            if self._db is None:
                self._db = connect(self.settings.db)
            revision = data_revision(self._db)
        return (query, revision, now.astimezone(self.settings.zone).date())

    def get(self, key: tuple) -> BuiltFeed | None:
        with self._lock:
            return self._built.get(key)

    def put(self, key: tuple, feed: BuiltFeed) -> None:
        with self._lock:
            self._built[key] = feed
            while len(self._built) > FEED_CACHE_SIZE:
                self._built.popitem(last=False)


def _build_fresh(settings: Settings, query: FeedQuery, now: datetime) -> BuiltFeed:
    db = connect(settings.db)
    try:
        return build(db, settings, query, now)
    finally:
        db.close()


def _hours(
    every: dict[int, OpeningHours], settings: Settings, lieux: list[Lieu], now: datetime
) -> list[feeds.HoursInterval]:
    """The lieux's opening hours over the coming weeks, from the hours engine.

    Special openings are not added: they are activities of kind "ouverture", already events.
    """
    zone = settings.zone
    start = datetime.combine(now.astimezone(zone).date(), time(), zone)
    end = start + timedelta(weeks=HOURS_WEEKS)
    holidays = public_holidays(range(start.year, end.year + 1), iris_day=settings.iris_day)
    found = []
    for lieu in lieux:
        if lieu.id not in every:
            continue
        for opens, closes in open_intervals(
            every[lieu.id], start, end, holidays=holidays, zone=zone
        ):
            found.append(
                feeds.HoursInterval(
                    lieu_id=lieu.id,
                    starts_at=opens.astimezone(zone),
                    ends_at=closes.astimezone(zone),
                )
            )
    return found


# Opening hours are expanded, not a rule: keep the window short so the feed stays small.
HOURS_WEEKS = 8


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, quality = part.strip().partition(";")
        if coding.strip() == "gzip":
            return quality.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(request: Request, etag: str, feed: BuiltFeed) -> bool:
    if (tags := request.headers.get("if-none-match")) is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in wanted or etag in wanted
    if (since := request.headers.get("if-modified-since")) and feed.last_modified:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _parse_at(at: str | None, zone, now: datetime) -> datetime:
    """`?at=` (a local time if it has no offset) or now, as in every other page and API."""
    try:
        return parse_at(at, zone) or now
    except QueryError as error:
        raise ValidationException(str(error)) from None


class FeedController(Controller):
    path = "/ical"
    include_in_schema = False

    async def _answer(
        self, request: Request, query: FeedQuery, filename: str, at: str | None
    ) -> Response:
        if query.lang not in LANGUAGES:
            raise NotFoundException(f"lang={query.lang}: expected one of {', '.join(LANGUAGES)}")
        state = request.app.state
        if "feeds" not in state:
            state.feeds = FeedCache(state.settings)
        cache: FeedCache = state.feeds
        now = _parse_at(at, state.settings.zone, state.clock())
        key = cache.key(query, now)
        feed = cache.get(key)
        if feed is None:
            # Building takes up to a second or two on a big network: off the event loop.
            feed = await sync_to_thread(_build_fresh, cache.settings, query, now)
            cache.put(key, feed)
        compressed = _accepts_gzip(request)
        body, etag = (feed.gzipped, feed.gzip_etag) if compressed else (feed.body, feed.etag)
        headers = {
            "ETag": etag,
            "Cache-Control": CACHE_CONTROL,
            "Content-Disposition": f'inline; filename="{filename}"',
            "Vary": "Accept-Encoding",
        }
        if compressed:
            headers["Content-Encoding"] = "gzip"
        if feed.last_modified:
            headers["Last-Modified"] = format_datetime(feed.last_modified, usegmt=True)
        if _not_modified(request, etag, feed):
            headers.pop("Content-Encoding", None)
            return Response(None, status_code=304, headers=headers)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
            return Response(b"", media_type=ICS, headers=headers)
        return Response(body, media_type=ICS, headers=headers)

    @staticmethod
    def _query(
        kinds: str | None,
        communes: str | None,
        lieux: str | None,
        include: str | None,
        lang: str | None,
        path_filter: dict[str, str] | None = None,
    ) -> FeedQuery:
        values = {"kinds": _split(kinds), "communes": _split(communes), "lieux": _split(lieux)}
        values.update({name: (value,) for name, value in (path_filter or {}).items()})
        return FeedQuery(**values, include_hours="hours" in _split(include), lang=lang or "fr")

    @route("/network.ics", http_method=["GET", "HEAD"])
    async def network(
        self,
        request: Request,
        kinds: str | None = None,
        communes: str | None = None,
        lieux: str | None = None,
        include: str | None = None,
        lang: str | None = None,
        at: str | None = None,
    ) -> Response:
        query = self._query(kinds, communes, lieux, include, lang)
        return await self._answer(request, query, "network.ics", at)

    @route("/lieux/{filename:str}", http_method=["GET", "HEAD"])
    async def lieu(
        self,
        request: Request,
        filename: str,
        kinds: str | None = None,
        include: str | None = None,
        lang: str | None = None,
        at: str | None = None,
    ) -> Response:
        query = self._query(kinds, None, None, include, lang, {"lieux": _strip_ics(filename)})
        return await self._answer(request, query, filename, at)

    @route("/kinds/{filename:str}", http_method=["GET", "HEAD"])
    async def kind(
        self,
        request: Request,
        filename: str,
        communes: str | None = None,
        lieux: str | None = None,
        include: str | None = None,
        lang: str | None = None,
        at: str | None = None,
    ) -> Response:
        query = self._query(None, communes, lieux, include, lang, {"kinds": _strip_ics(filename)})
        return await self._answer(request, query, filename, at)

    @route("/communes/{filename:str}", http_method=["GET", "HEAD"])
    async def commune(
        self,
        request: Request,
        filename: str,
        kinds: str | None = None,
        lieux: str | None = None,
        include: str | None = None,
        lang: str | None = None,
        at: str | None = None,
    ) -> Response:
        query = self._query(kinds, None, lieux, include, lang, {"communes": _strip_ics(filename)})
        return await self._answer(request, query, filename, at)


# --- subscribe box and public agenda ------------------------------------------------------------


def feed_path(*, lieu: str | None = None, kind: str | None = None, commune: str | None = None):
    """The feed URL path (and query) that matches one agenda selection."""
    named = [(k, v) for k, v in (("lieux", lieu), ("kinds", kind), ("communes", commune)) if v]
    if len(named) == 1:
        name, value = named[0]
        return f"/ical/{name}/{value}.ics"
    return "/ical/network.ics" + (f"?{urlencode(named)}" if named else "")


# Google Calendar's "add by URL" page, given the webcal address: the person follows the link and
# confirms in their Google account (the page itself requests nothing from Google).
GOOGLE_ADD_BY_URL = "https://calendar.google.com/calendar/r?cid="
# The page of each feed, for the QR code: "feed parameter" -> "/agenda parameter".
_AGENDA_FILTERS = {"lieux": "lieu", "kinds": "kind", "communes": "commune"}


def feed_page(path: str) -> str:
    """The page whose subscribe box offers the feed at `path`: a lieu's page for its feed, the
    agenda with the same filters for the others (and the same `lang`)."""
    route, _, query = path.partition("?")
    params = parse_qsl(query)
    parts = route.removesuffix(".ics").split("/")  # "", "ical", name[, value]
    if len(parts) == 4 and parts[2] == "lieux":
        page = f"/lieux/{parts[3]}"
    else:
        if len(parts) == 4:
            params.insert(0, (parts[2], parts[3]))
        page = "/agenda"
    filters = [(_AGENDA_FILTERS.get(k, k), v) for k, v in params if k != "lang"]
    filters += [(k, v) for k, v in params if k == "lang"]
    return page + (f"?{urlencode(filters)}" if filters else "")


def subscribe_context(base_url: str, path: str) -> dict[str, str]:
    """What the subscribe box shows: https and webcal addresses, the Google "add by URL" link,
    and a QR code that opens the same page (and box) on a phone.

    The feed is in the page's language: someone reading in Dutch subscribes to Dutch titles.
    """
    lang = current_lang.get()
    if lang != "fr":
        path += ("&" if "?" in path else "?") + urlencode({"lang": lang})
    return _subscribe(base_url + path, base_url + feed_page(path) + "#subscribe")


@lru_cache(maxsize=1024)
def _subscribe(https: str, page: str) -> dict[str, str]:
    webcal = "webcal://" + https.split("://", 1)[1]
    # The QR code opens the page, not the feed: a phone's camera opening the .ics address would
    # import today's events once (iPhone) or download a file (Android), not subscribe.
    return {
        "https": https,
        "webcal": webcal,
        "google": GOOGLE_ADD_BY_URL + quote(webcal, safe=""),
        "page": page,
        "qr_svg": qr_svg(page),
    }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# A list of the week's days with what happens (phones, screen readers), a 7-column week, or the
# weekend's two days (what people look for on a Friday).
AGENDA_VIEWS = ("list", "week", "weekend")
SATURDAY = 5


def weekend_days(first: date, today: date) -> list[date]:
    """Saturday and Sunday of the week starting on Monday `first`, minus a day already over when
    that weekend is under way (on a Sunday: Sunday only)."""
    saturday = first + timedelta(days=SATURDAY)
    days = [saturday, saturday + timedelta(days=1)]
    return [day for day in days if day >= today] or days


def filters_link(filters: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in filters.items() if v}


class AgendaController(Controller):
    path = "/agenda"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def week(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        lieu: str | None = None,
        kind: str | None = None,
        commune: str | None = None,
        week: str | None = None,
        view: str = "list",
        at: str | None = None,
    ) -> Template:
        zone = settings.zone
        now = _parse_at(at, zone, now)
        today = now.astimezone(zone).date()
        if view not in AGENDA_VIEWS:
            raise ValidationException(f"view={view!r}: expected one of {', '.join(AGENDA_VIEWS)}")
        if week:
            try:
                first = _monday(date.fromisoformat(week))
            except ValueError:
                raise ValidationException(f"week={week!r}: expected a date YYYY-MM-DD") from None
        else:
            first = _monday(today)
        query = FeedQuery(
            lieux=(lieu,) if lieu else (),
            kinds=(kind,) if kind else (),
            communes=(commune,) if commune else (),
        )
        _lieux, found = _select(db, query)
        if view == "weekend":
            days = weekend_days(first, today)
        else:
            days = [first + timedelta(days=n) for n in range(7)]
        start = datetime.combine(days[0], time(), zone)
        end = datetime.combine(days[-1] + timedelta(days=1), time(), zone)
        lang = current_lang.get()
        listing = list_days(
            agenda(found, start, end, zone),
            days,
            now=now,
            zone=zone,
            lang=lang,
            hours=all_hours(db),
        )
        filters = {"lieu": lieu, "kind": kind, "commune": commune}
        link = filters_link(filters) | ({"view": view} if view != "list" else {})
        every = list_lieux(db)
        return Template(
            "calendar/agenda.html",
            context={
                "days": listing,
                "lieux": {lieu.id: lieu for lieu in every},
                "all_lieux": every,
                "communes": sorted({(slugify(x.commune), x.commune) for x in every if x.commune}),
                "kinds": [(slug, labels[LANGUAGES.index(lang)]) for slug, labels in KINDS.items()],
                "filters": filters,
                "first": first,
                "first_label": day_label(days[0], lang, this_year=today.year),
                "view": view,
                "view_urls": {
                    name: "/agenda?"
                    + urlencode(
                        {**filters_link(filters), "week": first}
                        | ({"view": name} if name != "list" else {})
                    )
                    for name in AGENDA_VIEWS
                },
                "prev_url": "/agenda?" + urlencode({**link, "week": first - timedelta(weeks=1)}),
                "next_url": "/agenda?" + urlencode({**link, "week": first + timedelta(weeks=1)}),
                "subscribe": subscribe_context(
                    settings.base_url, feed_path(lieu=lieu, kind=kind, commune=commune)
                ),
                "demo": has_demo_data(db),
            },
        )

    @get("/{activity_id:int}", sync_to_thread=True)
    def activity(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        activity_id: int,
        at: str | None = None,
    ) -> Template:
        found = activities_db.get_activity(db, activity_id)
        if found is None or activities_db.is_deleted(db, activity_id):
            raise NotFoundException(f"Aucune activité {activity_id}")
        now = _parse_at(at, settings.zone, now)
        lieu = next(x for x in list_lieux(db) if x.id == found.lieu_id)
        coming = occurrences(found, now, now + timedelta(weeks=12), settings.zone)
        lang = current_lang.get()
        return Template(
            "calendar/activity.html",
            context={
                "activity": found,
                "lieu": lieu,
                "title": found.title_in(lang),
                "kind": feeds.kind_label(found.kind, lang),
                "occurrences": listed(
                    coming[:ACTIVITY_DATES],
                    now=now,
                    zone=settings.zone,
                    lang=lang,
                    hours={lieu.id: get_hours(db, lieu.id)},
                ),
                "details": feeds.details(found, lang),
                "subscribe": subscribe_context(settings.base_url, feed_path(lieu=lieu.slug)),
                "demo": has_demo_data(db),
            },
        )


# The activity page lists the dates of the coming twelve weeks, at most this many.
ACTIVITY_DATES = 12


# --- co-managers: import a calendar into the lieu's agenda ---------------------------------------


class CalendarImportController(Controller):
    """Link a calendar address (imported now, then by `lieux refresh-ics`) or upload a file.

    One POST takes either; the form is read after the guard, so a stranger is refused before
    anything of the body is looked at.
    """

    path = "/manage/{slug:str}/calendars"
    include_in_schema = False
    dependencies = {
        "identity": Provide(provide_identity, sync_to_thread=True),
        "lieu": Provide(provide_lieu, sync_to_thread=True),
    }

    @staticmethod
    def _page(db: Database, lieu: Lieu, **extra) -> dict:
        return {"lieu": lieu, "sources": list_sources(db, lieu.id), "manager": True, **extra}

    @get("/", sync_to_thread=True)
    def calendars(
        self, db: Database, lieu: Lieu, identity: Identity | None, done: str = ""
    ) -> Template:
        require_manager(identity, lieu)
        return Template("calendar/import.html", context=self._page(db, lieu, done=done))

    @post("/")
    async def import_calendar(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        form = await request.form()
        url = str(form.get("url") or "").strip()
        upload = form.get("file")
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    raise ImportProblem(f"larger than {MAX_BYTES // 1_000_000} MB")
                source_url, label = None, upload.filename
            elif url:
                data = await sync_to_thread(fetch, url)
                source_url, label = url, ""
            else:
                raise ImportProblem(NOTHING_TO_IMPORT)
            events = parse_calendar(data, settings.zone)
        except ImportProblem as problem:
            context = self._page(db, lieu, error=str(problem), url=url)
            return Template("calendar/import.html", context=context, status_code=400)
        result = await sync_to_thread(
            import_events,
            db,
            lieu.id,
            events,
            url=source_url,
            label=label,
            by=by,
            zone=settings.zone,
            now=now,
        )
        return Redirect(
            f"/manage/{lieu.slug}/calendars?" + urlencode({"done": result.summary()}),
            status_code=303,
        )


NOTHING_TO_IMPORT = "Choisissez un fichier .ics ou collez l'adresse d'un agenda."
