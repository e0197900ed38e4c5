"""What the caches of an app share (OpenNowCache, FeedCache, AgendaCache): answers built from the
data at one revision, kept until the revision moves.

Any process may write (another worker, `lieux import-ics`): every write bumps `revision` (SQLite
triggers), and reading it is one tiny query on a connection the cache keeps for that purpose, so
that a hit never opens one. A polled answer reads it at most every REVISION_CHECK_SECONDS; when
it has moved, every entry is dropped and the cache's own data (a snapshot, a list of lieux) is
read again. Entries are kept in the order they came, the oldest dropped past `size`: query
strings are free to invent, memory is not.
"""

import hashlib
import threading
from collections.abc import Hashable
from datetime import datetime
from time import monotonic
from typing import Generic, TypeVar

import msgspec
from sqlite_utils import Database

from lieux import db as database
from lieux.db.lieux import data_revision
from lieux.settings import Settings

# Reading the revision costs more than all the rest of a cached answer: the polled fragments and
# the open-now API read it at most this often, so a change shows there at most this late.
REVISION_CHECK_SECONDS = 0.5

Key = TypeVar("Key", bound=Hashable)
Entry = TypeVar("Entry")


class RevisionCache(Generic[Key, Entry]):
    """Entries of one app (one per process) valid while the data revision stays the same."""

    def __init__(self, settings: Settings, *, size: int):
        self.settings = settings
        self._size = size
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._revision: int | None = None
        self._checked_at = -REVISION_CHECK_SECONDS
        self._entries: dict[Key, Entry] = {}

    def checked_recently(self) -> bool:
        """Whether the revision was read less than REVISION_CHECK_SECONDS ago."""
        return (
            self._revision is not None and monotonic() - self._checked_at < REVISION_CHECK_SECONDS
        )

    def revision(self, *, fresh: bool = True) -> int:
        """The data revision, read now (`fresh`) or at most every REVISION_CHECK_SECONDS."""
        if not fresh and self.checked_recently():
            return self._revision  # type: ignore[return-value]
        with self._lock:
            return self._read_revision()

    def _read_revision(self) -> int:
        """Read the revision (the caller holds the lock); when it moved, start over."""
        if self._db is None:
            self._db = database.connect(self.settings.db)
        revision = data_revision(self._db)
        self._checked_at = monotonic()
        if revision != self._revision:
            self._entries.clear()
            self._changed(self._db)
            self._revision = revision
        return revision

    def _changed(self, db: Database) -> None:
        """The data changed: drop or read again what the cache keeps besides its entries (the
        caller holds the lock; `db` is the cache's own connection)."""

    def get(self, key: Key) -> Entry | None:
        return self._entries.get(key)

    def put(self, key: Key, entry: Entry, revision: int) -> None:
        """Keep `entry`, built from the data at `revision`, unless the data changed since."""
        with self._lock:
            if revision != self._revision:
                return
            self._entries[key] = entry
            if len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]


class CachedFragment(msgspec.Struct, frozen=True):
    """A rendered fragment (open now, agenda), valid until `expires` if nothing changes sooner."""

    body: bytes
    etag: str
    expires: datetime  # UTC

    def max_age(self, now: datetime, cap: int) -> int:
        """How long browsers and proxies may keep it: until it expires, at most `cap` seconds."""
        return max(0, min(cap, int((self.expires - now).total_seconds())))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
