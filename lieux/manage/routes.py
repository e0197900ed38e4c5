"""The members' area of one lieu: agenda editing, proposals, invites, audit log.

Every write handler starts with one guard call (`require_manager` or `require_member`); the
authorization test in tests/manage/test_authorization.py lists every write route and fails on a
new one.
A form with errors comes back with them inline: status 400 for a plain post, 200 for htmx
(which does not swap error responses). Success redirects (303, or HX-Redirect for htmx).
"""

import contextlib
from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
)
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.calendar.describe import describe_rule
from lieux.calendar.models import KINDS, Activity
from lieux.calendar.recurrence import agenda, occurrences
from lieux.calendar.rules import is_occurrence
from lieux.db import activities as activities_db
from lieux.db import audit
from lieux.db import hours as hours_db
from lieux.db import members as members_db
from lieux.db import proposals as proposals_db
from lieux.manage import actions, closures, forms, hours_form, repeat_hint
from lieux.manage.upcoming import by_next_date
from lieux.members.auth import can_invite, can_manage
from lieux.members.guards import provide_lieu, require_manager, require_member
from lieux.members.invites import issue_invite
from lieux.members.models import Identity
from lieux.members.session import PROPOSAL_RATE, provide_identity
from lieux.models import Lieu
from lieux.qr import qr_svg
from lieux.settings import Settings
from lieux.widget.osm import OsmError, from_osm, to_osm
from lieux.widget.public_holidays import public_holidays

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
HONEYPOT = "website"
LAST_CO_MANAGER = forms._("Le lieu doit garder au moins un·e co-gestionnaire.")
NOT_AN_OCCURRENCE = forms._("Cette date n'est pas une occurrence de la série.")
ALREADY_DECIDED = forms._("Cette proposition a déjà été traitée.")
NOT_BY_SUPPORTS = forms._("Cette proposition ne se décide pas par soutiens.")
OSM_UNREADABLE = forms._("Chaîne opening_hours illisible (exemple : Mo-Fr 10:00-16:00; PH off).")
NO_DATE_CHOSEN = forms._("Cochez au moins une date à annuler.")
# How far ahead the occurrence list of a series looks.
OCCURRENCE_WINDOW = timedelta(weeks=10)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _done(request: Request, url: str) -> Response:
    if _is_htmx(request):
        return Response(None, status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)


def _again(request: Request, template: str, context: dict, status: int = 400) -> Template:
    return Template(template, context=context, status_code=200 if _is_htmx(request) else status)


def _activity(db: Database, lieu: Lieu, activity_id: int) -> Activity:
    activity = activities_db.get_activity(db, activity_id)
    # Another lieu's activity is "not found" here: its id says nothing about this lieu.
    if activity is None or activity.lieu_id != lieu.id:
        raise NotFoundException("Cette activité n'existe pas dans ce lieu.")
    return activity


def _version(data: dict) -> int | None:
    raw = data.get("version")
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() else None


def _form_context(lieu: Lieu, **extra) -> dict:
    """The context of manage/activity_form.html, empty unless `extra` fills it."""
    return {
        "lieu": lieu,
        "kinds": KINDS,
        "values": {},
        "errors": {},
        "activity": None,
        "conflict": None,
        "repeat_hints": repeat_hint.hints,
        "repeat_phrases": repeat_hint.phrases,
        **extra,
    }


def _closed_dates(db: Database, settings: Settings, lieu: Lieu, hours, now: datetime) -> list:
    """(occurrence, closure) for the lieu's dates still to come that fall in a dated closure."""
    span = closures.window(hours, now, settings.zone)
    if span is None:
        return []
    coming = agenda(activities_db.list_activities(db, lieu_ids=[lieu.id]), *span, settings.zone)
    return closures.in_closures([o for o in coming if o.starts_at >= now], hours, settings.zone)


class ManageController(Controller):
    path = "/manage/{slug:str}"
    include_in_schema = False
    dependencies = {
        "identity": Provide(provide_identity, sync_to_thread=True),
        "lieu": Provide(provide_lieu, sync_to_thread=True),
    }

    def _dashboard_context(
        self, db: Database, settings: Settings, lieu: Lieu, identity: Identity, now: datetime
    ) -> dict:
        manager = can_manage(identity, lieu.id)
        self_managed = lieu.governance == "self-managed"
        activities = activities_db.list_activities(db, lieu_ids=[lieu.id]) if manager else []
        members = members_db.list_lieu_members(db, lieu.id) if manager else []
        return {
            "lieu": lieu,
            "identity": identity,
            "manager": manager,
            "kinds": KINDS,
            "activities": by_next_date(activities, now, settings.zone),
            "describe_rule": describe_rule,
            "deleted": activities_db.list_deleted(db, lieu.id) if manager else [],
            "proposals": proposals_db.list_proposals(
                db, lieu.id, member_id=None if manager else identity.member.id
            ),
            "pending_others": proposals_db.list_proposals(db, lieu.id, status="pending")
            if self_managed and not manager
            else [],
            "members": members,
            # Whoever is the only co-manager cannot stop being one: no button offers it.
            "co_managers": sum(1 for _member, role in members if role == "co-manager"),
            "closed_dates": _closed_dates(db, settings, lieu, hours_db.get_hours(db, lieu.id), now)
            if manager
            else [],
            "member_error": None,
        }

    @get("/", sync_to_thread=True)
    def dashboard(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        now: datetime,
    ) -> Template:
        require_member(identity, lieu)
        return Template(
            "manage/dashboard.html",
            context=self._dashboard_context(db, settings, lieu, identity, now),
        )

    # --- activities ------------------------------------------------------------------------

    @get("/activities/new", sync_to_thread=True)
    def new_activity(self, lieu: Lieu, identity: Identity | None) -> Template:
        require_manager(identity, lieu)
        return Template(
            "manage/activity_form.html",
            context=_form_context(lieu, action=f"/manage/{lieu.slug}/activities"),
        )

    @post("/activities", sync_to_thread=True)
    def create_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        try:
            write = forms.to_write(forms.parse_activity(data), settings.zone)
        except forms.FormErrors as error:
            context = _form_context(
                lieu, values=data, errors=error.errors, action=f"/manage/{lieu.slug}/activities"
            )
            return _again(request, "manage/activity_form.html", context)
        activity_id = actions.create_activity(
            db, lieu, write, by=by, uid=actions.uid_for(lieu, settings.base_url), now=now
        )
        return _done(request, f"/manage/{lieu.slug}/activities/{activity_id}?created=1")

    @get("/activities/{activity_id:int}", sync_to_thread=True)
    def edit_activity(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        now: datetime,
    ) -> Template:
        require_manager(identity, lieu)
        activity = _activity(db, lieu, activity_id)
        return Template(
            "manage/activity_form.html",
            context=self._edit_context(db, settings, lieu, activity, now=now),
        )

    def _edit_context(self, db, settings, lieu, activity, *, now: datetime, **extra) -> dict:
        upcoming = occurrences(activity, now, now + OCCURRENCE_WINDOW, settings.zone)
        context = _form_context(
            lieu,
            activity=activity,
            occurrences=upcoming if activity.rrule else [],
            values=forms.form_values(actions.as_write(activity), activity.version),
            action=f"/manage/{lieu.slug}/activities/{activity.id}",
            history=audit.list_entries(db, lieu.id, entity="activity", entity_id=activity.id),
            zone=settings.zone,
            # What the saved series means in words ("chaque mardi"), said after each save.
            rule_text=describe_rule(activity),
        )
        return {**context, **extra}

    def _edit_again(
        self, request, db, settings, lieu, activity, status=400, *, now: datetime, **extra
    ) -> Template:
        """The activity's page again, with `extra` (errors, what was typed) in its form."""
        context = self._edit_context(db, settings, lieu, activity, now=now, **extra)
        return _again(request, "manage/activity_form.html", context, status=status)

    @post("/activities/{activity_id:int}", sync_to_thread=True)
    def update_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        activity = _activity(db, lieu, activity_id)
        try:
            form = forms.parse_activity(data)
            write = forms.to_write(form, settings.zone)
        except forms.FormErrors as error:
            return self._edit_again(
                request, db, settings, lieu, activity, values=data, errors=error.errors, now=now
            )
        split = form.split_from.replace(tzinfo=None) if form.split_from else None
        if split is not None and split != activity.starts_at:
            if not is_occurrence(activity, split, settings.zone):
                errors = {"split_from": (NOT_AN_OCCURRENCE, {})}
                return self._edit_again(
                    request, db, settings, lieu, activity, values=data, errors=errors, now=now
                )
            try:
                new_id = actions.split_series(
                    db,
                    lieu,
                    activity,
                    split,
                    write,
                    version=form.version,
                    by=by,
                    uid=actions.uid_for(lieu, settings.base_url),
                    zone=settings.zone,
                    now=now,
                )
            except actions.StaleActivity:
                return self._conflict(request, db, settings, lieu, activity_id, data, now)
            return _done(request, f"/manage/{lieu.slug}/activities/{new_id}?saved=1")
        try:
            actions.update_activity(
                db,
                lieu,
                activity,
                write,
                version=form.version,
                by=by,
                zone=settings.zone,
                now=now,
            )
        except actions.StaleActivity:
            return self._conflict(request, db, settings, lieu, activity_id, data, now)
        return _done(request, f"/manage/{lieu.slug}/activities/{activity_id}?saved=1")

    def _conflict(self, request, db, settings, lieu, activity_id, data, now) -> Template:
        """Someone saved in between: show their version, keep ours in the form to re-save."""
        current = _activity(db, lieu, activity_id)
        last = audit.list_entries(db, lieu.id, entity="activity", entity_id=activity_id, limit=1)
        return self._edit_again(
            request,
            db,
            settings,
            lieu,
            current,
            status=409,
            now=now,
            conflict={
                "by": last[0].member_name if last else None,
                "at": last[0].at if last else current.updated_at,
                "current": current,
            },
            # The form keeps what this person typed, now based on the saved version: saving
            # again is a deliberate choice to replace the other's changes.
            values={**data, "version": current.version},
        )

    def _set_status(self, request, db, settings, lieu, identity, activity_id, data, status, now):
        by = require_manager(identity, lieu)
        activity = _activity(db, lieu, activity_id)
        try:
            actions.set_status(
                db,
                lieu,
                activity,
                status,
                version=_version(data),
                by=by,
                zone=settings.zone,
                now=now,
            )
        except actions.StaleActivity:
            return self._conflict(request, db, settings, lieu, activity_id, data, now)
        return _done(request, f"/manage/{lieu.slug}/activities/{activity_id}")

    @post("/activities/{activity_id:int}/cancel", sync_to_thread=True)
    def cancel_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        return self._set_status(
            request, db, settings, lieu, identity, activity_id, data, "cancelled", now
        )

    @post("/activities/{activity_id:int}/uncancel", sync_to_thread=True)
    def uncancel_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        return self._set_status(
            request, db, settings, lieu, identity, activity_id, data, "confirmed", now
        )

    @post("/activities/{activity_id:int}/delete", sync_to_thread=True)
    def delete_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        activity = _activity(db, lieu, activity_id)
        try:
            actions.delete_activity(db, lieu, activity, version=_version(data), by=by, now=now)
        except actions.StaleActivity:
            return self._conflict(request, db, settings, lieu, activity_id, data, now)
        except LookupError:
            raise NotFoundException("Cette activité est déjà supprimée.") from None
        return _done(request, f"/manage/{lieu.slug}")

    @post("/activities/{activity_id:int}/restore", sync_to_thread=True)
    def restore_activity(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        _activity(db, lieu, activity_id)
        try:
            actions.restore_activity(db, lieu, activity_id, by=by, now=now)
        except LookupError:
            raise NotFoundException("Cette activité n'est pas supprimée.") from None
        return _done(request, f"/manage/{lieu.slug}/activities/{activity_id}")

    @post("/activities/{activity_id:int}/occurrence", sync_to_thread=True)
    def change_occurrence(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Cancel, restore, move or retitle one date (field `do`: cancel, restore, move, edit)."""
        by = require_manager(identity, lieu)
        activity = _activity(db, lieu, activity_id)
        do = data.get("do")
        fields = {k: v for k, v in data.items() if k not in ("do", "version")}
        try:
            if do == "move":
                move = forms.parse(fields, forms.MoveForm)
                starts = datetime.combine(move.day, move.start)
                ends = datetime.combine(move.day, move.end)
                if ends <= starts:
                    raise forms.FormErrors(
                        {"end": (forms._("La fin doit être après le début."), {})}
                    )
                rid, extra = move.recurrence_id, {"starts_at": starts, "ends_at": ends}
            elif do == "edit":
                edit = forms.parse(fields, forms.OccurrenceEditForm)
                rid = edit.recurrence_id
                extra = {"title": edit.title, "description": edit.description}
            elif do in ("cancel", "restore"):
                rid, extra = forms.parse(fields, forms.OccurrenceForm).recurrence_id, {}
            else:
                raise forms.FormErrors({"do": (forms._("Choix invalide."), {})})
            actions.change_occurrence(
                db,
                lieu,
                activity,
                rid.replace(tzinfo=None),
                action=f"{do}-occurrence",
                version=_version(data),
                by=by,
                zone=settings.zone,
                now=now,
                **extra,
            )
        except forms.FormErrors as error:
            return self._edit_again(
                request, db, settings, lieu, activity, occurrence_errors=error.errors, now=now
            )
        except ValueError:
            errors = {"recurrence_id": (NOT_AN_OCCURRENCE, {})}
            return self._edit_again(
                request, db, settings, lieu, activity, occurrence_errors=errors, now=now
            )
        except actions.StaleActivity:
            return self._conflict(request, db, settings, lieu, activity_id, data, now)
        return _done(request, f"/manage/{lieu.slug}/activities/{activity_id}")

    # --- proposals -------------------------------------------------------------------------

    @get("/propose", sync_to_thread=True)
    def propose_form(self, lieu: Lieu, identity: Identity | None) -> Template:
        require_member(identity, lieu)
        return Template(
            "manage/activity_form.html",
            context=_form_context(lieu, action=f"/manage/{lieu.slug}/proposals", proposing=True),
        )

    @post("/proposals", sync_to_thread=True, middleware=[PROPOSAL_RATE.middleware])
    def create_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_member(identity, lieu)
        try:
            write = forms.to_write(forms.parse_activity(data), settings.zone)
        except forms.FormErrors as error:
            context = _form_context(
                lieu,
                values=data,
                errors=error.errors,
                proposing=True,
                action=f"/manage/{lieu.slug}/proposals",
            )
            return _again(request, "manage/activity_form.html", context)
        actions.propose(db, lieu, write, by=by, name=identity.member.display_name, now=now)
        return _done(request, f"/manage/{lieu.slug}?proposed=1")

    def _proposal(self, db: Database, lieu: Lieu, proposal_id: int) -> proposals_db.Proposal:
        proposal = proposals_db.get_proposal(db, proposal_id)
        if proposal is None or proposal.lieu_id != lieu.id:
            raise NotFoundException("Cette proposition n'existe pas dans ce lieu.")
        return proposal

    def _decision(self, request, db, lieu, data, proposal_id):
        proposal = self._proposal(db, lieu, proposal_id)
        try:
            form = forms.parse(data, forms.DecisionForm)
        except forms.FormErrors as error:
            return None, proposal, error.errors
        return form, proposal, {}

    @post("/proposals/{proposal_id:int}/accept", sync_to_thread=True)
    def accept_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        form, proposal, errors = self._decision(request, db, lieu, data, proposal_id)
        if errors:
            return self._queue_again(request, db, lieu, identity, proposal_id, errors)
        try:
            actions.accept(
                db,
                lieu,
                proposal,
                by=by,
                message=form.message,
                uid=actions.uid_for(lieu, settings.base_url),
                now=now,
            )
        except actions.AlreadyDecided:
            return self._refused(request, db, lieu, identity, proposal_id, ALREADY_DECIDED)
        return _done(request, f"/manage/{lieu.slug}")

    @post("/proposals/{proposal_id:int}/decline", sync_to_thread=True)
    def decline_proposal(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        form, proposal, errors = self._decision(request, db, lieu, data, proposal_id)
        if errors:
            return self._queue_again(request, db, lieu, identity, proposal_id, errors)
        try:
            actions.decline(db, lieu, proposal, by=by, message=form.message, now=now)
        except actions.AlreadyDecided:
            return self._refused(request, db, lieu, identity, proposal_id, ALREADY_DECIDED)
        return _done(request, f"/manage/{lieu.slug}")

    @post("/proposals/{proposal_id:int}/support", sync_to_thread=True)
    def support_proposal(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_member(identity, lieu)
        proposal = self._proposal(db, lieu, proposal_id)
        if lieu.governance != "self-managed" or proposal.status != "pending":
            return self._refused(request, db, lieu, identity, proposal_id, NOT_BY_SUPPORTS)
        # AlreadyDecided: published by someone else's support at the same moment, which is fine.
        with contextlib.suppress(actions.AlreadyDecided):
            actions.support(
                db, lieu, proposal, by=by, uid=actions.uid_for(lieu, settings.base_url), now=now
            )
        return _done(request, f"/manage/{lieu.slug}")

    @post("/proposals/{proposal_id:int}/withdraw", sync_to_thread=True)
    def withdraw_proposal(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        proposal_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_member(identity, lieu)
        proposal = self._proposal(db, lieu, proposal_id)
        if proposal.member_id != by:
            raise PermissionDeniedException("Seule la personne qui l'a proposée peut la retirer.")
        try:
            actions.withdraw(db, lieu, proposal, by=by, now=now)
        except actions.AlreadyDecided:
            return self._refused(request, db, lieu, identity, proposal_id, ALREADY_DECIDED)
        return _done(request, f"/manage/{lieu.slug}")

    # --- members of the lieu ---------------------------------------------------------------

    @post("/members/{member_id:int}", sync_to_thread=True)
    def member_role(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        member_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Make someone co-manager or member, or take them out of the lieu (`role=remove`)."""
        by = require_manager(identity, lieu)
        error = None
        try:
            form = forms.parse(data, forms.MemberRoleForm)
            role = None if form.role == "remove" else form.role
            actions.set_member_role(db, lieu, member_id, role, by=by, now=now)
        except forms.FormErrors as errors:
            error = (
                errors.errors["role"]
                if "role" in errors.errors
                else next(iter(errors.errors.values()))
            )
        except LookupError:
            raise NotFoundException("Cette personne ne fait pas partie de ce lieu.") from None
        except actions.LastCoManager:
            error = (LAST_CO_MANAGER, {})
        if error:
            return _again(
                request,
                "manage/dashboard.html",
                {
                    **self._dashboard_context(db, settings, lieu, identity, now),
                    "member_error": error,
                },
            )
        return _done(request, f"/manage/{lieu.slug}#members-title")

    def _refused(self, request, db, lieu, identity, proposal_id, message):
        """The proposal again, saying why this decision cannot be taken now."""
        errors = {"message": (message, {})}
        return self._queue_again(request, db, lieu, identity, proposal_id, errors, status=409)

    def _queue_again(self, request, db, lieu, identity, proposal_id, errors, status=400):
        manager = can_manage(identity, lieu.id)
        return _again(
            request,
            "manage/proposal.html",
            {
                "lieu": lieu,
                "proposal": self._proposal(db, lieu, proposal_id),
                "errors": errors,
                "manager": manager,
                "identity": identity,
                "kinds": KINDS,
            },
            status=status,
        )

    # --- invites ---------------------------------------------------------------------------

    def _invites_context(
        self, db: Database, settings: Settings, lieu: Lieu, errors: dict, now: datetime
    ) -> dict:
        invites = members_db.list_invites(db, lieu.id)
        return {
            "lieu": lieu,
            "invites": invites,
            "errors": errors,
            "now": now,
            "zone": settings.zone,
        }

    @get("/invites", sync_to_thread=True)
    def invites(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        now: datetime,
    ) -> Template:
        require_manager(identity, lieu)
        return Template(
            "manage/invites.html", context=self._invites_context(db, settings, lieu, {}, now)
        )

    @post("/invites", sync_to_thread=True)
    def create_invite(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Template:
        by = require_manager(identity, lieu)
        try:
            form = forms.parse(data, forms.InviteForm)
        except forms.FormErrors as error:
            context = self._invites_context(db, settings, lieu, error.errors, now)
            return _again(request, "manage/invites.html", context)
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
        return Template(
            "manage/invite_created.html",
            context={
                "lieu": lieu,
                "link": link,
                "qr": qr_svg(link, scale=8 if reusable else 5),
                "role": form.role,
                "reusable": reusable,
            },
        )

    @post("/invites/{invite_id:int}/revoke", sync_to_thread=True)
    def revoke_invite(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        invite_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        invite = members_db.get_invite_by_id(db, invite_id)
        if invite is None or invite.lieu_id != lieu.id:
            raise NotFoundException("Cette invitation n'existe pas dans ce lieu.")
        actions.revoke_invite(db, lieu, invite_id, by=by, now=now)
        return _done(request, f"/manage/{lieu.slug}/invites")

    # --- opening hours --------------------------------------------------------------------

    def _hours_context(self, db, settings, lieu, *, now: datetime, **extra) -> dict:
        hours = hours_db.get_hours(db, lieu.id)
        today = now.astimezone(settings.zone).date()
        holidays = public_holidays(range(today.year, today.year + 2), iris_day=settings.iris_day)
        values = extra.pop("values", None) or hours_form.hours_values(hours)
        return {
            "lieu": lieu,
            "values": values,
            "errors": {},
            "rows": hours_form.exception_rows(values),
            "slots_per_day": hours_form.SLOTS_PER_DAY,
            "preview": hours_form.week_preview(hours, today, holidays),
            "osm": to_osm(hours, start=today, holidays=holidays, zone=settings.zone),
            "known": hours.known,
            "closed_dates": _closed_dates(db, settings, lieu, hours, now),
            "closed_key": closures.key,
            "closed_errors": {},
            **extra,
        }

    @get("/hours", sync_to_thread=True)
    def hours(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        now: datetime,
    ) -> Template:
        require_manager(identity, lieu)
        return Template(
            "manage/hours.html", context=self._hours_context(db, settings, lieu, now=now)
        )

    @post("/hours", sync_to_thread=True)
    def save_hours(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        try:
            slots, exceptions, rule = hours_form.parse_hours(data)
        except forms.FormErrors as error:
            context = self._hours_context(
                db, settings, lieu, now=now, values=data, errors=error.errors
            )
            return _again(request, "manage/hours.html", context)
        actions.replace_hours(
            db, lieu, slots=slots, exceptions=exceptions, holiday_rule=rule, by=by, now=now
        )
        return _done(request, f"/manage/{lieu.slug}/hours?saved=1")

    @post("/hours/osm", sync_to_thread=True)
    def import_osm_hours(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        """Replace the hours from an OpenStreetMap `opening_hours` string."""
        by = require_manager(identity, lieu)
        text = str(data.get("osm") or "").strip()
        today = now.astimezone(settings.zone).date()
        holidays = public_holidays(range(today.year, today.year + 3), iris_day=settings.iris_day)
        error = None
        if not text:
            error = (forms._("Ce champ est obligatoire."), {})
        elif len(text) > forms.NOTE_MAX:
            error = (forms._("Trop long : %(max)s caractères au maximum."), {"max": forms.NOTE_MAX})
        else:
            try:
                slots, exceptions, rule = from_osm(text, today=today, holidays=holidays)
            except OsmError:
                error = (OSM_UNREADABLE, {})
        if error:
            context = self._hours_context(
                db, settings, lieu, now=now, errors={"osm": error}, osm_typed=text
            )
            return _again(request, "manage/hours.html", context)
        actions.replace_hours(
            db, lieu, slots=slots, exceptions=exceptions, holiday_rule=rule, by=by, now=now
        )
        return _done(request, f"/manage/{lieu.slug}/hours?saved=1")

    @post("/hours/closures", sync_to_thread=True)
    def cancel_closed_dates(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        """Cancel the ticked dates that fall in a closure, each with the closure's note."""
        by = require_manager(identity, lieu)
        raw = data.get("date") or []
        chosen = {raw} if isinstance(raw, str) else {str(value) for value in raw}
        # Only what is still in a closure now counts, whatever the form said.
        hours = hours_db.get_hours(db, lieu.id)
        dates = [
            (o.activity_id, o.recurrence_id, closure.note)
            for o, closure in _closed_dates(db, settings, lieu, hours, now)
            if closures.key(o) in chosen
        ]
        if not dates:
            context = self._hours_context(
                db, settings, lieu, now=now, closed_errors={"date": (NO_DATE_CHOSEN, {})}
            )
            return _again(request, "manage/hours.html", context)
        done = actions.cancel_dates(db, lieu, dates, by=by, zone=settings.zone, now=now)
        return _done(request, f"/manage/{lieu.slug}/hours?cancelled={done}#closed-dates")

    # --- the lieu's rules -----------------------------------------------------------------

    @get("/settings", sync_to_thread=True)
    def rules(self, db: Database, lieu: Lieu, identity: Identity | None) -> Template:
        require_manager(identity, lieu)
        values = msgspec.to_builtins(members_db.get_rules(db, lieu.id))
        return Template(
            "manage/settings.html", context={"lieu": lieu, "values": values, "errors": {}}
        )

    @post("/settings", sync_to_thread=True)
    def save_rules(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        identity: Identity | None,
        data: Form,
        now: datetime,
    ) -> Response:
        by = require_manager(identity, lieu)
        try:
            form = forms.parse(data, forms.RulesForm)
        except forms.FormErrors as error:
            context = {"lieu": lieu, "values": data, "errors": error.errors}
            return _again(request, "manage/settings.html", context)
        rules = members_db.LieuRules(**msgspec.structs.asdict(form))
        actions.set_rules(db, lieu, rules, by=by, now=now)
        return _done(request, f"/manage/{lieu.slug}/settings?saved=1")

    # --- audit log -------------------------------------------------------------------------

    @get("/audit", sync_to_thread=True)
    def audit_log(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
    ) -> Template:
        require_manager(identity, lieu)
        entries = audit.list_entries(db, lieu.id)
        return Template(
            "manage/audit.html",
            context={"lieu": lieu, "entries": entries, "zone": settings.zone},
        )


class PublicProposalController(Controller):
    """Proposals from people without an account, when the lieu allows them (off by default)."""

    path = "/propose/{slug:str}"
    include_in_schema = False
    dependencies = {"lieu": Provide(provide_lieu, sync_to_thread=True)}

    def _open(self, db: Database, lieu: Lieu) -> None:
        if not members_db.get_rules(db, lieu.id).public_proposals:
            raise NotFoundException("Ce lieu ne reçoit pas de propositions sans compte.")

    def _context(self, lieu: Lieu, **extra) -> dict:
        return _form_context(
            lieu, proposing=True, public=True, action=f"/propose/{lieu.slug}", **extra
        )

    @get("/", sync_to_thread=True)
    def form(self, db: Database, lieu: Lieu) -> Template:
        self._open(db, lieu)
        return Template("manage/activity_form.html", context=self._context(lieu))

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
        self._open(db, lieu)
        fields = dict(data)
        # A field people never see (hidden by CSS): only form-filling robots put text in it.
        if str(fields.pop(HONEYPOT, "") or "").strip():
            return _done(request, f"/propose/{lieu.slug}?sent=1")
        name = fields.pop("proposer_name", "")
        errors: dict = {}
        try:
            name = forms.parse({"display_name": name}, forms.DisplayNameForm).display_name
        except forms.FormErrors as error:
            errors["proposer_name"] = error.errors["display_name"]
        try:
            write = forms.to_write(forms.parse_activity(fields), settings.zone)
        except forms.FormErrors as error:
            errors.update(error.errors)
        if errors:
            context = self._context(lieu, values=data, errors=errors)
            return _again(request, "manage/activity_form.html", context)
        actions.propose(db, lieu, write, by=None, name=name, now=now)
        return _done(request, f"/propose/{lieu.slug}?sent=1")
