"""Queueing e-mail in the caller's transaction, and the unsubscribe links every e-mail carries.

What other components call (campaigns, problem reports, the digest):

    for to in lieu_recipients(db, lieu.id, "reports"):
        enqueue(db, to=to, template="report", context={...}, topic="reports",
                settings=settings, now=now)

inside the `with db.atomic():` of the action that causes the mail: if the action rolls back,
no mail was ever queued. `enqueue` renders the message at once, in the recipient's language,
and returns its outbox id, or None when nothing is to be sent: mail is off (no LIEUX_SMTP_URL),
or the recipient said no to this topic. The sender (lieux/mail/sender.py) does the rest.
"""

from datetime import datetime
from email.utils import make_msgid, parseaddr

import msgspec
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.db import outbox as outbox_db
from lieux.db.members import admin_recipients, lieu_recipients
from lieux.mail.models import MailPrefs, OutboxMessage, Recipient, Topic
from lieux.mail.render import render
from lieux.members.tokens import new_token
from lieux.settings import Settings, valid_address

__all__ = ["admin_recipients", "enqueue", "lieu_recipients", "unsubscribe"]


class NotAnAddress(ValueError):
    """The caller passed something that is not an e-mail address (a bug upstream)."""


def enqueue(
    db: Database,
    *,
    to: Recipient,
    template: str,
    context: dict,
    topic: Topic | None,
    settings: Settings,
    now: datetime,
) -> int | None:
    """Queue one e-mail to `to`, rendered now from mail/`template`.{txt,html}; its outbox id,
    or None when nothing is to be sent (mail off, or `to` wants no mail of `topic`).

    Runs in the caller's transaction. `topic` None is for a message the person caused
    themselves (its link then removes the address altogether)."""
    if not settings.mail_enabled:
        return None
    if not valid_address(to.address):
        raise NotAnAddress("enqueue: the recipient is not an e-mail address")
    if to.member_id is not None:
        prefs = members_db.mail_prefs(db, to.member_id)
        if prefs.email != to.address or (topic is not None and not prefs.wants(topic)):
            return None
    elif outbox_db.is_suppressed(db, to.address, topic):
        return None
    token = new_token()
    values = {
        **context,
        "base_url": settings.base_url,
        "unsubscribe_url": f"{settings.base_url}/unsubscribe/{token}?lang={to.lang}",
    }
    rendered = render(template, to.lang, values)
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2]
    return outbox_db.add_message(
        db,
        message_id=make_msgid(domain=domain),
        to=to,
        topic=topic,
        template=template,
        rendered=rendered,
        unsubscribe_token=token,
        now=now,
    )


def masked(address: str) -> str:
    """`z***@example.org`: enough for a person to recognise their address on a page anyone
    holding the link can open, not enough to read it off a forwarded mail's link."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def unsubscribe_target(db: Database, token: str) -> OutboxMessage | None:
    """The message whose unsubscribe link carries `token` (None: no such link)."""
    if not token or len(token) > 100:
        return None
    return outbox_db.by_unsubscribe_token(db, token)


def unsubscribe(db: Database, message: OutboxMessage, *, now: datetime) -> None:
    """What the link of `message` promises: no more mail of its topic to its recipient (a
    member's choice turned off, or a non-member's address suppressed); a message with no topic
    removes the address altogether. Doing it twice changes nothing."""
    with db.atomic():
        if message.member_id is None:
            outbox_db.suppress(db, message.recipient, message.topic, now=now)
            return
        prefs = members_db.mail_prefs(db, message.member_id)
        if prefs.email is None or prefs.email.lower() != message.recipient.lower():
            return  # they changed their address since: the new one was not asked about
        if message.topic is None:
            members_db.set_mail_prefs(
                db, message.member_id, msgspec.structs.replace(prefs, email=None)
            )
        else:
            members_db.stop_topic(db, message.member_id, message.topic)


def save_prefs(
    db: Database, member_id: int, name: str, prefs: MailPrefs, *, settings: Settings, now: datetime
) -> int | None:
    """Store a member's address and choices; a new address gets a message saying so (with a
    link to remove it: someone may have typed another person's address). Its outbox id."""
    with db.atomic():
        before = members_db.mail_prefs(db, member_id)
        members_db.set_mail_prefs(db, member_id, prefs)
        if prefs.email is None or prefs.email == before.email:
            return None
        to = Recipient(address=prefs.email, lang=prefs.email_lang, member_id=member_id)
        return enqueue(
            db,
            to=to,
            template="address_added",
            context={"name": name},
            topic=None,
            settings=settings,
            now=now,
        )
