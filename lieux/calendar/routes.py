"""iCal feeds (/ical/...) and the public agenda (/agenda, /agenda/{id})."""

from datetime import date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, route
from litestar.concurrency import sync_to_thread
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Template
from litestar.status_codes import HTTP_404_NOT_FOUND
from sqlite_utils import Database

from lieux.calendar import feeds
from lieux.calendar.feed_builder import (
    BuiltFeed,
    FeedQuery,
    UnknownFilter,
    build_fresh,
    select,
    split,
)
from lieux.calendar.feed_cache import FeedCache
from lieux.calendar.listing import day_label, list_days, listed
from lieux.calendar.models import KINDS, kind_label
from lieux.calendar.recurrence import agenda, occurrences
from lieux.calendar.subscribe import feed_path, subscribe_context
from lieux.conditional import etag_matches, if_none_match
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours, get_hours
from lieux.db.lieux import has_demo_data, list_lieux
from lieux.i18n import current_lang
from lieux.i18n import mark as _
from lieux.models import LANGUAGES
from lieux.refusal import BAD_WEEK, no_language
from lieux.settings import Settings
from lieux.slugs import slugify
from lieux.web.errors import Refused

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


def feed_query(
    kinds: str | None = None,
    communes: str | None = None,
    lieux: str | None = None,
    include: str | None = None,
    lang: str | None = None,
) -> FeedQuery:
    """A feed's filters from its query string (each comma-separated; `include=hours`). The feed
    of one lieu, kind or commune names it in its path (/ical/lieux/babel-zin.ics), which wins
    over the same filter in the query."""
    lang = lang or "fr"
    if lang not in LANGUAGES:
        # a 400, not a 404: a calendar app or a monitor reads 404 as "this feed is gone"
        raise Refused(no_language(lang))
    return FeedQuery(
        kinds=split(kinds),
        communes=split(communes),
        lieux=split(lieux),
        include_hours="hours" in split(include),
        lang=lang,
    )


class FeedController(Controller):
    path = "/ical"
    include_in_schema = False
    dependencies = {"feed": Provide(feed_query, sync_to_thread=False)}

    async def _answer(
        self, request: Request, query: FeedQuery, filename: str, at: datetime
    ) -> Response:
        cache: FeedCache = request.app.state.feeds
        revision = cache.revision()
        key = cache.key(query, at)
        feed = cache.get(key)
        if feed is None:
            # Building takes up to a second or two on a big network: off the event loop.
            try:
                feed = await sync_to_thread(build_fresh, cache.settings, query, at)
            except UnknownFilter as unknown:
                raise Refused(unknown, status_code=HTTP_404_NOT_FOUND) from None
            cache.put(key, feed, revision)
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

    @route("/network.ics", http_method=["GET", "HEAD"])
    async def network(self, request: Request, feed: FeedQuery, at: datetime) -> Response:
        return await self._answer(request, feed, "network.ics", at)

    async def _one(
        self, request: Request, feed: FeedQuery, at: datetime, name: str, filename: str
    ) -> Response:
        feed = msgspec.structs.replace(feed, **{name: (_strip_ics(filename),)})
        return await self._answer(request, feed, filename, at)

    @route("/lieux/{filename:str}", http_method=["GET", "HEAD"])
    async def lieu(
        self, request: Request, feed: FeedQuery, at: datetime, filename: str
    ) -> Response:
        return await self._one(request, feed, at, "lieux", filename)

    @route("/kinds/{filename:str}", http_method=["GET", "HEAD"])
    async def kind(
        self, request: Request, feed: FeedQuery, at: datetime, filename: str
    ) -> Response:
        return await self._one(request, feed, at, "kinds", filename)

    @route("/communes/{filename:str}", http_method=["GET", "HEAD"])
    async def commune(
        self, request: Request, feed: FeedQuery, at: datetime, filename: str
    ) -> Response:
        return await self._one(request, feed, at, "communes", filename)


# --- public agenda ------------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# The agenda without `week=`: today and the next seven days (on a Sunday, the whole coming week).
FROM_TODAY_DAYS = 8
# A list of the week's days with what happens (phones, screen readers), a 7-column week, or the
# weekend's two days (what people look for on a Friday).
AGENDA_VIEWS = ("list", "week", "weekend")
NO_VIEW = _("Cette vue de l'agenda n'existe pas : choisissez la liste, la semaine ou le week-end.")
NO_ACTIVITY = _("L'activité n° %(number)s n'existe pas ou n'est plus annoncée.")
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
        at: datetime,
        lieu: str | None = None,
        kind: str | None = None,
        commune: str | None = None,
        week: str | None = None,
        view: str = "list",
    ) -> Template:
        zone = settings.zone
        today = at.astimezone(zone).date()
        if view not in AGENDA_VIEWS:
            raise Refused(NO_VIEW)
        if week:
            try:
                first = _monday(date.fromisoformat(week))
            except ValueError:
                raise Refused(BAD_WEEK) from None
        else:
            first = _monday(today)
        # Without a week asked for: from today, not from Monday (on a Sunday, Monday's week
        # would be six days over and nothing of the coming one).
        from_today = not week and view != "weekend"
        query = FeedQuery(
            lieux=(lieu,) if lieu else (),
            kinds=(kind,) if kind else (),
            communes=(commune,) if commune else (),
        )
        try:
            _lieux, found = select(db, query)
        except UnknownFilter as unknown:
            raise Refused(unknown, status_code=HTTP_404_NOT_FOUND) from None
        if view == "weekend":
            days = weekend_days(first, today)
        elif from_today:
            days = [today + timedelta(days=n) for n in range(FROM_TODAY_DAYS)]
        else:
            days = [first + timedelta(days=n) for n in range(7)]
        start = datetime.combine(days[0], time(), zone)
        end = datetime.combine(days[-1] + timedelta(days=1), time(), zone)
        lang = current_lang.get()
        listing = list_days(
            agenda(found, start, end, zone),
            days,
            now=at,
            zone=zone,
            lang=lang,
            hours=all_hours(db),
        )
        filters = {"lieu": lieu, "kind": kind, "commune": commune}
        link = filters_link(filters) | ({"view": view} if view != "list" else {})
        kept = {"week": first} if week else {}  # the view links keep "from today" as it is
        if from_today:
            # The week that holds today, and the week after the day after the window: each
            # day is one tap away, none is skipped.
            prev_week, next_week = first, _monday(days[-1] + timedelta(days=1))
        else:
            prev_week, next_week = first - timedelta(weeks=1), first + timedelta(weeks=1)
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
                "week": first.isoformat() if week else "",
                "first_label": day_label(days[0], lang, this_year=today.year),
                "last_label": day_label(days[-1], lang, this_year=today.year),
                "from_today": from_today,
                "view": view,
                "view_urls": {
                    name: "/agenda?"
                    + urlencode(
                        {**filters_link(filters), **kept}
                        | ({"view": name} if name != "list" else {})
                    )
                    for name in AGENDA_VIEWS
                },
                "prev_url": "/agenda?" + urlencode({**link, "week": prev_week}),
                "next_url": "/agenda?" + urlencode({**link, "week": next_week}),
                # "30 novembre": the link's words say the week, its weekday is always Monday.
                "prev_label": day_label(prev_week, lang, this_year=today.year).split(" ", 1)[1],
                "next_label": day_label(next_week, lang, this_year=today.year).split(" ", 1)[1],
                "subscribe": subscribe_context(
                    settings.base_url, feed_path(lieu=lieu, kind=kind, commune=commune)
                ),
                "demo": has_demo_data(db),
            },
        )

    @get("/{activity_id:int}", sync_to_thread=True)
    def activity(
        self, db: Database, settings: Settings, at: datetime, activity_id: int
    ) -> Template:
        found = activities_db.get_activity(db, activity_id)
        if found is None or activities_db.is_deleted(db, activity_id):
            raise Refused(NO_ACTIVITY, status_code=HTTP_404_NOT_FOUND, number=activity_id)
        lieu = next((x for x in list_lieux(db) if x.id == found.lieu_id), None)
        if lieu is None:  # its lieu is archived
            raise Refused(NO_ACTIVITY, status_code=HTTP_404_NOT_FOUND, number=activity_id)
        coming = occurrences(found, at, at + timedelta(weeks=12), settings.zone)
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
                    now=at,
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
