"""A real `lieux serve` killed (SIGKILL) while the SMTP server holds its DATA command open:
after a restart nothing is lost and nothing arrives twice. Its logs and /metrics never show
the SMTP password or an address."""

import os
import re
import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest

from lieux import db as database
from lieux.db import outbox as outbox_db
from lieux.mail import sender
from lieux.mail.models import Recipient
from lieux.mail.outbox import enqueue
from lieux.mail.smtp import STEP_TIMEOUT_S
from tests.conftest import DEMO_NOW
from tests.live_server import LiveServer
from tests.mail.conftest import MAIL_FROM, SMTP_PASSWORD, SMTP_USER, mail_settings

ADDRESSES = ("ana@example.org", "bert@example.be", "chloe@example.net")
_OFFSET = re.compile(r"([+-]\d+(?:\.\d+)?)([smhdy]?)")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}


def moved_clock(ahead: timedelta) -> dict[str, str]:
    """The environment that runs a child process `ahead` of this one's clock (libfaketime),
    whatever offset `make test-dates` already runs this one at."""
    outer = 0.0
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        match = _OFFSET.fullmatch(os.environ.get("FAKETIME", "+0"))
        if match is None:
            pytest.skip("an absolute faketime cannot be moved further")
        outer = float(match[1]) * _UNIT_S[match[2]]
    return {
        "LD_PRELOAD": "/usr/$LIB/faketime/libfaketime.so.1",
        "FAKETIME": f"{outer + ahead.total_seconds():+.0f}",
    }


def wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s: {what}")
        time.sleep(0.1)


def states(db_path) -> dict[str, str]:
    db = database.connect(db_path)
    try:
        return {m.recipient: m.state for m in outbox_db.list_messages(db)}
    finally:
        db.close()


def stored(db_path):
    db = database.connect(db_path)
    try:
        return sorted(outbox_db.list_messages(db), key=lambda m: m.id)
    finally:
        db.close()


def server_log(server: LiveServer) -> str:
    server.log.seek(0)
    return server.log.read().decode("utf-8", "replace")


def test_killed_mid_delivery_nothing_lost_nothing_twice(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    db = database.connect(db_path)
    with db.atomic():
        for address in ADDRESSES:
            to = Recipient(address=address, lang="fr")
            context = {"name": address.split("@")[0]}
            enqueue(
                db,
                to=to,
                template="address_added",
                context=context,
                topic=None,
                settings=settings,
                now=DEMO_NOW,
            )
    db.close()
    env = {
        "LIEUX_SMTP_URL": f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{config.port}",
        "LIEUX_MAIL_FROM": MAIL_FROM,
    }
    mailbox.hold_next = True
    first = LiveServer(db_path, env=env)
    try:
        assert mailbox.holding.wait(timeout=40), "the sender never reached DATA"
        assert states(db_path)[ADDRESSES[0]] == "sending"
        first.process.kill()  # SIGKILL: no clean-up of any kind
        first.process.wait(timeout=10)
        wait_for(lambda: mailbox.lost == 1, 10, "the SMTP server sees the client gone")
        logs = server_log(first)
    finally:
        first.stop()
    # The server never answered the DATA: it kept nothing. Our side: in doubt, not lost.
    assert mailbox.received == []
    assert states(db_path) == {
        ADDRESSES[0]: "sending",
        ADDRESSES[1]: "pending",
        ADDRESSES[2]: "pending",
    }
    # Restart after the in-doubt delay (the clock moved, as a night would move it).
    later = sender.SENDING_STALE + timedelta(minutes=1)
    second = LiveServer(db_path, env={**env, **moved_clock(later)})
    try:
        wait_for(
            lambda: set(states(db_path).values()) == {"sent"},
            sender.POLL_EVERY_S * 2 + STEP_TIMEOUT_S,
            "every message sent after the restart",
        )
        time.sleep(sender.POLL_EVERY_S + 1)  # one more round: nothing more goes out
        metrics = httpx.get(second.url + "/metrics", timeout=10).text
        logs += server_log(second)
    finally:
        second.stop()
    messages = stored(db_path)
    received = Counter(mailbox.message_ids())
    assert received == Counter({m.message_id: 1 for m in messages})  # each once, none lost
    assert sorted(str(m["To"]) for m in mailbox.received) == sorted(ADDRESSES)
    interrupted = messages[0]
    assert interrupted.recipient == ADDRESSES[0] and interrupted.attempts == 2
    assert [m.attempts for m in messages[1:]] == [1, 1]
    # Personal data and the secret stay out of the logs and the metrics.
    assert "interrupted mid-send" in logs  # the logs were read: they say what happened
    for secret in (SMTP_PASSWORD, *ADDRESSES):
        assert secret not in logs, secret
        assert secret not in metrics, secret
