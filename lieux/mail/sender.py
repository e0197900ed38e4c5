"""The sender inside `lieux serve`: claims due messages from the outbox and sends them.

One sender across workers: each round, every worker asks for the `mail-sender` lease
(lieux/db/leases.py) and only its holder sends; it renews the lease before each message.

Each message goes: pending --claim--> sending --server's answer--> sent | pending (4xx, later) |
undeliverable (5xx) | failed (out of attempts). The claim is committed before the first byte
goes to the server, and the answer is committed as soon as it comes. A process that dies in
between leaves the message 'sending'; after SENDING_STALE (far longer than a sender may spend
on one message) it is pending again and goes out with the same Message-ID. docs/mail.md says
exactly what this guarantees.
"""

import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import msgspec

from lieux import background
from lieux.clock import Clock
from lieux.db import connect
from lieux.db import outbox as outbox_db
from lieux.db.leases import take_lease
from lieux.mail.smtp import PermanentFailure, TemporaryFailure, build, deliver
from lieux.settings import Settings

log = logging.getLogger("lieux")

LEASE = "mail-sender"
# How often a worker looks for due messages: mail caused by a click leaves within seconds.
POLL_EVERY_S = 5
# The whole exchange with the server for one message, connection to the answer to DATA.
MESSAGE_DEADLINE_S = 60
# Renewed before each message: outlives the longest message, so the holder never loses it
# while working; a dead holder's lease is free again within two minutes.
LEASE_TTL = timedelta(seconds=2 * MESSAGE_DEADLINE_S)
# A message 'sending' for longer than this was left by a sender that stopped mid-way (killed,
# machine restarted): no live sender spends more than MESSAGE_DEADLINE_S on one.
SENDING_STALE = timedelta(minutes=10)
# Temporary failures wait 1, 2, 4 ... minutes, at most 6 hours, and stop after MAX_ATTEMPTS
# (about two days in all, like a mail server's own queue): then the message is 'failed'.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 16
# A round sends at most this many, then lets the lease be renewed and the loop breathe.
MAX_PER_ROUND = 50
# How long a stopping server waits for the message it is sending (then it is in doubt).
SHUTDOWN_WAIT_S = 5
# A sent message's record is tried this many times, this far apart, before giving up.
RECORD_TRIES = 3
RECORD_PAUSE_S = 1
INTERRUPTED = "interrupted while sending (the sender stopped): sent again, same Message-ID"


class RoundReport(msgspec.Struct, kw_only=True):
    sent: int = 0
    retried: int = 0
    given_up: int = 0
    released: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th attempt failed for a temporary reason."""
    return min(BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_MAX)


def send_due(
    path: str,
    settings: Settings,
    *,
    clock: Clock,
    holder: str,
    stop: threading.Event | None = None,
) -> RoundReport | None:
    """One round, if `holder` takes the lease (None when another sender holds it): put back
    messages left 'sending' by a stopped sender, then send what is due, one at a time."""
    if settings.smtp_url is None:
        return None
    db = connect(path)
    try:
        now = clock()
        if not take_lease(db, LEASE, holder, now=now, ttl=LEASE_TTL):
            return None
        report = RoundReport()
        report.released = outbox_db.release_interrupted(
            db,
            claimed_before=now - SENDING_STALE,
            now=now,
            max_attempts=MAX_ATTEMPTS,
            error=INTERRUPTED,
        )
        if report.released:
            log.warning("mail: %s message(s) interrupted mid-send are due again", report.released)
        for _ in range(MAX_PER_ROUND):
            if stop is not None and stop.is_set():
                break
            if not take_lease(db, LEASE, holder, now=clock(), ttl=LEASE_TTL):
                break
            message = outbox_db.claim_next(db, holder=holder, now=clock())
            if message is None:
                break
            _send_one(db, settings, message, holder, clock, report)
        return report
    finally:
        db.close()


def _send_one(db, settings: Settings, message, holder: str, clock: Clock, report) -> None:
    # Logs name the message by id and the server's code, never the address (personal data).
    try:
        deliver(
            settings.smtp_url,
            build(message, settings.mail_from, settings.base_url),
            deadline_s=MESSAGE_DEADLINE_S,
        )
    except PermanentFailure as refused:
        error = str(refused)
        outbox_db.mark_given_up(db, message.id, holder, state="undeliverable", error=error)
        report.given_up += 1
        log.warning("mail %s undeliverable: %s", message.id, error.split(" ", 1)[0])
        return
    except Exception as failure:  # temporary, or a bug: either way, try again later
        if not isinstance(failure, TemporaryFailure):
            log.exception("mail %s: unexpected error", message.id)
        error = str(failure) or type(failure).__name__
        if message.attempts >= MAX_ATTEMPTS:
            outbox_db.mark_given_up(db, message.id, holder, state="failed", error=error)
            report.given_up += 1
            log.warning("mail %s failed after %s attempts", message.id, message.attempts)
        else:
            later = clock() + backoff(message.attempts)
            outbox_db.mark_retry(db, message.id, holder, error=error, next_attempt_at=later)
            report.retried += 1
            log.info("mail %s: temporary failure, next attempt at %s", message.id, later)
        return
    if _keep_answer(lambda: outbox_db.mark_sent(db, message.id, holder, now=clock())):
        report.sent += 1
        log.info("mail %s sent", message.id)
    else:  # only if this process was frozen for longer than SENDING_STALE
        log.error("mail %s sent, but another sender had taken it back", message.id)


def _keep_answer(mark) -> bool:
    """Record a server's "250" even through a database busy for longer than its busy timeout
    (a long write elsewhere): unrecorded, the message would be in doubt and sent again."""
    for attempt in range(RECORD_TRIES):
        try:
            return mark()
        except sqlite3.OperationalError:
            if attempt == RECORD_TRIES - 1:
                raise
            time.sleep(RECORD_PAUSE_S)
    return False


@asynccontextmanager
async def send_mail(app) -> AsyncIterator[None]:
    """Lifespan of the app: every POLL_EVERY_S, in a thread, send what is due if this process
    holds the sender's lease (lieux.background.rounds). Without LIEUX_SMTP_URL it does nothing
    at all."""
    settings: Settings = app.state.settings
    if not settings.mail_enabled:
        yield
        return

    def work(holder: str, stop: threading.Event) -> None:
        send_due(settings.db, settings, clock=app.state.clock, holder=holder, stop=stop)

    # At a stop, the message being sent finishes and is marked, unless it takes too long.
    async with background.rounds(
        path=settings.db, lease=LEASE, work=work, every=POLL_EVERY_S, finish_wait=SHUTDOWN_WAIT_S
    ):
        yield
