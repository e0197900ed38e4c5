"""The built feeds of one app (made by create_app, like the widget's OpenNowCache): a feed is
built once per (query, local day) and data revision by lieux.calendar.feed_builder."""

from datetime import date, datetime

from lieux.calendar.feed_builder import BuiltFeed, FeedQuery
from lieux.ops import counters
from lieux.revision_cache import RevisionCache
from lieux.settings import Settings

# Feeds kept per (filters, language, day): a few hundred variants at most.
FEED_CACHE_SIZE = 256

FeedKey = tuple[FeedQuery, date]


class FeedCache(RevisionCache[FeedKey, BuiltFeed]):
    """Built feeds, valid while the data revision and the local day stay the same.

    The revision is read at every request (a calendar app polls a feed hourly, not every
    second): a feed changes as soon as its data does, and a 304 never opens a connection.
    """

    def __init__(self, settings: Settings):
        super().__init__(settings, size=FEED_CACHE_SIZE)

    def key(self, query: FeedQuery, now: datetime) -> FeedKey:
        return (query, now.astimezone(self.settings.zone).date())

    def get(self, key: FeedKey) -> BuiltFeed | None:
        found = super().get(key)
        (counters.feed_miss if found is None else counters.feed_hit)()
        return found
