"""Proposals of a lieu's members, and the co-managers' (or supporters') decisions on them."""

import contextlib
from collections.abc import Callable
from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template
from sqlite_utils import Database

from lieux.calendar.models import KINDS
from lieux.db import proposals as proposals_db
from lieux.manage import actions, forms, proposal_actions
from lieux.manage.responses import PATH, Form, again, done, form_context
from lieux.members.auth import can_manage
from lieux.members.guards import FOR_MANAGERS, FOR_MEMBERS
from lieux.members.models import Identity
from lieux.members.session import PROPOSAL_RATE
from lieux.models import Lieu
from lieux.settings import Settings

ALREADY_DECIDED = forms._("Cette proposition a déjà été traitée.")
NOT_BY_SUPPORTS = forms._("Cette proposition ne se décide pas par soutiens.")


def proposal_of(db: Database, lieu: Lieu, proposal_id: int) -> proposals_db.Proposal:
    """The lieu's proposal, or 404."""
    proposal = proposals_db.get_proposal(db, proposal_id)
    if proposal is None or proposal.lieu_id != lieu.id:
        raise NotFoundException("Cette proposition n'existe pas dans ce lieu.")
    return proposal


def proposal_again(
    request: Request,
    db: Database,
    lieu: Lieu,
    identity: Identity,
    proposal_id: int,
    *,
    errors: dict,
    status: int = 400,
) -> Template:
    """The proposal again, with why this decision cannot be taken (now)."""
    context = {
        "lieu": lieu,
        "proposal": proposal_of(db, lieu, proposal_id),
        "errors": errors,
        "manager": can_manage(identity, lieu.id),
        "identity": identity,
        "kinds": KINDS,
    }
    return again(request, "manage/proposal.html", context, status=status)


def answered(request: Request, lieu: Lieu, proposal_id: int, notice: str) -> Response:
    """Back to the lieu's page, saying what was done at the proposal (its own buttons, such as
    "Retirer ma proposition", are right there)."""
    target = f"proposal-{proposal_id}"
    return done(request, f"/manage/{lieu.slug}", notice, target=target)


def refused(request, db, lieu, identity, proposal_id, message: str, params=None) -> Template:
    """The proposal again, saying why this decision cannot be taken now (409)."""
    errors = {"message": (message, params or {})}
    return proposal_again(request, db, lieu, identity, proposal_id, errors=errors, status=409)


def _decide(
    request: Request,
    db: Database,
    lieu: Lieu,
    identity: Identity,
    proposal_id: int,
    data: dict,
    decide: Callable[[proposals_db.Proposal, str], None],
    notice: str,
) -> Response:
    """A co-manager's decision on a proposal: its message checked, then `decide(proposal,
    message)`; the proposal again with why when it cannot be taken (now)."""
    proposal = proposal_of(db, lieu, proposal_id)
    try:
        form = forms.parse(data, forms.DecisionForm)
    except forms.FormErrors as error:
        return proposal_again(request, db, lieu, identity, proposal_id, errors=error.errors)
    try:
        decide(proposal, form.message)
    except proposal_actions.AlreadyDecided:
        return refused(request, db, lieu, identity, proposal_id, ALREADY_DECIDED)
    except actions.LieuFull as full:
        return refused(request, db, lieu, identity, proposal_id, full.message, full.params)
    return answered(request, lieu, proposal_id, notice)


class ProposalController(Controller):
    """What any member of the lieu does: propose, support (self-managed), withdraw their own."""

    path = PATH
    include_in_schema = False
    dependencies = FOR_MEMBERS

    @get("/propose", sync_to_thread=True)
    def propose_form(self, lieu: Lieu, by: int) -> Template:
        action = f"/manage/{lieu.slug}/proposals"
        context = form_context(lieu, action=action, proposing=True)
        return Template("manage/activity_form.html", context=context)

    @post("/proposals", sync_to_thread=True, middleware=[PROPOSAL_RATE.middleware])
    def create_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        try:
            write = forms.to_write(forms.parse_activity(data), settings.zone)
            actions.room_for(db, lieu, write, zone=settings.zone, now=now)
        except (forms.FormErrors, actions.LieuFull) as error:
            errors = (
                error.errors
                if isinstance(error, forms.FormErrors)
                else {"lieu": (error.message, error.params)}
            )
            action = f"/manage/{lieu.slug}/proposals"
            context = form_context(lieu, values=data, errors=errors, proposing=True, action=action)
            return again(request, "manage/activity_form.html", context)
        proposal_id = proposal_actions.propose(
            db, lieu, write, by=by, name=identity.member.display_name, now=now
        )
        return answered(request, lieu, proposal_id, "proposal-sent")

    @post("/proposals/{proposal_id:int}/support", sync_to_thread=True)
    def support_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        proposal = proposal_of(db, lieu, proposal_id)
        if lieu.governance != "self-managed" or proposal.status != "pending":
            return refused(request, db, lieu, identity, proposal_id, NOT_BY_SUPPORTS)
        uid = actions.uid_for(lieu, settings.base_url)
        # AlreadyDecided: published by someone else's support at the same moment, which is fine.
        with contextlib.suppress(proposal_actions.AlreadyDecided):
            try:
                proposal_actions.support(
                    db, lieu, proposal, by=by, uid=uid, zone=settings.zone, now=now
                )
            except actions.LieuFull as full:
                return refused(request, db, lieu, identity, proposal_id, full.message, full.params)
        return answered(request, lieu, proposal_id, "proposal-supported")

    @post("/proposals/{proposal_id:int}/withdraw", sync_to_thread=True)
    def withdraw_proposal(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        proposal = proposal_of(db, lieu, proposal_id)
        if proposal.member_id != by:
            raise PermissionDeniedException("Seule la personne qui l'a proposée peut la retirer.")
        try:
            proposal_actions.withdraw(db, lieu, proposal, by=by, now=now)
        except proposal_actions.AlreadyDecided:
            return refused(request, db, lieu, identity, proposal_id, ALREADY_DECIDED)
        return answered(request, lieu, proposal_id, "proposal-withdrawn")


class DecisionController(Controller):
    """What co-managers decide on a proposal: accept (it is published) or decline."""

    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @post("/proposals/{proposal_id:int}/accept", sync_to_thread=True)
    def accept_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        uid = actions.uid_for(lieu, settings.base_url)

        def accept(proposal: proposals_db.Proposal, message: str) -> None:
            proposal_actions.accept(
                db, lieu, proposal, by=by, message=message, uid=uid, zone=settings.zone, now=now
            )

        return _decide(request, db, lieu, identity, proposal_id, data, accept, "proposal-accepted")

    @post("/proposals/{proposal_id:int}/decline", sync_to_thread=True)
    def decline_proposal(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        def decline(proposal: proposals_db.Proposal, message: str) -> None:
            proposal_actions.decline(db, lieu, proposal, by=by, message=message, now=now)

        return _decide(request, db, lieu, identity, proposal_id, data, decline, "proposal-declined")
