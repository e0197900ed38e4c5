"""A visitor reports a problem with a lieu; a co-manager or a network admin resolves it. Each
write with its audit entry in the same transaction.

The audit log keeps what a report is about (its kind, what the site said), never what the
visitor typed or how to reach them: those stay in the report alone, which only the lieu's
co-managers and the network admins read.
"""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import reports as reports_db
from lieux.manage import audit_trail
from lieux.models import Lieu
from lieux.reports.models import Report, ReportForm, ResolveForm, Shown
from lieux.settings import Settings
from lieux.widget.cache import OpenNowCache

# Who acted, in the lieu's audit log, when a visitor without an account did.
VISITOR = "visitor"


class AlreadyResolved(Exception):
    """Someone resolved the report meanwhile (another co-manager, an admin)."""


def shown_now(cache: OpenNowCache, lieu: Lieu, now: datetime) -> Shown:
    """What the lieu page and the widget say of the lieu at `now`: the open-now engine's
    answer, live status and stale hours included."""
    # French: the language only names holidays in the answer's note, which is not kept.
    answer = cache.snapshot(now).state_of(lieu, now, cache.settings.zone, "fr")
    return Shown(
        state=answer.state,
        source=answer.source,
        hours_stale=answer.hours_stale,
        until=answer.next_change,
    )


def report(
    db: Database,
    lieu: Lieu,
    form: ReportForm,
    *,
    shown: Shown,
    lang: str,
    settings: Settings,
    now: datetime,
) -> Report:
    """Store a visitor's report on `lieu`; the lieu's co-managers and the admins see it.
    `settings`: what the e-mail to the co-managers needs (the mail settings, the base URL)."""
    with db.atomic():
        report_id = reports_db.insert_report(
            db,
            lieu.id,
            kind=form.kind,
            message=form.message,
            contact=form.contact,
            lang=lang,
            shown=shown,
            now=now,
        )
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=None,
            actor=VISITOR,
            action="create",
            entity="report",
            entity_id=report_id,
            after={"kind": form.kind, "shown": shown.state},
            now=now,
        )
        stored = reports_db.get_report(db, report_id)
        # mail: notify co-managers. Here, in this transaction, so that the report and its
        # e-mail are kept together or not at all (docs/mail.md), e.g.
        #   for to in lieu_recipients(db, lieu.id, "reports"):
        #       enqueue(db, to=to, template="report", context={"lieu": lieu, "report": stored},
        #               topic="reports", settings=settings, now=now)
    return stored


def resolve(
    db: Database, lieu: Lieu, report: Report, form: ResolveForm, *, by: int, now: datetime
) -> Report:
    """Close an open report as fixed or not an error, with an optional note; audited."""
    with db.atomic():
        if not reports_db.resolve_report(
            db, report.id, form.resolution, note=form.note, by=by, now=now
        ):
            raise AlreadyResolved
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="resolve",
            entity="report",
            entity_id=report.id,
            before={"kind": report.kind, "shown": report.shown.state, "resolution": None},
            after={
                "kind": report.kind,
                "shown": report.shown.state,
                "resolution": form.resolution,
                "note": form.note,
            },
            now=now,
        )
        return reports_db.get_report(db, report.id)
