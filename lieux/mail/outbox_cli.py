"""What `lieux outbox` prints and does: the queue as lines, and messages queued again."""

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.db import migrate, open_existing
from lieux.db import outbox as outbox_db
from lieux.mail.models import State
from lieux.settings import Settings

# Subjects and errors are cut to this many characters: one message, one or two lines.
CUT = 60
LIMIT_MAX = 10_000


class OutboxCommandError(ValueError):
    """A mistake of the person typing the command: one line, exit 2."""


def add_parser(commands) -> None:
    """`lieux outbox [list|retry ID|retry --all] [--db PATH]` under the `lieux` command."""
    outbox = commands.add_parser(
        "outbox", help="e-mail queued, sent or undelivered: list (default), retry ID, retry --all"
    )
    outbox.add_argument("--db", help="SQLite file (default: $LIEUX_DB or var/lieux.sqlite3)")
    actions = outbox.add_subparsers(dest="outbox_command", parser_class=type(outbox))
    # A sub-command's own --db must not erase one given before it (argparse would).
    db_here = {"default": argparse.SUPPRESS, "help": "SQLite file"}
    listing = actions.add_parser("list", help="the newest messages first")
    listing.add_argument("--state", choices=State.__args__)
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    listing.add_argument("--db", **db_here)
    retry = actions.add_parser(
        "retry", help="queue a failed or undeliverable message again (or --all of them)"
    )
    retry.add_argument("id", nargs="?", type=int, help="the message's number (see list)")
    retry.add_argument("--all", action="store_true", help="every failed and undeliverable one")
    retry.add_argument("--db", **db_here)


def run(settings: Settings, args: argparse.Namespace, *, now: datetime) -> str:
    """What `lieux outbox ...` does and prints; raise OutboxCommandError."""
    db = open_existing(settings.db)
    try:
        migrate(db)
        if args.outbox_command == "retry":
            message = retry_text(db, args.id, every=args.all, now=now)
            if not settings.mail_enabled:
                message += "\n(no LIEUX_SMTP_URL here: `lieux serve` sends nothing until it is set)"
            return message
        state, limit = getattr(args, "state", None), getattr(args, "limit", 50)
        return list_text(db, state=state, limit=limit, zone=settings.zone)
    finally:
        db.close()


def list_text(db: Database, *, state: str | None, limit: int, zone: ZoneInfo) -> str:
    """The counts per state, then the newest messages: number, state, attempts, when (sent, or
    next attempt), recipient, subject; the last error under those not sent."""
    if not 0 < limit <= LIMIT_MAX:
        raise OutboxCommandError(f"--limit {limit}: expected between 1 and {LIMIT_MAX}")
    rows = outbox_db.list_messages(db, states=(state,) if state else None, limit=limit)
    if not rows:
        return "the outbox is empty" if state is None else f"no {state} message"
    counts = outbox_db.count_by_state(db)
    lines = ["  ".join(f"{name}: {n}" for name, n in sorted(counts.items()))]
    for m in rows:
        when = (m.sent_at or m.next_attempt_at).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        lines.append(
            f"{m.id:>6}  {m.state:<13} {m.attempts:>2}x  {when}  {m.recipient}  {m.subject[:CUT]}"
        )
        if m.last_error and m.state != "sent":
            lines.append(f"{'':>8}{m.last_error[: CUT * 2]}")
    return "\n".join(lines)


def retry_text(db: Database, message_id: int | None, *, every: bool, now: datetime) -> str:
    """Queue message `message_id` again (or, `every`, all failed and undeliverable ones), due
    at once with its attempts counted afresh; what was done, as a line."""
    if every == (message_id is not None):
        raise OutboxCommandError("give either a message number or --all (see `lieux outbox list`)")
    if every:
        count = outbox_db.retry_undelivered(db, now=now)
        return f"{count} failed or undeliverable message(s) queued again"
    message = outbox_db.get_message(db, message_id)
    if message is None:
        raise OutboxCommandError(f"no message {message_id} in the outbox (see `lieux outbox list`)")
    if not outbox_db.retry(db, message.id, now=now):
        if message.state == "sent":
            why = "sending it again would deliver it twice"
        else:
            why = "a sender is on it; if that sender stopped, it is due again by itself"
        raise OutboxCommandError(f"message {message.id} is {message.state}: {why}")
    return f"message {message.id} queued again"
