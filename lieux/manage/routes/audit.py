"""The lieu's audit log: who changed what, when, before and after, in words; and undoing a
change (from the log, or from the notice a form's answer shows)."""

from datetime import datetime

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import activities as activities_db
from lieux.db import audit
from lieux.i18n import mark as _
from lieux.manage import audit_trail, notices, undo
from lieux.manage.audit_view import EntryView, describe_entry
from lieux.manage.responses import PATH, Form, back_to, done, form_list
from lieux.members.guards import FOR_MANAGERS
from lieux.models import Lieu
from lieux.settings import Settings

NOTHING_TO_UNDO = _("Aucun changement à annuler ici.")


def entry_views(entries: list[audit.AuditEntry], settings: Settings) -> list[EntryView]:
    """The entries as the log shows them, each saying whether it can be undone."""
    return [
        msgspec.structs.replace(describe_entry(e, settings.zone), undoable=undo.undoable(e))
        for e in entries
    ]


def landing(db: Database, lieu: Lieu, undone: list, data: dict, written: list[int]):
    """(page, element) after an undo: the page it was asked from, at the same place; the log
    at the new entry; for one activity, its page (or the dashboard's list of deleted ones,
    where it now is)."""
    home, log = f"/manage/{lieu.slug}", f"/manage/{lieu.slug}/audit"
    url, target = back_to(data, prefix=home, default=log)
    if url == log:
        return url, f"entry-{written[-1]}" if written else ""
    activities = {e.entity_id for e in undone if e.entity == "activity"}
    if len(activities) == 1 and len(undone) == 1:
        (activity_id,) = activities
        if activities_db.is_deleted(db, activity_id):
            return home, f"deleted-{activity_id}"
        if url == home:  # restored from the deleted list: its page, where it is again
            return f"{home}/activities/{activity_id}", "saved"
    return url, target


class AuditController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/audit", sync_to_thread=True)
    def audit_log(self, db: Database, settings: Settings, lieu: Lieu, by: int) -> Template:
        entries = entry_views(audit.list_entries(db, lieu.id), settings)
        context = {"lieu": lieu, "entries": entries, "zone": settings.zone}
        return Template("manage/audit.html", context=context)

    @post("/audit/undo", sync_to_thread=True)
    def undo_changes(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        by: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Undo the entries named (`entry`, one or several: the dates cancelled in one go),
        newest first, all or nothing; back where it was asked (`back`, a page of this lieu)."""
        ids = sorted({int(v) for v in form_list(data, "entry") if v.isascii() and v.isdigit()})
        entries = [audit.get_entry(db, i) for i in ids[: notices.MAX_ENTRIES]]
        if not entries or any(
            e is None or e.lieu_id != lieu.id or not undo.undoable(e) for e in entries
        ):
            raise NotFoundException(NOTHING_TO_UNDO)
        try:
            with db.atomic(), audit_trail.collect() as written:
                for entry in reversed(entries):
                    undo.undo(db, lieu, entry, by=by, zone=settings.zone, now=now)
        except undo.Refused as refused:
            raise ClientException(refused.reason, status_code=409) from None
        url, target = landing(db, lieu, entries, data, written)
        redo = [i for i in written if undo.undoable(audit.get_entry(db, i))]
        return done(request, url, "undone", target=target, entries=redo)
