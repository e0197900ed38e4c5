"""A visitor reports a problem with a lieu; a co-manager or a network admin resolves it. Each
write with its audit entry in the same transaction.

The audit log keeps what a report is about (its kind, what the site said), never what the
visitor typed or how to reach them: those stay in the report alone, which only the lieu's
co-managers and the network admins read.

The lieu's co-managers who gave an address and take "reports" mail get an e-mail with the
report, queued in the report's own transaction. The network admins get no e-mail per report:
they follow them all on /admin, and the weekly digest lists those still open
(lieux/campaigns/digest.py).
"""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import reports as reports_db
from lieux.db.members import get_member
from lieux.mail.outbox import enqueue, lieu_recipients
from lieux.manage import audit_trail
from lieux.models import Lieu
from lieux.reports.models import Report, ReportForm, ResolveForm, Shown
from lieux.settings import Settings
from lieux.widget.cache import OpenNowCache

# Who acted, in the lieu's audit log, when a visitor without an account did.
VISITOR = "visitor"
# A lieu has a handful of co-managers; a cap all the same, as on every loop over stored rows.
RECIPIENTS_MAX = 50
# The e-mail quotes the start of the visitor's message, enough to judge how urgent it is; the
# whole message (up to 1000 characters) is on the reports page the e-mail links to.
EXCERPT_CHARS = 300
EXCERPT_LINES = 8


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
        # In this transaction: the report and its e-mails are kept together or not at all.
        _mail_co_managers(db, lieu, stored, settings=settings, now=now)
    return stored


def excerpt(message: str) -> str:
    """The start of a visitor's message as the e-mail quotes it: blank lines dropped, at most
    EXCERPT_LINES lines and EXCERPT_CHARS characters, cut at a word, "…" when cut."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = "\n".join(lines[:EXCERPT_LINES])
    cut = len(lines) > EXCERPT_LINES
    if len(text) > EXCERPT_CHARS:
        text = text[: EXCERPT_CHARS + 1]
        text = text[: text.rfind(" ")] if " " in text[EXCERPT_CHARS // 2 :] else text[:-1]
        cut = True
    return text.rstrip() + "…" if cut else text


def _mail_co_managers(
    db: Database, lieu: Lieu, report: Report, *, settings: Settings, now: datetime
) -> int:
    """Queue the report's e-mail to each co-manager of `lieu` who gave an address and takes
    "reports" mail, in their language, in the caller's transaction; how many were queued.
    A lieu none of whose co-managers can be written to gets none: the admins' list shows its
    reports all the same."""
    if not settings.mail_enabled:
        return 0  # enqueue would refuse each one: spare the queries
    queued = 0
    for to in lieu_recipients(db, lieu.id, "reports")[:RECIPIENTS_MAX]:
        member = get_member(db, to.member_id) if to.member_id is not None else None
        context = {
            "lieu": lieu,
            "report": report,
            "name": member.display_name if member else "",
            "excerpt": excerpt(report.message),
            "zone": settings.zone,
            # The anchor is the report's own article on the page.
            "link": f"{settings.base_url}/manage/{lieu.slug}/reports?lang={to.lang}"
            f"#report-{report.id}",
        }
        if enqueue(
            db,
            to=to,
            template="report",
            context=context,
            topic="reports",
            settings=settings,
            now=now,
        ):
            queued += 1
    return queued


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
