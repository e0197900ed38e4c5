"""The outbox: e-mail written with the action that causes it, claimed and marked by the sender.

Every change of state is one statement conditioned on the state it leaves (and, for a message
being sent, on the sender that claimed it), so two processes can never both take a message,
and a sender that lost its claim cannot mark what another one now holds.
"""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.mail.models import UNDELIVERED, OutboxMessage, Recipient, Rendered, State, Topic

# Fixed width (always microseconds, always UTC): instants compare correctly as text.
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# What `lieux outbox retry` may put back in the queue: never a sent one (it would go twice),
# nor one being sent (its sender may still be talking to the server).
RETRYABLE: tuple[State, ...] = ("pending", *UNDELIVERED)


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("an outbox instant must be timezone-aware")
    return at.astimezone(UTC).strftime(_FORMAT)


def _message(row: dict) -> OutboxMessage:
    return msgspec.convert(row, OutboxMessage, strict=False)


def add_message(
    db: Database,
    *,
    message_id: str,
    to: Recipient,
    topic: Topic | None,
    template: str,
    rendered: Rendered,
    unsubscribe_token: str | None,
    now: datetime,
) -> int:
    """Queue a rendered message, due at once; its id. Runs in the caller's transaction."""
    cursor = db.execute(
        "INSERT INTO outbox (message_id, recipient, member_id, lang, topic, template, subject, "
        "body_text, body_html, unsubscribe_token, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            message_id,
            to.address,
            to.member_id,
            to.lang,
            topic,
            template,
            rendered.subject,
            rendered.text,
            rendered.html,
            unsubscribe_token,
            _instant(now),
            _instant(now),
        ],
    )
    return cursor.lastrowid


def get_message(db: Database, message_id: int) -> OutboxMessage | None:
    """The outbox row with this id, or None."""
    for row in db.query("SELECT * FROM outbox WHERE id = ?", [message_id]):
        return _message(row)
    return None


def by_unsubscribe_token(db: Database, token: str) -> OutboxMessage | None:
    """The message whose unsubscribe link carries `token`, or None."""
    for row in db.query("SELECT * FROM outbox WHERE unsubscribe_token = ?", [token]):
        return _message(row)
    return None


def list_messages(
    db: Database, *, states: tuple[State, ...] | None = None, limit: int = 100
) -> list[OutboxMessage]:
    """The newest messages first (only those in `states` if given), at most `limit`."""
    where, params = "", []
    if states:
        where = f"WHERE state IN ({', '.join('?' for _ in states)})"
        params = list(states)
    rows = db.query(f"SELECT * FROM outbox {where} ORDER BY id DESC LIMIT ?", [*params, limit])
    return [_message(row) for row in rows]


def count_by_state(db: Database) -> dict[str, int]:
    """How many messages are in each state (states with none are left out)."""
    return dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())


def claim_next(db: Database, *, holder: str, now: datetime) -> OutboxMessage | None:
    """Take the message due first (pending, next attempt not after `now`) for `holder`: it
    becomes 'sending', its attempts counted. None when nothing is due."""
    at = _instant(now)
    with db.atomic():
        rows = db.execute(
            "UPDATE outbox SET state = 'sending', claimed_at = ?, claimed_by = ?, "
            "attempts = attempts + 1 WHERE id = (SELECT id FROM outbox WHERE state = 'pending' "
            "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1) "
            "AND state = 'pending' RETURNING *",
            [at, holder, at],
        )
        columns = [d[0] for d in rows.description]
        found = rows.fetchall()
    return _message(dict(zip(columns, found[0], strict=True))) if found else None


def _finish(db: Database, message_id: int, holder: str, sql: str, params: list) -> bool:
    with db.atomic():
        cursor = db.execute(
            f"UPDATE outbox SET {sql} WHERE id = ? AND state = 'sending' AND claimed_by = ?",
            [*params, message_id, holder],
        )
    return cursor.rowcount == 1


def mark_sent(db: Database, message_id: int, holder: str, *, now: datetime) -> bool:
    """The server accepted it; False if `holder` no longer held it."""
    sql = "state = 'sent', sent_at = ?, last_error = NULL, claimed_at = NULL"
    return _finish(db, message_id, holder, sql, [_instant(now)])


def mark_retry(
    db: Database, message_id: int, holder: str, *, error: str, next_attempt_at: datetime
) -> bool:
    """A temporary failure: pending again from `next_attempt_at`; False if not held."""
    sql = "state = 'pending', next_attempt_at = ?, last_error = ?, claimed_at = NULL"
    return _finish(db, message_id, holder, sql, [_instant(next_attempt_at), error])


def mark_given_up(db: Database, message_id: int, holder: str, *, state: State, error: str) -> bool:
    """'undeliverable' (the server refused it for good) or 'failed' (out of attempts)."""
    if state not in UNDELIVERED:
        raise ValueError(f"not a final failure: {state}")
    sql = "state = ?, last_error = ?, claimed_at = NULL"
    return _finish(db, message_id, holder, sql, [state, error])


def release_interrupted(
    db: Database, *, claimed_before: datetime, now: datetime, max_attempts: int, error: str
) -> int:
    """Messages left 'sending' since before `claimed_before` (their sender stopped mid-way):
    pending again at once, or 'failed' when out of attempts. How many."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE outbox SET state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'pending' END, "
            "next_attempt_at = ?, last_error = ?, claimed_at = NULL "
            "WHERE state = 'sending' AND claimed_at < ?",
            [max_attempts, _instant(now), error, _instant(claimed_before)],
        )
    return cursor.rowcount


def retry(db: Database, message_id: int, *, now: datetime) -> bool:
    """Put a failed, undeliverable or waiting message back in the queue, due now, with its
    attempts counted afresh; False if it is sent or being sent."""
    states = ", ".join(f"'{s}'" for s in RETRYABLE)
    with db.atomic():
        cursor = db.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? "
            f"WHERE id = ? AND state IN ({states})",
            [_instant(now), message_id],
        )
    return cursor.rowcount == 1


def retry_undelivered(db: Database, *, now: datetime) -> int:
    """Every failed and undeliverable message back in the queue, due now; how many."""
    states = ", ".join(f"'{s}'" for s in UNDELIVERED)
    with db.atomic():
        cursor = db.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? "
            f"WHERE state IN ({states})",
            [_instant(now)],
        )
    return cursor.rowcount


# In mail_suppressions, the topic of an address that wants no mail at all.
EVERY_TOPIC = "*"


def is_suppressed(db: Database, address: str, topic: Topic | None) -> bool:
    """Whether `address` (no member's) asked for no more mail of `topic`, or of any."""
    sql = "SELECT 1 FROM mail_suppressions WHERE address = ? AND topic IN (?, ?)"
    return db.execute(sql, [address, topic or EVERY_TOPIC, EVERY_TOPIC]).fetchone() is not None


def suppress(db: Database, address: str, topic: Topic | None, *, now: datetime) -> None:
    """No more mail of `topic` (None: of any) to `address`, a non-member's (its unsubscribe
    link)."""
    topic = topic or EVERY_TOPIC
    db.execute(
        "INSERT INTO mail_suppressions (address, topic, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [address, topic, _instant(now)],
    )
