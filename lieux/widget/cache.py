""" "Open now" for many requests: data held in memory, fragments cached until something changes.

The widget is polled by every visitor of every site that embeds it, so a request must not read
the database beyond one tiny query: `data_revision`, a counter that triggers bump on every write
(from any process). When it moves, the snapshot of lieux, hours and special openings is reloaded.
Rendered fragments are kept per (filters, language) until the earliest next state change of the
lieux they list, the next local midnight ("demain" becomes "aujourd'hui") or a data change.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request

from lieux.hours.models import LieuOpenState, LieuWithHours
from lieux.hours.osm import to_osm
from lieux.ops import counters
from lieux.revision_cache import CachedFragment, RevisionCache, etag_of
from lieux.settings import Settings
from lieux.widget.query import OpenNowQuery, parse_query
from lieux.widget.snapshot import SNAPSHOT_LIFETIME, Snapshot, load_snapshot
from lieux.widget.view import OpenNowView, build_view, lieu_states

# Browsers and proxies may keep a fragment this long at most, even if nothing changes sooner:
# a data change (new closure, cancelled opening) then shows within a minute.
MAX_AGE_CAP = 60
# Distinct filter combinations kept (query strings are free to invent).
MAX_CACHED_FRAGMENTS = 512
# A `?at=` question this far before the snapshot's time is answered from a new one.
SNAPSHOT_BEHIND = timedelta(days=2)


class OpenNowCache(RevisionCache[bytes, CachedFragment]):
    """The snapshot and the rendered fragments of one app (one per process)."""

    def __init__(self, settings: Settings):
        super().__init__(settings, size=MAX_CACHED_FRAGMENTS)
        self._snapshot: Snapshot | None = None
        self._osm: dict[tuple[int, date], list[LieuWithHours]] = {}

    def _changed(self, db) -> None:
        self._snapshot = None
        self._osm.clear()

    def snapshot(self, now: datetime, *, fresh: bool = True) -> Snapshot:
        """The data at the current revision (one small query when nothing changed).

        `fresh=False` (the polled fragment and API) reads the revision at most every
        REVISION_CHECK_SECONDS; pages a member sees right after an edit keep the default.
        """
        current = self._snapshot
        if not fresh and current is not None and self.checked_recently() and _covers(current, now):
            return current
        with self._lock:
            self._read_revision()
            current = self._snapshot
            if current is None or not _covers(current, now):
                current = self._snapshot = load_snapshot(self._db, self.settings, now)
                counters.snapshot_reload()
                self._entries.clear()
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
        cached = self._entries.get(key)
        if cached is not None and now < cached.expires:
            counters.widget_hit()
            return cached
        counters.widget_miss()
        query = parse(snapshot)
        view = build_view(snapshot, query, now, self.settings)
        body = render(view).encode()
        # A question about a fixed instant only changes with the data: not kept.
        if query.at is not None:
            return CachedFragment(body, etag_of(body), now + timedelta(seconds=MAX_AGE_CAP))
        fresh = CachedFragment(body, etag_of(body), view.expires)
        self.put(key, fresh, snapshot.revision)
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
                        agenda_openings=snapshot.agenda_openings.get(lieu.id, ()),
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
                source=answer.source,
                hours_stale=answer.hours_stale,
            )
            for lieu, answer in lieu_states(snapshot, query, at, zone)
        ]


def _covers(snapshot: Snapshot, now: datetime) -> bool:
    """Whether `snapshot` (its agenda openings, its day) still serves a question about `now`."""
    return snapshot.loaded_at - SNAPSHOT_BEHIND <= now <= snapshot.loaded_at + SNAPSHOT_LIFETIME


def open_now_context(
    cache: OpenNowCache, query: OpenNowQuery, now: datetime
) -> dict[str, OpenNowView]:
    """The template context of `widget/_open_now.html` (for pages that include the fragment)."""
    return {"widget": build_view(cache.snapshot(now), query, now, cache.settings)}


# The query parameters every open-now answer reads (commune and kind may repeat).
QUERY_NAMES = ("at", "lang", "limit", "show", "layout", "theme", "uid")


def cache_of(request: Request) -> OpenNowCache:
    return request.app.state.open_now


def query_from(request: Request, snapshot: Snapshot, zone: ZoneInfo) -> OpenNowQuery:
    """The checked parameters of this request (QueryError if one is wrong)."""
    params = request.query_params
    return parse_query(
        snapshot,
        zone,
        commune=params.getall("commune", []),
        kind=params.getall("kind", []),
        **{name: params.get(name) for name in QUERY_NAMES},
    )
