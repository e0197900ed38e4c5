"""Invitations to join a lieu: issued (link and QR code) and revoked by its co-managers."""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.manage import actions, forms
from lieux.manage.responses import PATH, Form, again, done
from lieux.members.auth import can_invite
from lieux.members.guards import FOR_MANAGERS
from lieux.members.invites import issue_invite
from lieux.members.models import Identity
from lieux.models import Lieu
from lieux.qr import qr_svg
from lieux.settings import Settings


def invites_context(db: Database, settings: Settings, lieu: Lieu, errors: dict, now: datetime):
    """The context of manage/invites.html."""
    invites = members_db.list_invites(db, lieu.id)
    return {
        "lieu": lieu,
        "invites": invites,
        "errors": errors,
        "now": now,
        "zone": settings.zone,
        # A lieu nobody co-manages yet (one just created) needs a co-manager first.
        "default_role": "member" if members_db.co_manager_count(db, lieu.id) else "co-manager",
    }


class InviteController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/invites", sync_to_thread=True)
    def invites(
        self, db: Database, settings: Settings, lieu: Lieu, by: int, now: datetime
    ) -> Template:
        context = invites_context(db, settings, lieu, {}, now)
        return Template("manage/invites.html", context=context)

    @post("/invites", sync_to_thread=True)
    def create_invite(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        data: Form,
        now: datetime,
    ) -> Template:
        try:
            form = forms.parse(data, forms.InviteForm)
        except forms.FormErrors as error:
            context = invites_context(db, settings, lieu, error.errors, now)
            return again(request, "manage/invites.html", context)
        if not can_invite(identity, lieu.id, form.role):
            raise PermissionDeniedException("Vous ne pouvez pas inviter avec ce rôle.")
        reusable = form.reusable and form.role == "member"
        link = issue_invite(
            db,
            lieu_id=lieu.id,
            role=form.role,
            base_url=settings.base_url,
            now=now,
            reusable=reusable,
            by=by,
        )
        context = {
            "lieu": lieu,
            "link": link,
            "qr": qr_svg(link, scale=8 if reusable else 5),
            "role": form.role,
            "reusable": reusable,
        }
        return Template("manage/invite_created.html", context=context)

    @post("/invites/{invite_id:int}/revoke", sync_to_thread=True)
    def revoke_invite(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        by: int,
        invite_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        invite = members_db.get_invite_by_id(db, invite_id)
        if invite is None or invite.lieu_id != lieu.id:
            raise NotFoundException("Cette invitation n'existe pas dans ce lieu.")
        actions.revoke_invite(db, lieu, invite_id, by=by, now=now)
        url, target = f"/manage/{lieu.slug}/invites", f"invite-{invite_id}"
        return done(request, url, "invite-revoked", target=target)
