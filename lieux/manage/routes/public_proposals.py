"""Proposals from people without an account, when the lieu allows them (off by default)."""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.manage import actions, forms, proposal_actions
from lieux.manage.responses import Form, again, done, form_context
from lieux.members.guards import provide_lieu
from lieux.members.session import PROPOSAL_RATE
from lieux.models import Lieu
from lieux.settings import Settings

HONEYPOT = "website"


def provide_open_lieu(db: Database, any_lieu: Lieu) -> Lieu:
    """The lieu, or 404 unless it receives proposals without an account."""
    if not members_db.get_rules(db, any_lieu.id).public_proposals:
        raise NotFoundException("Ce lieu ne reçoit pas de propositions sans compte.")
    return any_lieu


def _context(lieu: Lieu, **extra) -> dict:
    action = f"/propose/{lieu.slug}"
    return form_context(lieu, proposing=True, public=True, action=action, **extra)


class PublicProposalController(Controller):
    path = "/propose/{slug:str}"
    include_in_schema = False
    dependencies = {
        "any_lieu": Provide(provide_lieu, sync_to_thread=False),
        "lieu": Provide(provide_open_lieu, sync_to_thread=False),
    }

    @get("/", sync_to_thread=True)
    def form(self, lieu: Lieu) -> Template:
        return Template("manage/activity_form.html", context=_context(lieu))

    @post("/", sync_to_thread=True, middleware=[PROPOSAL_RATE.middleware])
    def propose(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        data: Form,
        now: datetime,
    ) -> Response:
        fields = dict(data)
        # A field people never see (hidden by CSS): only form-filling robots put text in it.
        if str(fields.pop(HONEYPOT, "") or "").strip():
            return done(request, f"/propose/{lieu.slug}?sent=1")
        name = fields.pop("proposer_name", "")
        errors: dict = {}
        try:
            name = forms.parse({"display_name": name}, forms.DisplayNameForm).display_name
        except forms.FormErrors as error:
            errors["proposer_name"] = error.errors["display_name"]
        try:
            write = forms.to_write(forms.parse_activity(fields), settings.zone)
            actions.room_for(db, lieu, write, zone=settings.zone, now=now)
        except forms.FormErrors as error:
            errors.update(error.errors)
        except actions.LieuFull as full:
            errors["lieu"] = (full.message, full.params)
        if errors:
            context = _context(lieu, values=data, errors=errors)
            return again(request, "manage/activity_form.html", context)
        proposal_actions.propose(db, lieu, write, by=None, name=name, now=now)
        return done(request, f"/propose/{lieu.slug}?sent=1")
