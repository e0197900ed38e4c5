"""Joining by invite, personal sign-in links, signing out, "my lieux"."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.db.lieux import list_lieux
from lieux.i18n import current_lang
from lieux.i18n import mark as _
from lieux.mail.forms import parse_prefs
from lieux.mail.outbox import masked, save_prefs, unsubscribe, unsubscribe_target
from lieux.manage.forms import DisplayNameForm, FormErrors, parse
from lieux.manage.responses import again, done
from lieux.members.invites import accept_invite
from lieux.members.models import Identity, Invite
from lieux.members.session import (
    SIGN_IN_RATE,
    end_session,
    provide_identity,
    start_session,
)
from lieux.members.tokens import SIGN_IN_LIFETIME, hash_token, new_token
from lieux.qr import qr_svg
from lieux.settings import Settings

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
# QR modules are drawn this many pixels wide: readable from a phone at arm's length.


def _refusal(reason: str) -> tuple[str, int]:
    """Why a link cannot be used, and the status that says it: 404 for a link we never issued,
    410 for one that existed (used, expired, revoked: it will not work again)."""
    return reason, 404 if reason == "unknown" else 410


def invite_problem(invite: Invite | None, now: datetime) -> str | None:
    """None if `invite` can be used now, else why not: unknown, revoked, used or expired."""
    if invite is None:
        return "unknown"
    if invite.revoked_at is not None:
        return "revoked"
    if not invite.reusable and invite.uses > 0:
        return "used"
    if now >= invite.expires_at:
        return "expired"
    return None


def _refused_invite(
    db: Database, invite: Invite | None, identity: Identity | None, now: datetime
) -> Template:
    """The page of an invite that cannot be used: why, and where to go instead."""
    reason, status = _refusal(invite_problem(invite, now) or "used")
    lieu = _lieu_of(db, invite) if invite is not None else None
    member_here = (
        identity is not None and lieu is not None and identity.role_in(lieu.id) is not None
    )
    return Template(
        "members/link_refused.html",
        context={
            "kind": "invite",
            "reason": reason,
            "invite": invite,
            "lieu": lieu,
            "identity": identity,
            "member_here": member_here,
        },
        status_code=status,
    )


def _refused_sign_in(identity: Identity | None) -> Template:
    # Unknown, replaced by a newer link or expired: the table cannot tell a guess from an old
    # link, so the page names the likely causes.
    return Template(
        "members/link_refused.html",
        context={"kind": "sign-in", "reason": "unknown", "identity": identity, "lieu": None},
        status_code=404,
    )


def _new_sign_in_link(db: Database, settings: Settings, member_id: int, now: datetime):
    token = new_token()
    members_db.create_sign_in(
        db, hash_token(token), member_id, now=now, expires_at=now + SIGN_IN_LIFETIME
    )
    return token, f"{settings.base_url}/signin/{token}"


class MembersController(Controller):
    include_in_schema = False
    dependencies = {"identity": Provide(provide_identity, sync_to_thread=False)}

    @get("/join/{token:str}", sync_to_thread=True)
    def join_form(
        self, db: Database, now: datetime, token: str, identity: Identity | None
    ) -> Template:
        invite = members_db.get_invite(db, hash_token(token))
        if invite_problem(invite, now):
            return _refused_invite(db, invite, identity, now)
        return Template(
            "members/join.html",
            context={
                "invite": invite,
                "lieu": _lieu_of(db, invite),
                "identity": identity,
                "errors": {},
                "values": {},
                "token": token,
            },
        )

    @post("/join/{token:str}", sync_to_thread=True, middleware=[SIGN_IN_RATE.middleware])
    def join(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        token: str,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Template:
        invite = members_db.get_invite(db, hash_token(token))
        if invite_problem(invite, now):
            return _refused_invite(db, invite, identity, now)
        lieu = _lieu_of(db, invite)
        if identity is not None and data.get("as_current"):
            member_id = identity.member.id
            name = identity.member.display_name
        else:
            try:
                form = parse({k: v for k, v in data.items() if k != "as_current"}, DisplayNameForm)
            except FormErrors as error:
                return Template(
                    "members/join.html",
                    context={
                        "invite": invite,
                        "lieu": lieu,
                        "identity": identity,
                        "errors": error.errors,
                        "values": data,
                        "token": token,
                    },
                    status_code=400,
                )
            name = form.display_name
            member_id = None
        with db.atomic():
            member_id = accept_invite(db, invite, member_id=member_id, name=name, now=now)
            if member_id is not None:
                sign_in_token, link = _new_sign_in_link(db, settings, member_id, now)
                start_session(
                    request, db, member_id, sign_in_hash=hash_token(sign_in_token), now=now
                )
        if member_id is None:  # someone used this one-time invite a moment ago
            return _refused_invite(db, members_db.get_invite(db, hash_token(token)), identity, now)
        return Template(
            "members/welcome.html",
            context={
                "name": name,
                "lieu": lieu,
                "role": invite.role,
                "link": link,
                "qr": qr_svg(link, scale=5),
            },
        )

    @get("/signin/{token:str}", sync_to_thread=True)
    def sign_in_form(
        self, db: Database, now: datetime, token: str, identity: Identity | None
    ) -> Template:
        # Opening the link only shows a button: link previewers in chat apps fetch URLs too.
        if members_db.sign_in_member(db, hash_token(token), now=now) is None:
            return _refused_sign_in(identity)
        return Template("members/signin.html", context={"token": token})

    @post("/signin/{token:str}", sync_to_thread=True, middleware=[SIGN_IN_RATE.middleware])
    def sign_in(
        self, request: Request, db: Database, now: datetime, token: str, identity: Identity | None
    ) -> Response:
        member_id = members_db.sign_in_member(db, hash_token(token), now=now)
        if member_id is None:
            return _refused_sign_in(identity)
        start_session(request, db, member_id, sign_in_hash=hash_token(token), now=now)
        return Redirect("/me", status_code=303)

    @post("/signout", sync_to_thread=True)
    def sign_out(self, request: Request, db: Database) -> Redirect:
        end_session(request, db)
        return Redirect("/", status_code=303)

    @get("/me", sync_to_thread=True)
    def me(self, db: Database, settings: Settings, identity: Identity | None) -> Template:
        if identity is None:
            raise NotAuthorizedException(
                "Connectez-vous en ouvrant votre lien personnel de connexion."
            )
        return Template("members/me.html", context=_me_context(db, settings, identity))

    @post("/me/email", sync_to_thread=True)
    def save_email(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        now: datetime,
        identity: Identity | None,
        data: Form,
    ) -> Response:
        """The member's address (optional) and what they want to receive by e-mail."""
        if identity is None:
            raise NotAuthorizedException("Connectez-vous d'abord.")
        try:
            prefs = parse_prefs(data, current_lang.get())
        except FormErrors as error:
            context = _me_context(db, settings, identity, errors=error.errors, values=data)
            return again(request, "members/me.html", context)
        member = identity.member
        save_prefs(db, member.id, member.display_name, prefs, settings=settings, now=now)
        return done(request, "/me?saved=email#email")

    # The link in every e-mail: no session needed, and none started. Its token is the only
    # credential (unguessable, per message); CSRF protects a signed-in person's session, which
    # this does not use, and mail apps POST here on their own (RFC 8058 one-click), so neither
    # route sets or checks a CSRF cookie.
    @get("/unsubscribe/{token:str}", sync_to_thread=True, exclude_from_csrf=True)
    def unsubscribe_form(self, db: Database, token: str) -> Template:
        message = _unsubscribe_message(db, token)
        context = {"message": message, "address": masked(message.recipient), "done": False}
        return Template("members/unsubscribe.html", context=context)

    @post("/unsubscribe/{token:str}", sync_to_thread=True, exclude_from_csrf=True, status_code=200)
    def unsubscribe_confirmed(self, db: Database, now: datetime, token: str) -> Template:
        message = _unsubscribe_message(db, token)
        unsubscribe(db, message, now=now)
        context = {"message": message, "address": masked(message.recipient), "done": True}
        return Template("members/unsubscribe.html", context=context)

    @post("/me/sign-in-link", sync_to_thread=True)
    def new_link(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        now: datetime,
        identity: Identity | None,
    ) -> Template:
        """A fresh personal link; the old one (and browsers signed in with it) stop working."""
        if identity is None:
            raise NotAuthorizedException("Connectez-vous d'abord.")
        with db.atomic():
            token, link = _new_sign_in_link(db, settings, identity.member.id, now)
            start_session(request, db, identity.member.id, sign_in_hash=hash_token(token), now=now)
        return Template(
            "members/welcome.html",
            context={
                "name": identity.member.display_name,
                "lieu": None,
                "role": None,
                "link": link,
                "qr": qr_svg(link, scale=5),
            },
        )


def _me_context(db: Database, settings: Settings, identity: Identity, **form) -> dict:
    return {
        "identity": identity,
        # The network admin manages every lieu, including those nobody has joined yet.
        "every": list_lieux(db) if identity.member.is_admin else [],
        "prefs": members_db.mail_prefs(db, identity.member.id),
        "mail_enabled": settings.mail_enabled,
        "errors": {},
        "values": None,
        **form,
    }


def _unsubscribe_message(db: Database, token: str):
    message = unsubscribe_target(db, token)
    if message is None:
        raise NotFoundException(_("Ce lien de désinscription n'existe pas (ou plus)."))
    return message


def _lieu_of(db: Database, invite: Invite):
    if invite.lieu_id is None:
        return None
    return members_db.lieu_by_id(db, invite.lieu_id)
