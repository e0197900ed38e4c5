"""A lieu's activities, for its co-managers: create, edit (or split) a series, cancel, delete,
restore, and change one date of a series."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlite_utils import Database

from lieux.calendar.describe import describe_rule
from lieux.calendar.models import Activity
from lieux.calendar.recurrence import occurrences
from lieux.calendar.rules import is_occurrence
from lieux.db import audit
from lieux.manage import actions, audit_trail, forms
from lieux.manage.responses import (
    PATH,
    Form,
    activity_of,
    again,
    done,
    form_context,
    version,
)
from lieux.manage.routes.audit import entry_views
from lieux.members.guards import FOR_MANAGERS
from lieux.models import Lieu
from lieux.settings import Settings

NOT_AN_OCCURRENCE = forms._("Cette date n'est pas une occurrence de la série.")
# How far ahead the occurrence list of a series looks.
OCCURRENCE_WINDOW = timedelta(weeks=10)
FORM = "manage/activity_form.html"
# Where an activity's page shows what a form did: its summary on top, its "cancel or delete"
# section, one of its dates (date_target).
SAVED_TARGET = "saved"
STATUS_TARGET = "activity-status"


def date_target(recurrence_id: datetime) -> str:
    """The id of one date's row on the activity's page (manage/activity_form.html)."""
    return f"date-{recurrence_id:%Y%m%dt%H%M}"


def edit_context(
    db: Database, settings: Settings, lieu: Lieu, activity: Activity, *, now: datetime, **extra
) -> dict:
    """The context of an activity's page; `extra` (errors, what was typed) overrides it."""
    upcoming = occurrences(activity, now, now + OCCURRENCE_WINDOW, settings.zone)
    context = form_context(
        lieu,
        activity=activity,
        occurrences=upcoming if activity.rrule else [],
        values=forms.form_values(actions.as_write(activity), activity.version, settings.zone),
        action=f"/manage/{lieu.slug}/activities/{activity.id}",
        history=entry_views(
            audit.list_entries(db, lieu.id, entity="activity", entity_id=activity.id), settings
        ),
        zone=settings.zone,
        # What the saved series means in words ("chaque mardi"), said after each save.
        rule_text=describe_rule(activity),
    )
    return {**context, **extra}


def conflict_extra(db: Database, lieu: Lieu, current: Activity, data: dict) -> dict:
    """Someone saved in between: their version, and ours kept in the form to re-save."""
    last = audit.list_entries(db, lieu.id, entity="activity", entity_id=current.id, limit=1)
    return {
        "conflict": {
            "by": last[0].member_name if last else None,
            "at": last[0].at if last else current.updated_at,
            "current": current,
        },
        # The form keeps what this person typed, now based on the saved version: saving
        # again is a deliberate choice to replace the other's changes.
        "values": {**data, "version": current.version},
    }


@dataclass(frozen=True)
class Editing:
    """One request on an activity's page, for the answers that show the page again."""

    request: Request
    db: Database
    settings: Settings
    lieu: Lieu
    now: datetime

    def again(self, activity: Activity, *, status: int = 400, **extra) -> Template:
        """The activity's page again, with `extra` (errors, what was typed) in its form."""
        context = edit_context(self.db, self.settings, self.lieu, activity, now=self.now, **extra)
        return again(self.request, FORM, context, status=status)

    def conflict(self, activity_id: int, data: dict) -> Template:
        """Someone saved in between: 409, their version shown, ours kept in the form."""
        current = activity_of(self.db, self.lieu, activity_id)
        extra = conflict_extra(self.db, self.lieu, current, data)
        return self.again(current, status=409, **extra)

    def set_cancelled(self, activity_id: int, cancelled: bool, *, by: int, data: dict) -> Response:
        """Cancel or restore a whole activity."""
        activity = activity_of(self.db, self.lieu, activity_id)
        zone = self.settings.zone
        try:
            with audit_trail.collect() as entries:
                actions.set_activity_cancelled(
                    self.db,
                    self.lieu,
                    activity,
                    cancelled,
                    version=version(data),
                    by=by,
                    zone=zone,
                    now=self.now,
                )
        except actions.StaleActivity:
            return self.conflict(activity_id, data)
        notice = "activity-cancelled" if cancelled else "activity-uncancelled"
        url = f"/manage/{self.lieu.slug}/activities/{activity_id}"
        return done(self.request, url, notice, target=STATUS_TARGET, entries=entries)


class ActivityController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/activities/new", sync_to_thread=True)
    def new_activity(self, lieu: Lieu, by: int) -> Template:
        context = form_context(lieu, action=f"/manage/{lieu.slug}/activities")
        return Template(FORM, context=context)

    @post("/activities", sync_to_thread=True)
    def create_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        try:
            write = forms.to_write(forms.parse_activity(data), settings.zone)
        except forms.FormErrors as error:
            action = f"/manage/{lieu.slug}/activities"
            context = form_context(lieu, values=data, errors=error.errors, action=action)
            return again(request, FORM, context)
        uid = actions.uid_for(lieu, settings.base_url)
        try:
            with audit_trail.collect() as entries:
                activity_id = actions.create_activity(
                    db, lieu, write, by=by, uid=uid, zone=settings.zone, now=now
                )
        except actions.LieuFull as full:
            action = f"/manage/{lieu.slug}/activities"
            errors = {"lieu": (full.message, full.params)}
            context = form_context(lieu, values=data, errors=errors, action=action)
            return again(request, FORM, context, status=409)
        url = f"/manage/{lieu.slug}/activities/{activity_id}"
        return done(request, url, "activity-created", target=SAVED_TARGET, entries=entries)

    @get("/activities/{activity_id:int}", sync_to_thread=True)
    def edit_activity(
        self,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        now: datetime,
    ) -> Template:
        activity = activity_of(db, lieu, activity_id)
        return Template(FORM, context=edit_context(db, settings, lieu, activity, now=now))

    @post("/activities/{activity_id:int}", sync_to_thread=True)
    def update_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        activity = activity_of(db, lieu, activity_id)
        page = Editing(request, db, settings, lieu, now)
        try:
            form = forms.parse_activity(data)
            write = forms.to_write(form, settings.zone, activity.rrule)
            split = form.split_from.replace(tzinfo=None) if form.split_from else None
            if split == activity.starts_at:
                split = None
            if split is not None and not is_occurrence(activity, split, settings.zone):
                raise forms.FormErrors({"split_from": (NOT_AN_OCCURRENCE, {})})
        except forms.FormErrors as error:
            errors = error.errors
            return page.again(activity, values=data, errors=errors)
        common = {"version": form.version, "by": by, "zone": settings.zone, "now": now}
        try:
            with audit_trail.collect() as entries:
                if split is None:
                    actions.update_activity(db, lieu, activity, write, **common)
                else:
                    uid = actions.uid_for(lieu, settings.base_url)
                    activity_id = actions.split_series(
                        db, lieu, activity, split, write, uid=uid, **common
                    )
        except actions.StaleActivity:
            return page.conflict(activity.id, data)
        notice = (
            "activity-split" if split else "activity-saved" if entries else "activity-unchanged"
        )
        url = f"/manage/{lieu.slug}/activities/{activity_id}"
        return done(request, url, notice, target=SAVED_TARGET, entries=entries)

    @post("/activities/{activity_id:int}/cancel", sync_to_thread=True)
    def cancel_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        page = Editing(request, db, settings, lieu, now)
        return page.set_cancelled(activity_id, True, by=by, data=data)

    @post("/activities/{activity_id:int}/uncancel", sync_to_thread=True)
    def uncancel_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        page = Editing(request, db, settings, lieu, now)
        return page.set_cancelled(activity_id, False, by=by, data=data)

    @post("/activities/{activity_id:int}/delete", sync_to_thread=True)
    def delete_activity(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        activity = activity_of(db, lieu, activity_id)
        page = Editing(request, db, settings, lieu, now)
        try:
            with audit_trail.collect() as entries:
                actions.delete_activity(db, lieu, activity, version=version(data), by=by, now=now)
        except actions.StaleActivity:
            return page.conflict(activity_id, data)
        except LookupError:
            raise NotFoundException("Cette activité est déjà supprimée.") from None
        # The dashboard's list of deleted activities, where it can be restored.
        target = f"deleted-{activity_id}"
        return done(
            request, f"/manage/{lieu.slug}", "activity-deleted", target=target, entries=entries
        )

    @post("/activities/{activity_id:int}/restore", sync_to_thread=True)
    def restore_activity(
        self,
        request: Request,
        db: Database,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        activity_of(db, lieu, activity_id)
        try:
            with audit_trail.collect() as entries:
                actions.restore_activity(db, lieu, activity_id, by=by, now=now)
        except LookupError:
            raise NotFoundException("Cette activité n'est pas supprimée.") from None
        url = f"/manage/{lieu.slug}/activities/{activity_id}"
        return done(request, url, "activity-restored", target=SAVED_TARGET, entries=entries)

    @post("/activities/{activity_id:int}/occurrence", sync_to_thread=True)
    def change_occurrence(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        activity_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Cancel, restore, move or retitle one date (field `do`: cancel, restore, move, edit)."""
        activity = activity_of(db, lieu, activity_id)
        page = Editing(request, db, settings, lieu, now)
        try:
            do, rid, extra = forms.parse_occurrence_change(data)
            with audit_trail.collect() as entries:
                actions.change_occurrence(
                    db,
                    lieu,
                    activity,
                    rid,
                    action=f"{do}-occurrence",
                    version=version(data),
                    by=by,
                    zone=settings.zone,
                    now=now,
                    **extra,
                )
        except forms.FormErrors as error:
            return page.again(activity, occurrence_errors=error.errors)
        except ValueError:
            errors = {"recurrence_id": (NOT_AN_OCCURRENCE, {})}
            return page.again(activity, occurrence_errors=errors)
        except actions.StaleActivity:
            return page.conflict(activity_id, data)
        except actions.LieuFull as full:
            errors = {"recurrence_id": (full.message, full.params)}
            return page.again(activity, status=409, occurrence_errors=errors)
        notice = {"cancel": "date-cancelled", "restore": "date-restored", "move": "date-moved"}
        url = f"/manage/{lieu.slug}/activities/{activity_id}"
        target = date_target(rid)
        return done(request, url, notice.get(do, "date-edited"), target=target, entries=entries)
