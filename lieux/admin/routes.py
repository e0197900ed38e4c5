"""The network admin area, /admin: network admins only (the `by` dependency, declared once)."""

from datetime import datetime

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.response import Template
from sqlite_utils import Database

from lieux.admin import actions, followup
from lieux.admin.forms import NAME_TAKEN, parse_helpline, parse_new_lieu
from lieux.db import network
from lieux.db import reports as reports_db
from lieux.db.lieux import get_lieu
from lieux.db.outbox import list_messages
from lieux.i18n import mark as _
from lieux.mail.models import UNDELIVERED
from lieux.manage import audit_trail
from lieux.manage.audit_view import describe_entry
from lieux.manage.forms import FormErrors
from lieux.manage.responses import Form, again, back_to, done
from lieux.members.guards import FOR_ADMINS
from lieux.members.invites import issue_invite
from lieux.models import COMMUNES_NL, Lieu
from lieux.qr import qr_svg
from lieux.reports.models import NOTE_MAX as REPORT_NOTE_MAX
from lieux.settings import Settings

# The newest undelivered e-mails on the admin page; `lieux outbox list` shows them all.
UNDELIVERED_SHOWN = 20
HELPLINES = "/admin/helplines"
LOG = "/admin/audit"
CANNOT_RESTORE = _("Cette version ne peut pas être rétablie.")


def _lieu(db: Database, slug: str) -> Lieu:
    lieu = get_lieu(db, slug, archived=True)
    if lieu is None:
        raise NotFoundException(f"Aucun lieu « {slug} »")
    return lieu


def _helplines_context(db: Database, errors: dict | None = None, **extra) -> dict:
    """The context of admin/helplines.html; `errors`/`values` belong to the form `editing`
    (a helpline id, or "new")."""
    return {
        "helplines": network.list_helpline_rows(db),
        "errors": errors or {},
        "values": {},
        "editing": None,
        **extra,
    }


def _new_lieu_context(**extra) -> dict:
    return {"communes": sorted(COMMUNES_NL), "errors": {}, "values": {}, **extra}


class AdminController(Controller):
    path = "/admin"
    include_in_schema = False
    dependencies = FOR_ADMINS

    @get("", sync_to_thread=True)
    def lieux(
        self, db: Database, settings: Settings, now: datetime, by: int, attention: bool = False
    ) -> Template:
        reports = reports_db.open_reports(db)
        rows = followup.follow_up(
            network.lieux_with_counts(db),
            now,
            settings.hours_stale_days,
            attention=attention,
            reports=reports,
        )
        context = {
            "rows": rows,
            "attention": attention,
            "zone": settings.zone,
            "stale_days": settings.hours_stale_days,
            "reports": reports,
            "report_note_max": REPORT_NOTE_MAX,
            # admin/_undelivered.html: e-mail nobody will receive unless someone acts
            "undelivered": list_messages(db, states=UNDELIVERED, limit=UNDELIVERED_SHOWN),
        }
        return Template("admin/lieux.html", context=context)

    @get("/lieux/new", sync_to_thread=True)
    def new_lieu_form(self, by: int) -> Template:
        return Template("admin/new_lieu.html", context=_new_lieu_context())

    @post("/lieux", sync_to_thread=True)
    def create_lieu(
        self, request: Request, db: Database, now: datetime, by: int, data: Form
    ) -> Response:
        try:
            form = parse_new_lieu(data)
        except FormErrors as error:
            context = _new_lieu_context(errors=error.errors, values=data)
            return again(request, "admin/new_lieu.html", context)
        lieu = actions.create_lieu(db, form, by=by, now=now)
        # Its invites page, inviting a co-manager by default (a lieu without one has nobody).
        return done(request, f"/manage/{lieu.slug}/invites", "lieu-created", target="invite-form")

    @post("/lieux/{slug:str}/archive", sync_to_thread=True)
    def archive(
        self, request: Request, db: Database, now: datetime, by: int, slug: str, data: Form
    ) -> Response:
        lieu = _lieu(db, slug)
        with audit_trail.collect() as entries:
            if lieu.archived_at is None:
                actions.set_archived(db, lieu, True, by=by, now=now)
        return done(request, "/admin", "lieu-archived", target=f"lieu-{slug}", entries=entries)

    @post("/lieux/{slug:str}/restore", sync_to_thread=True)
    def restore(
        self, request: Request, db: Database, now: datetime, by: int, slug: str, data: Form
    ) -> Response:
        lieu = _lieu(db, slug)
        with audit_trail.collect() as entries:
            if lieu.archived_at is not None:
                actions.set_archived(db, lieu, False, by=by, now=now)
        return done(request, "/admin", "lieu-restored", target=f"lieu-{slug}", entries=entries)

    @get("/helplines", sync_to_thread=True)
    def helplines(self, db: Database, by: int) -> Template:
        return Template("admin/helplines.html", context=_helplines_context(db))

    @post("/helplines", sync_to_thread=True)
    def add_helpline(
        self, request: Request, db: Database, now: datetime, by: int, data: Form
    ) -> Response:
        try:
            helpline = parse_helpline(data)
            if network.helpline_name_taken(db, helpline.name):
                raise FormErrors({"name": NAME_TAKEN})
        except FormErrors as error:
            context = _helplines_context(db, error.errors, values=data, editing="new")
            return again(request, "admin/helplines.html", context)
        with audit_trail.collect() as entries:
            helpline_id = actions.add_helpline(db, helpline, by=by, now=now)
        target = f"helpline-{helpline_id}"
        return done(request, HELPLINES, "helpline-added", target=target, entries=entries)

    @post("/helplines/{helpline_id:int}", sync_to_thread=True)
    def edit_helpline(
        self, request: Request, db: Database, now: datetime, by: int, helpline_id: int, data: Form
    ) -> Response:
        if network.get_helpline(db, helpline_id) is None:
            raise NotFoundException(_("Cette ligne d'écoute n'existe pas."))
        try:
            helpline = parse_helpline(data)
            if network.helpline_name_taken(db, helpline.name, other_than=helpline_id):
                raise FormErrors({"name": NAME_TAKEN})
        except FormErrors as error:
            context = _helplines_context(db, error.errors, values=data, editing=helpline_id)
            return again(request, "admin/helplines.html", context)
        with audit_trail.collect() as entries:
            actions.edit_helpline(db, helpline_id, helpline, by=by, now=now)
        notice = "helpline-saved" if entries else "helpline-unchanged"
        target = f"helpline-{helpline_id}"
        return done(request, HELPLINES, notice, target=target, entries=entries)

    @post("/helplines/{helpline_id:int}/delete", sync_to_thread=True)
    def remove_helpline(
        self, request: Request, db: Database, now: datetime, by: int, helpline_id: int, data: Form
    ) -> Response:
        if network.get_helpline(db, helpline_id) is None:
            raise NotFoundException(_("Cette ligne d'écoute n'existe pas."))
        with audit_trail.collect() as entries:
            actions.remove_helpline(db, helpline_id, by=by, now=now)
        # Its place on the page is gone: the notice (and its undo) shows on top.
        return done(request, HELPLINES, "helpline-removed", entries=entries)

    @post("/invites", sync_to_thread=True)
    def invite_admin(
        self, db: Database, settings: Settings, now: datetime, by: int, data: Form
    ) -> Template:
        link = issue_invite(
            db, lieu_id=None, role="admin", base_url=settings.base_url, now=now, by=by
        )
        return Template("admin/invite_created.html", context={"link": link, "qr": qr_svg(link)})

    @get("/audit", sync_to_thread=True)
    def audit(self, db: Database, settings: Settings, by: int) -> Template:
        views = [
            msgspec.structs.replace(
                describe_entry(e, settings.zone, subject=e.lieu_name or ""),
                undoable=actions.restorable(e),
            )
            for e in network.network_entries(db)
        ]
        return Template("admin/audit.html", context={"entries": views, "zone": settings.zone})

    @post("/audit/{entry_id:int}/restore", sync_to_thread=True)
    def restore_version(
        self, request: Request, db: Database, now: datetime, by: int, entry_id: int, data: Form
    ) -> Response:
        """Put back the version from before an entry (from the log, or a notice's "Annuler");
        back where it was asked (`back`, `at`), else to the log."""
        entry = network.get_network_entry(db, entry_id)
        if entry is None or not actions.restorable(entry):
            raise NotFoundException(_("Aucune version à rétablir pour cette entrée."))
        try:
            with audit_trail.collect() as entries:
                actions.restore_version(db, entry, by=by, now=now)
        except actions.NotRestorable as refused:
            raise ClientException(refused.reason or CANNOT_RESTORE, status_code=409) from None
        url, target = back_to(data, prefix="/admin", default=LOG)
        if url == LOG:
            target = f"entry-{entries[-1]}"
        elif entry.entity == "helpline" and network.get_helpline(db, entry.entity_id) is None:
            target = ""  # it is gone from the page: the notice (and its undo) shows on top
        return done(request, url, "version-restored", target=target, entries=entries)
