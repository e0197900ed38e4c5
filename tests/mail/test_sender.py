"""The sender against a real SMTP server on 127.0.0.1: what arrives, retries with backoff,
refusals for good, messages left 'sending' by a stopped sender, the deadline, the lease."""

import threading
import time
from datetime import timedelta

import msgspec
import pytest

from lieux import db as database
from lieux.db import outbox as outbox_db
from lieux.mail import sender
from lieux.mail.models import Recipient
from lieux.mail.outbox import enqueue
from lieux.mail.smtp import STEP_TIMEOUT_S, TemporaryFailure, build, deliver
from tests.conftest import DEMO_NOW, Clock
from tests.live_server import free_port
from tests.mail.conftest import MAIL_FROM, mail_settings

ZOE = Recipient(address="zoe@example.org", lang="nl")


def queue(db_path, settings, to=ZOE, *, count=1, topic=None, now=DEMO_NOW) -> list[int]:
    db = database.connect(db_path)
    try:
        with db.atomic():
            return [
                enqueue(
                    db,
                    to=to,
                    template="address_added",
                    context={"name": f"Zoé {n}"},
                    topic=topic,
                    settings=settings,
                    now=now,
                )
                for n in range(count)
            ]
    finally:
        db.close()


def row(db_path, message_id):
    db = database.connect(db_path)
    try:
        return outbox_db.get_message(db, message_id)
    finally:
        db.close()


def run_round(db_path, settings, clock, holder="test-sender"):
    return sender.send_due(str(db_path), settings, clock=clock, holder=holder)


def test_a_queued_message_arrives_as_written(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    [message_id] = queue(db_path, settings)
    report = run_round(db_path, settings, Clock())
    assert report.sent == 1
    [received] = mailbox.received
    stored = row(db_path, message_id)
    assert stored.state == "sent" and stored.sent_at == DEMO_NOW and stored.attempts == 1
    assert received["To"] == "zoe@example.org"
    assert received["From"] == MAIL_FROM
    assert received["Message-ID"] == stored.message_id
    assert received["Content-Language"] == "nl"
    assert received["Auto-Submitted"] == "auto-generated"
    # Rendered in the recipient's language (Dutch), both parts.
    assert received["Subject"] == stored.subject
    assert received["Subject"] != "Votre adresse e-mail est enregistrée"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Zoé 0" in text and "Zoé 0" in html
    assert 'lang="nl"' in html
    link = f"http://testserver/unsubscribe/{stored.unsubscribe_token}"
    assert f"{link}?lang=nl" in text and f'href="{link}?lang=nl"' in html
    # A long header is folded onto its own line, as RFC 5322 allows.
    assert received["List-Unsubscribe"].strip() == f"<{link}?lang=nl>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Built again for another attempt, it is the same message, byte for byte.
    assert build(stored, MAIL_FROM, "http://testserver").as_bytes() == (
        build(stored, MAIL_FROM, "http://testserver").as_bytes()
    )


def test_a_temporary_failure_is_retried_after_the_backoff(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    [message_id] = queue(db_path, settings)
    mailbox.data_answers = ["451 4.3.0 Try again later", "451 4.3.0 Still busy"]
    clock = Clock()
    assert run_round(db_path, settings, clock).retried == 1
    stored = row(db_path, message_id)
    assert stored.state == "pending" and stored.attempts == 1
    assert stored.next_attempt_at == DEMO_NOW + sender.BACKOFF_FIRST
    assert stored.last_error == "451 4.3.0 Try again later"
    clock.now = DEMO_NOW + sender.BACKOFF_FIRST - timedelta(seconds=1)
    assert run_round(db_path, settings, clock).retried == 0  # not due yet: not even tried
    clock.now = DEMO_NOW + sender.BACKOFF_FIRST
    assert run_round(db_path, settings, clock).retried == 1
    # The second wait is twice the first.
    assert row(db_path, message_id).next_attempt_at == clock.now + 2 * sender.BACKOFF_FIRST
    clock.now += 2 * sender.BACKOFF_FIRST
    assert run_round(db_path, settings, clock).sent == 1
    stored = row(db_path, message_id)
    assert stored.state == "sent" and stored.attempts == 3 and stored.last_error is None
    assert mailbox.message_ids() == [stored.message_id]


def test_the_backoff_doubles_up_to_its_ceiling():
    waits = [sender.backoff(n) for n in range(1, sender.MAX_ATTEMPTS + 1)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == sender.BACKOFF_MAX == waits[-1]
    assert timedelta(days=1) < sum(waits[:-1], timedelta()) < timedelta(days=3)


def test_a_refusal_for_good_is_undeliverable_with_the_servers_answer(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    mailbox.refused["nobody@example.org"] = "550 5.1.1 <nobody@example.org>: no such user"
    [refused] = queue(db_path, settings, Recipient(address="nobody@example.org", lang="fr"))
    [fine] = queue(db_path, settings)
    report = run_round(db_path, settings, Clock())
    assert (report.sent, report.given_up) == (1, 1)
    stored = row(db_path, refused)
    assert stored.state == "undeliverable" and stored.attempts == 1
    assert stored.last_error == "550 5.1.1 <nobody@example.org>: no such user"
    assert row(db_path, fine).state == "sent"
    # Never tried again by itself.
    assert run_round(db_path, settings, Clock(DEMO_NOW + timedelta(days=3))).given_up == 0
    assert len(mailbox.received) == 1


def test_out_of_attempts_a_message_is_failed(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    [message_id] = queue(db_path, settings)
    mailbox.data_answers = ["421 4.7.0 Too busy"] * sender.MAX_ATTEMPTS
    clock = Clock()
    for _ in range(sender.MAX_ATTEMPTS):
        run_round(db_path, settings, clock)
        clock.now += sender.BACKOFF_MAX
    stored = row(db_path, message_id)
    assert stored.state == "failed" and stored.attempts == sender.MAX_ATTEMPTS
    assert stored.last_error == "421 4.7.0 Too busy"
    assert mailbox.received == []


def test_a_message_left_sending_goes_again_only_after_the_delay(db_path, smtp_server):
    """A sender that died after its claim: the message waits SENDING_STALE, then goes out
    once, with the Message-ID it had."""
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    [message_id] = queue(db_path, settings)
    db = database.connect(db_path)
    claimed = outbox_db.claim_next(db, holder="a-dead-sender", now=DEMO_NOW)
    db.close()
    assert claimed.id == message_id and claimed.state == "sending"
    almost = Clock(DEMO_NOW + sender.SENDING_STALE - timedelta(seconds=1))
    assert run_round(db_path, settings, almost).released == 0
    assert row(db_path, message_id).state == "sending" and mailbox.received == []
    later = Clock(DEMO_NOW + sender.SENDING_STALE + timedelta(seconds=1))
    report = run_round(db_path, settings, later)
    assert (report.released, report.sent) == (1, 1)
    stored = row(db_path, message_id)
    assert stored.state == "sent" and stored.attempts == 2
    assert mailbox.message_ids() == [claimed.message_id]
    # The dead sender cannot mark it any more: its claim is gone.
    db = database.connect(db_path)
    assert not outbox_db.mark_sent(db, message_id, "a-dead-sender", now=later.now)
    db.close()


def test_one_deadline_for_the_whole_exchange(db_path, smtp_server):
    """A server that holds DATA: the send gives up after the deadline, not per read."""
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    [message_id] = queue(db_path, settings)
    mailbox.hold_next = True
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="no answer within 1 s"):
        deliver(config, build(row(db_path, message_id), MAIL_FROM, ""), deadline_s=1)
    # Far below smtplib's own timeout per read (half of it: room for a loaded machine).
    assert time.monotonic() - started < STEP_TIMEOUT_S / 2
    assert mailbox.holding.is_set()


def test_a_wrong_password_waits_for_someone_to_fix_it(db_path, smtp_server):
    _mailbox, config = smtp_server
    wrong = msgspec.structs.replace(config, password="not-it")
    settings = mail_settings(db_path, wrong)
    [message_id] = queue(db_path, settings)
    assert run_round(db_path, settings, Clock()).retried == 1
    stored = row(db_path, message_id)
    assert stored.state == "pending" and stored.last_error.startswith("535")
    assert "not-it" not in stored.last_error


def test_an_unreachable_server_is_a_temporary_failure(db_path, smtp_server):
    _mailbox, config = smtp_server
    settings = mail_settings(db_path, msgspec.structs.replace(config, port=free_port()))
    [message_id] = queue(db_path, settings)
    assert run_round(db_path, settings, Clock()).retried == 1
    assert "ConnectionRefusedError" in row(db_path, message_id).last_error


def test_one_sender_at_a_time(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    queue(db_path, settings, count=3)
    assert run_round(db_path, settings, Clock(), holder="worker-1").sent == 3
    queue(db_path, settings)
    assert run_round(db_path, settings, Clock(), holder="worker-2") is None  # 1 holds it
    later = Clock(DEMO_NOW + sender.LEASE_TTL)
    assert run_round(db_path, settings, later, holder="worker-2").sent == 1
    assert len(set(mailbox.message_ids())) == 4 == len(mailbox.received)


def test_a_stop_request_ends_the_round_between_messages(db_path, smtp_server):
    mailbox, config = smtp_server
    settings = mail_settings(db_path, config)
    queue(db_path, settings, count=2)
    stop = threading.Event()
    stop.set()
    report = sender.send_due(str(db_path), settings, clock=Clock(), holder="h", stop=stop)
    assert report.sent == 0 and mailbox.received == []


def test_without_smtp_nothing_is_queued_nor_sent(db_path):
    from tests.conftest import make_settings

    settings = make_settings(db_path)
    assert not settings.mail_enabled
    assert queue(db_path, settings) == [None]
    assert sender.send_due(str(db_path), settings, clock=Clock(), holder="h") is None
    db = database.connect(db_path)
    assert outbox_db.list_messages(db) == []
    db.close()
