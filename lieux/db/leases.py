"""Leases: a named piece of work one process at a time may do, held until it expires.

`take_lease` is one atomic statement (an INSERT ... ON CONFLICT DO UPDATE ... WHERE): it takes a
free or expired lease, or renews the caller's own, and does nothing while another holder's lease
runs. SQLite serialises writers, so two processes asking at once cannot both win.
"""

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

# Fixed width (always microseconds, always UTC): instants compare correctly as text.
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("a lease instant must be timezone-aware")
    return at.astimezone(UTC).strftime(_FORMAT)


def take_lease(db: Database, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease `name` for `holder` until `now + ttl`; whether `holder` holds it."""
    with db.conn:
        cursor = db.conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at "
            "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
            [name, holder, _instant(now + ttl), _instant(now)],
        )
    return cursor.rowcount == 1


def release_lease(db: Database, name: str, holder: str) -> bool:
    """Give lease `name` up if `holder` holds it (a clean stop: another process may take it at
    once instead of waiting for the expiry); whether it did."""
    with db.conn:
        cursor = db.conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])
    return cursor.rowcount == 1
