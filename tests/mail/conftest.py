"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepted, answers what a test
tells it to, and can hold a DATA command open; settings that send mail to it."""

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from lieux.settings import SmtpConfig
from tests.conftest import make_settings
from tests.live_server import free_port

MAIL_FROM = "Lieux de liens <lieux@example.org>"
SMTP_USER = "lieux"
SMTP_PASSWORD = "pw-Xq7-never-logged"  # a test server's
# How long a held DATA waits for the test to release it before answering anyway.
HOLD_MAX_S = 60


class Mailbox:
    """The aiosmtpd handler: `received` holds each message the server accepted (answered 250
    to its DATA), parsed with the stdlib `email` package."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.data_answers: list[str] = []  # the next DATA commands get these, in order
        self.refused: dict[str, str] = {}  # recipient -> answer to its RCPT TO
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lost = 0  # DATA commands whose client went away before the answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            try:
                # A server that has not answered has not taken the message: when the client
                # dies here, aiosmtpd cancels this coroutine and nothing is kept.
                for _ in range(HOLD_MAX_S * 20):
                    if self.release.is_set():
                        break
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                self.lost += 1
                raise
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535 itself


@pytest.fixture
def smtp_server():
    """A mailbox and the SmtpConfig that reaches it (plain: it is on this machine)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,  # 127.0.0.1 only: the password never leaves the machine
    )
    controller.start()
    config = SmtpConfig(
        host="127.0.0.1",
        port=port,
        security="plain",
        username=SMTP_USER,
        password=SMTP_PASSWORD,
    )
    yield mailbox, config
    mailbox.release.set()
    controller.stop()


def mail_settings(db_path, config: SmtpConfig, **overrides):
    return make_settings(db_path, smtp_url=config, mail_from=MAIL_FROM, **overrides)
