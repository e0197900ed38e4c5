"""iCal feeds (/ical/...) and the public agenda (/agenda, /agenda/{id})."""

from datetime import date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, route
from litestar.concurrency import sync_to_thread
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Template
from sqlite_utils import Database

from lieux.calendar import feeds
from lieux.calendar.feed_cache import BuiltFeed, FeedCache, FeedQuery, build_fresh, select, split
from lieux.calendar.listing import day_label, list_days, listed
from lieux.calendar.models import KINDS, kind_label
from lieux.calendar.recurrence import agenda, occurrences
from lieux.calendar.subscribe import feed_path, subscribe_context
from lieux.conditional import etag_matches, if_none_match
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours, get_hours
from lieux.db.lieux import has_demo_data, list_lieux
from lieux.i18n import current_lang
from lieux.models import LANGUAGES
from lieux.settings import Settings
from lieux.slugs import slugify
from lieux.widget.query import parse_at

ICS = "text/calendar"  # Litestar adds "; charset=utf-8" to text/ types
# Clients poll every REFRESH; a proxy or browser may reuse an answer for five minutes.
CACHE_CONTROL = "public, max-age=300"


def _strip_ics(filename: str) -> str:
    if not filename.endswith(".ics") or len(filename) <= len(".ics"):
        raise NotFoundException(f"{filename}: feeds end in .ics")
    return filename.removesuffix(".ics")


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, quality = part.strip().partition(";")
        if coding.strip() == "gzip":
            return quality.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(request: Request, etag: str, feed: BuiltFeed) -> bool:
    if (tags := if_none_match(request.scope["headers"])) is not None:
        return etag_matches(tags, etag, weak=True)
    if (since := request.headers.get("if-modified-since")) and feed.last_modified:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class FeedController(Controller):
    path = "/ical"
    include_in_schema = False

    async def _answer(
        self, request: Request, query: FeedQuery, filename: str, at: str | None
    ) -> Response:
        if query.lang not in LANGUAGES:
            raise NotFoundException(f"lang={query.lang}: expected one of {', '.join(LANGUAGES)}")
        state = request.app.state
        cache: FeedCache = state.feeds
        now = parse_at(at, state.settings.zone) or state.clock()
        key = cache.key(query, now)
        feed = cache.get(key)
        if feed is None:
            # Building takes up to a second or two on a big network: off the event loop.
            feed = await sync_to_thread(build_fresh, cache.settings, query, now)
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
        values = {"kinds": split(kinds), "communes": split(communes), "lieux": split(lieux)}
        values.update({name: (value,) for name, value in (path_filter or {}).items()})
        return FeedQuery(**values, include_hours="hours" in split(include), lang=lang or "fr")

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


# --- public agenda ------------------------------------------------------------------------------


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
        now = parse_at(at, zone) or now
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
        _lieux, found = select(db, query)
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
                "kinds": [(slug, kind_label(slug, lang)) for slug in KINDS],
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
        now = parse_at(at, settings.zone) or now
        lieu = next((x for x in list_lieux(db) if x.id == found.lieu_id), None)
        if lieu is None:  # its lieu is archived
            raise NotFoundException(f"Aucune activité {activity_id}")
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
