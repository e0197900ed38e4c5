"""What e-mail is made of: who receives it, about what, and the outbox's rows."""

from datetime import datetime
from typing import Literal

import msgspec

# What a member may choose to receive (the /me page); each e-mail of a topic carries a link
# that turns that topic off without signing in. A message with no topic (none yet) has none.
Topic = Literal["campaigns", "reports", "digest"]
TOPICS: tuple[Topic, ...] = ("campaigns", "reports", "digest")
State = Literal["pending", "sending", "sent", "failed", "undeliverable"]
# Shown to the coordinator: they need someone to act (a wrong address, a refused message).
UNDELIVERED: tuple[State, ...] = ("failed", "undeliverable")


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    """Where one e-mail goes, and in which language; `member_id` when it is a member's."""

    address: str
    lang: str
    member_id: int | None = None


class MailPrefs(msgspec.Struct, frozen=True, kw_only=True):
    """A member's address (None: none given), its language and what they want to receive."""

    email: str | None = None
    email_lang: str = "fr"
    mail_campaigns: bool = True
    mail_reports: bool = True
    mail_digest: bool = True

    def wants(self, topic: Topic) -> bool:
        return bool(getattr(self, f"mail_{topic}"))


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str


class OutboxMessage(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    message_id: str
    recipient: str
    member_id: int | None = None
    lang: str
    topic: Topic | None = None
    template: str
    subject: str
    body_text: str
    body_html: str
    unsubscribe_token: str | None = None
    state: State
    attempts: int
    next_attempt_at: datetime
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime
