"""One message to one SMTP server, with the stdlib's smtplib, under one overall deadline.

smtplib's `timeout` is per socket operation: a server that answers one byte at a time never
trips it. A watcher thread shuts the socket down when the whole exchange has run past its deadline,
which makes the blocked call fail at once. The server's answer decides what follows: 4xx,
a lost connection or a timeout is temporary (try again later), 5xx is permanent.
"""

import contextlib
import hashlib
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from lieux.mail.models import OutboxMessage
from lieux.settings import SmtpConfig

# Each network step (connect, a reply) may take this long; the whole exchange, `deadline`.
STEP_TIMEOUT_S = 30
# How often the deadline's watcher looks at the clock.
WATCH_EVERY_S = 0.1
# What is kept of a server's answer: enough to read, not a whole bounce.
REASON_MAX = 500


class TemporaryFailure(Exception):
    """Try again later: the server said 4xx, or could not be reached or finished with."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): sending it again changes nothing."""


def build(message: OutboxMessage, mail_from: str, base_url: str) -> EmailMessage:
    """The e-mail of an outbox row: the same bytes on every attempt (its Date is when it was
    queued), so a server that saw it once can tell it is the same message."""
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    # RFC 3834: out-of-office robots do not answer it.
    email["Auto-Submitted"] = "auto-generated"
    if message.unsubscribe_token:
        # RFC 8058: mail apps show an "unsubscribe" button that POSTs to this address.
        url = f"{base_url}/unsubscribe/{message.unsubscribe_token}?lang={message.lang}"
        email["List-Unsubscribe"] = f"<{url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    # A boundary of its own rather than a random one: the same bytes on every attempt.
    email.set_boundary("=_" + hashlib.sha256(message.message_id.encode()).hexdigest()[:32])
    # After the bodies: set_content clears every Content-* header set before it.
    email["Content-Language"] = message.lang
    return email


def _reason(code: int | None, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = " ".join(f"{code or ''} {text}".split())
    return reason[:REASON_MAX]


def deliver(config: SmtpConfig, email: EmailMessage, *, deadline_s: float) -> None:
    """Send `email` to its To address; raise TemporaryFailure or PermanentFailure."""
    envelope_from = parseaddr(email["From"])[1]
    recipient = parseaddr(email["To"])[1]
    context = ssl.create_default_context()
    if config.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(timeout=STEP_TIMEOUT_S, context=context)
    else:
        client = smtplib.SMTP(timeout=STEP_TIMEOUT_S)
    timed_out = threading.Event()
    finished = threading.Event()

    def watch() -> None:
        # Polls with time.sleep rather than threading.Timer: a timed wait on a lock does not
        # return in time under libfaketime (the moved-clock test runs), sleep does.
        end = time.monotonic() + deadline_s
        while not finished.is_set():
            if time.monotonic() >= end:
                timed_out.set()
                sock = getattr(client, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):  # already closed: nothing left to cut
                        sock.shutdown(socket.SHUT_RDWR)
                return
            time.sleep(WATCH_EVERY_S)

    threading.Thread(target=watch, name="smtp-deadline", daemon=True).start()
    try:
        client.connect(config.host, config.port)
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if config.username:
            client.login(config.username, config.password)
        client.send_message(email, from_addr=envelope_from, to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (None, b""))
        _raise_for(code, text)
    except smtplib.SMTPAuthenticationError as error:
        # The server's settings, not this message: wait for someone to fix LIEUX_SMTP_URL.
        raise TemporaryFailure(_reason(error.smtp_code, error.smtp_error)) from None
    except smtplib.SMTPResponseException as error:
        _raise_for(error.smtp_code, error.smtp_error)
    except (smtplib.SMTPException, OSError) as error:
        if timed_out.is_set():
            raise TemporaryFailure(f"no answer within {deadline_s:g} s") from None
        raise TemporaryFailure(_reason(None, f"{type(error).__name__}: {error}")) from None
    finally:
        try:
            client.quit()  # still under the deadline: a server may hang on QUIT too
        except (smtplib.SMTPException, OSError):
            client.close()
        finished.set()


def _raise_for(code: int | None, text: bytes | str) -> None:
    reason = _reason(code, text)
    if code is not None and 500 <= code < 600:
        raise PermanentFailure(reason) from None
    raise TemporaryFailure(reason) from None
