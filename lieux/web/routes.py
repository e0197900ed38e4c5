"""Public pages (home, directory, lieu page) and the health check."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_410_GONE
from sqlite_utils import Database

from lieux.calendar.listing import list_days, listed
from lieux.calendar.models import KINDS
from lieux.calendar.recurrence import agenda
from lieux.calendar.subscribe import subscribe_context
from lieux.db import hours as hours_db
from lieux.db.activities import list_activities
from lieux.db.lieux import get_lieu, has_demo_data, list_communes, list_lieux
from lieux.db.search import lieu_ids_with_activities, search_lieu_ids
from lieux.embed.assets import WIDGET_CSS, versioned
from lieux.hours.engine import weekend
from lieux.i18n import LANG_COOKIE, current_lang
from lieux.i18n import mark as _
from lieux.models import LANGUAGES, commune_name
from lieux.refusal import NO_LIEU, no_language
from lieux.slugs import match_commune
from lieux.web import structured
from lieux.web.errors import Refused
from lieux.web.freshness import hours_freshness
from lieux.web.headline import lieu_headline
from lieux.web.lieu_facts import language_names
from lieux.web.now import moment_label, now_of, weekend_hours
from lieux.web.share import lieu_share
from lieux.widget.cache import open_now_context
from lieux.widget.query import OpenNowQuery

# A year: the choice of language is remembered, not tracked (the cookie holds only fr/nl/en).
LANG_COOKIE_AGE = 365 * 24 * 3600
# The page of a lieu the network archived: old links and printed QR codes still lead here.
ARCHIVED_FOR_VISITORS = _("Ce lieu ne fait plus partie de la liste du réseau.")
UNKNOWN_FILTERS = _("Filtre inconnu : %(names)s.")
# ?open= on the directory: any time, open now, open at some moment of this (or next) weekend.
OPEN_FILTERS = ("", "now", "weekend")
# ?sort= on the directory: by name (or by relevance to the search), or open now, then soon.
SORTS = ("", "open")
# The lieu page lists the coming four weeks (its template says so), at most LIEU_AGENDA_MAX dates
# of them: a lieu with 200 weekly activities made a page of 2.4 MB; /agenda?lieu= has the rest.
LIEU_AGENDA_SPAN = timedelta(weeks=4)
LIEU_AGENDA_MAX = 30
# The home page shows today and the six days after it; the agenda has the rest. At most
# HOME_DAY_MAX dates a day: three lieux at their caps put 90 a day there (a 100 KB page).
HOME_AGENDA_SPAN = timedelta(days=7)
HOME_DAY_MAX = 15


class PagesController(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(
        self,
        db: Database,
        request: Request,
        now: datetime,
        at: datetime,
        asked_at: datetime | None,
    ) -> Template:
        cache = request.app.state.open_now
        zone = cache.settings.zone
        query = OpenNowQuery(at=asked_at, lang=current_lang.get(), show="all")
        today = at.astimezone(zone).date()
        start = datetime.combine(today, time(), zone)
        week = list_days(
            agenda(list_activities(db), start, start + HOME_AGENDA_SPAN, zone),
            [today + timedelta(days=n) for n in range(HOME_AGENDA_SPAN.days)],
            now=at,
            zone=zone,
            lang=query.lang,
            hours=hours_db.all_hours(db),
        )
        week = [
            msgspec.structs.replace(
                day, items=day.items[:HOME_DAY_MAX], more=len(day.items) - HOME_DAY_MAX
            )
            if len(day.items) > HOME_DAY_MAX
            else day
            for day in week
        ]
        lieux = list_lieux(db)
        # The page places the helplines itself (first when nothing is open), not the fragment.
        widget = open_now_context(cache, query, now)["widget"]
        return Template(
            "web/home.html",
            context={
                "lieux": {lieu.id: lieu for lieu in lieux},
                "week": week,
                "now": now_of(cache, lieux, at, query.lang, now),
                "widget_css": versioned(WIDGET_CSS),
                "demo": has_demo_data(db),
                "widget": msgspec.structs.replace(widget, helplines=[], unknown_helplines=[]),
            },
        )

    @get("/lieux", sync_to_thread=True)
    def directory(
        self,
        db: Database,
        request: Request,
        now: datetime,
        at: datetime,
        asked_at: datetime | None,
        q: str = "",
        commune: list[str] | None = None,
        kind: list[str] | None = None,
        free: bool = False,
        open: str = "",
        sort: str = "",
    ) -> Template:
        """The directory; filters combine: (commune OR commune) AND (kind OR kind) AND free AND
        open now / this weekend AND the search words. `sort=open`: open now first, then the
        soonest to open."""
        communes = list_communes(db)
        typed = [c for c in commune or [] if c]
        matched = {c: match_commune(c, communes) for c in typed}
        chosen_communes = list(dict.fromkeys(m for m in matched.values() if m is not None))
        chosen_kinds = [k for k in kind or [] if k]
        unknown = [c for c, m in matched.items() if m is None] + [
            k for k in chosen_kinds if k not in KINDS
        ]
        if open not in OPEN_FILTERS:
            unknown.append(open)
        if sort not in SORTS:
            unknown.append(sort)
        if unknown:
            raise Refused(UNKNOWN_FILTERS, names=", ".join(unknown))
        lieux = list_lieux(db)
        if chosen_communes:
            lieux = [lieu for lieu in lieux if lieu.commune in chosen_communes]
        if chosen_kinds or free:
            wanted = lieu_ids_with_activities(db, kinds=chosen_kinds or None, free=free)
            lieux = [lieu for lieu in lieux if lieu.id in wanted]
        if q.strip():
            rank = {lieu_id: i for i, lieu_id in enumerate(search_lieu_ids(db, q))}
            lieux = sorted(
                (lieu for lieu in lieux if lieu.id in rank), key=lambda lieu: rank[lieu.id]
            )
        cache = request.app.state.open_now
        lang = current_lang.get()
        zone = cache.settings.zone
        # `?at=` as typed: the directory's links keep it (its checked instant is `at`).
        at_text = request.query_params.get("at", "")
        chosen = [("q", q)] if q else []
        chosen += [("commune", c) for c in chosen_communes] + [("kind", k) for k in chosen_kinds]
        chosen += [(name, value) for name, value in (("open", open), ("sort", sort)) if value]
        chosen += [("free", "true")] if free else []
        # What "now" is for the lieux the other filters leave: "nothing open" is said only of
        # lieux whose hours are known, and "try fewer filters" only when those filters emptied it.
        situation = now_of(cache, lieux, at, lang, now)
        if sort == "open":
            lieux = situation.open_first(lieux)
        weekend_hours_of: dict[int, list[str]] = {}
        shown = lieux
        if open == "now":
            shown = situation.of_state(lieux, "open")
        elif open == "weekend":
            window = weekend(at, cache.settings.zone)
            for lieu in lieux:
                words = weekend_hours(cache, lieu, window, lang, now)
                if words:
                    weekend_hours_of[lieu.id] = words
            shown = [lieu for lieu in lieux if lieu.id in weekend_hours_of]
        return Template(
            "web/lieux.html",
            context={
                "lieux": shown,
                "candidates": lieux,
                "now": situation,
                "weekend_hours": weekend_hours_of,
                "communes": sorted(communes, key=lambda c: commune_name(c, lang).casefold()),
                "kinds": KINDS,
                "headlines": {lieu.id: lieu_headline(cache, lieu, at, lang, now) for lieu in lieux},
                "at": at_text,
                # Asked about another instant: the page says which, and its links keep it.
                "as_of": moment_label(at, zone, lang, this_year=now.astimezone(zone).year)
                if asked_at
                else "",
                "at_query": "?" + urlencode({"at": at_text}) if at_text else "",
                "now_url": "/lieux" + ("?" + urlencode(chosen) if chosen else ""),
                "filters": {
                    "q": q,
                    "commune": chosen_communes,
                    "kind": chosen_kinds,
                    "free": free,
                    "open": open,
                    "sort": sort,
                },
                "filtered": bool(q.strip() or chosen_communes or chosen_kinds or free),
                "demo": has_demo_data(db),
            },
        )

    @get("/lieux/{slug:str}", sync_to_thread=True)
    def lieu(
        self,
        db: Database,
        request: Request,
        now: datetime,
        at: datetime,
        asked_at: datetime | None,
        slug: str,
    ) -> Template:
        lieu = get_lieu(db, slug)
        if lieu is None:
            if get_lieu(db, slug, archived=True) is not None:
                raise Refused(ARCHIVED_FOR_VISITORS, status_code=HTTP_410_GONE)
            raise Refused(NO_LIEU, status_code=HTTP_404_NOT_FOUND, name=slug)
        cache = request.app.state.open_now
        hours = hours_db.get_hours(db, lieu.id)
        activities = list_activities(db, lieu_ids=[lieu.id])
        zone = cache.settings.zone
        coming = agenda(activities, at, at + LIEU_AGENDA_SPAN, cache.settings.zone)
        more = len(coming) > LIEU_AGENDA_MAX
        coming = coming[:LIEU_AGENDA_MAX]
        demo_ids = {activity.id for activity in activities if activity.demo}
        headline = lieu_headline(cache, lieu, at, current_lang.get(), now)
        snapshot = cache.snapshot(now)
        return Template(
            "web/lieu.html",
            context={
                "lieu": lieu,
                "hours": hours,
                "headline": headline,
                # Asked about another instant (a directory's link keeps it): the page says which.
                "as_of": moment_label(
                    at, zone, current_lang.get(), this_year=now.astimezone(zone).year
                )
                if asked_at
                else "",
                "share": lieu_share(
                    lieu,
                    hours,
                    today=at.astimezone(zone).date(),
                    holidays=snapshot.holidays[current_lang.get()],
                    closed_now_by_lieu=headline.source == "live" and headline.state == "closed",
                    base_url=cache.settings.base_url,
                    lang=current_lang.get(),
                ),
                "coming_items": listed(
                    coming,
                    now=at,
                    zone=cache.settings.zone,
                    lang=current_lang.get(),
                    hours={lieu.id: hours},
                ),
                "coming_more": LIEU_AGENDA_MAX if more else 0,
                "subscribe": subscribe_context(cache.settings.base_url, f"/ical/lieux/{slug}.ics"),
                "structured_data": structured.script_json(
                    lieu_structured_data(lieu, hours, coming, demo_ids, cache.settings.base_url)
                ),
                "demo": has_demo_data(db),
                "languages_spoken": language_names(lieu.languages, current_lang.get()),
                "freshness": hours_freshness(
                    lieu.hours_verified_at,
                    at,
                    zone=cache.settings.zone,
                    stale_days=cache.settings.hours_stale_days,
                    lang=current_lang.get(),
                ),
            },
        )


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> str:
    return "ok"


@get("/langue/{lang:str}", include_in_schema=False, sync_to_thread=False)
def switch_language(lang: str, next: str = "/") -> Redirect:
    """Remember the chosen language in a cookie and go back; works without JavaScript."""
    if lang not in LANGUAGES:
        raise Refused(no_language(lang), status_code=HTTP_404_NOT_FOUND)
    # Only paths of this site: "//host" or "https://..." would make this an open redirect.
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    return Redirect(
        target,
        cookies=[Cookie(key=LANG_COOKIE, value=lang, max_age=LANG_COOKIE_AGE, samesite="lax")],
    )


def lieu_structured_data(lieu, hours, coming, demo_ids: set[int], base_url: str) -> list[dict]:
    """schema.org Place and its coming events; fictional demo items are never published."""
    events = [
        structured.event(o, lieu, base_url=base_url)
        for o in coming
        if o.activity_id not in demo_ids
    ]
    return [structured.place(lieu, hours, base_url=base_url), *events]
