"""The public JSON API: the lieux with their hours, and every lieu's state right now.

`/api/open-now` answers from the widget's in-memory cache (lieux.widget.cache) without a
per-request connection, on the event loop, like the fragment it mirrors.
"""

from datetime import datetime

from litestar import Controller, Request, get

from lieux.widget.cache import cache_of, query_from
from lieux.widget.models import LieuOpenState, LieuWithHours


class ApiController(Controller):
    path = "/api"

    @get("/lieux", sync_to_thread=True)
    def lieux(self, request: Request, now: datetime) -> list[LieuWithHours]:
        """Every lieu with its public facts and its hours as an OpenStreetMap opening_hours
        string for the coming year (null when nobody has entered them)."""
        return cache_of(request).lieux_with_hours(now)

    @get("/open-now", sync_to_thread=False)
    def open_now(self, request: Request) -> list[LieuOpenState]:
        """Every lieu's state (open, closed, unknown), `until`, `next_open` and note.

        Parameters: `at` (ISO-8601, default now), `commune` and `kind` (repeated or
        comma-separated).
        """
        cache = cache_of(request)
        now = request.app.state.clock()
        query = query_from(request, cache.snapshot(now, fresh=False), cache.settings.zone)
        return cache.api_states(query, now)
