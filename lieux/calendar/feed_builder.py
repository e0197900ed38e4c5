"""A feed's builder: what a feed URL selects (FeedQuery, `select`) and the feed built from it
(BuiltFeed, `build`), iCalendar written by lieux.calendar.feeds. No HTTP here: a name that
matches nothing is an UnknownFilter, which the routes answer with a 404. The built feeds of one
app are kept by lieux.calendar.feed_cache."""

import gzip
import hashlib
from datetime import UTC, datetime, time, timedelta

import msgspec
from sqlite_utils import Database

from lieux.calendar import feed_window, feeds
from lieux.calendar.models import KINDS, Activity
from lieux.db import activities as activities_db
from lieux.db import connect
from lieux.db.hours import all_hours
from lieux.db.lieux import list_lieux
from lieux.hours.engine import open_intervals
from lieux.hours.holidays import public_holidays
from lieux.hours.models import OpeningHours
from lieux.models import Lieu
from lieux.refusal import NO_COMMUNE, NO_KIND, NO_LIEU, Refusal
from lieux.settings import Settings
from lieux.slugs import match_commune

# Opening hours are expanded, not a rule: keep the window short so the feed stays small.
HOURS_WEEKS = 8


class BuiltFeed(msgspec.Struct, frozen=True):
    # A big network feed is mostly repeated text: gzip divides it by forty or so, which matters
    # to phones polling it every hour. Compressed once here, not per request; and kept only
    # compressed: the cache's 256 feeds (FEED_CACHE_SIZE) of up to 2 MB each at the caps would
    # hold hundreds of MB (issue 20: the server under 150). A client that does not take gzip
    # gets it inflated (~3 ms for 2 MB).
    gzipped: bytes
    etag: str
    last_modified: datetime | None

    @property
    def body(self) -> bytes:
        return gzip.decompress(self.gzipped)

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


def split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({part.strip() for part in (value or "").split(",") if part.strip()}))


class UnknownFilter(Refusal, LookupError):
    """A feed or agenda filter names no lieu, commune or kind we know (the routes: a 404)."""


def select(
    db: Database, query: FeedQuery, *, since: datetime | None = None
) -> tuple[list[Lieu], list[Activity]]:
    """The lieux and activities a feed query names (without most of what ended before `since`,
    a local wall time, if given); UnknownFilter for a name we do not know."""
    every = list_lieux(db)
    lieux = every
    if query.lieux:
        by_slug = {lieu.slug: lieu for lieu in every}
        unknown = [slug for slug in query.lieux if slug not in by_slug]
        if unknown:
            raise UnknownFilter(NO_LIEU, name=unknown[0])
        lieux = [by_slug[slug] for slug in query.lieux]
    if query.communes:
        known = {lieu.commune for lieu in every if lieu.commune}
        wanted = set()
        for name in query.communes:
            if (commune := match_commune(name, known)) is None:
                raise UnknownFilter(NO_COMMUNE, name=name)
            wanted.add(commune)
        lieux = [lieu for lieu in lieux if lieu.commune in wanted]
    if unknown := [kind for kind in query.kinds if kind not in KINDS]:
        raise UnknownFilter(NO_KIND, name=unknown[0])
    found = activities_db.list_activities(
        db, lieu_ids=[lieu.id for lieu in lieux], kinds=query.kinds or None, since=since
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
    # What ended before the feed's window is not loaded (feeds.build_feed would drop it).
    start = feed_window.cutoff(now, settings.feed_past_days, settings.zone)
    lieux, found = select(db, query, since=start.replace(tzinfo=None))
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
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=modified.astimezone(UTC).replace(microsecond=0) if modified else None,
    )


def build_fresh(settings: Settings, query: FeedQuery, now: datetime) -> BuiltFeed:
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
                    demo=every[lieu.id].demo,
                )
            )
    return found
