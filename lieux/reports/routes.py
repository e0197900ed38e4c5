"""Signaler un problème: the public form of a lieu (GET/POST /lieux/{slug}/report), and the
follow-up of a lieu's reports by its co-managers and the network admins (/manage/{slug}/reports).

The public form is a plain page and a plain post: no JavaScript, no account. Anyone may write
through it, so it gets what the public proposal form (/propose/{slug}) has: CSRF, a honeypot,
the forms' text rules, and a rate limit per client address.
"""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import DURATION_VALUES, RateLimitConfig
from litestar.response import Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_410_GONE
from sqlite_utils import Database

from lieux.db import reports as reports_db
from lieux.db.lieux import get_lieu
from lieux.i18n import current_lang, pick_language
from lieux.i18n import mark as _
from lieux.manage.forms import FormErrors
from lieux.manage.responses import PATH, Form, again, done
from lieux.members.guards import FOR_MANAGERS
from lieux.members.models import Identity
from lieux.models import Lieu
from lieux.refusal import NO_LIEU
from lieux.reports import actions
from lieux.reports.forms import filled_by_a_robot, parse_report, parse_resolve
from lieux.reports.models import CONTACT_MAX, KINDS, MESSAGE_MAX, NOTE_MAX, Report
from lieux.settings import Settings
from lieux.web.errors import Refused
from lieux.web.headline import lieu_headline
from lieux.widget.cache import cache_of

# A person reports one lieu, perhaps three; a school's or a CPAS's shared connection a few more.
# Past this, from one address within the hour, it is a robot or a flood.
REPORT_RATE = RateLimitConfig(rate_limit=("hour", 10), store="rate_limit_reports")
# The page of an archived lieu: old links and printed QR codes still lead here.
ARCHIVED_FOR_VISITORS = _("Ce lieu ne fait plus partie de la liste du réseau.")
NO_REPORT = _("Ce signalement n'existe pas pour ce lieu.")
ALREADY_RESOLVED = _("Ce signalement a déjà été traité.")
# Where a resolve form sends the person back, by its `back` field (never a URL from the form).
# `?resolved=1` says it is done, and makes it another URL than the page the form was on: htmx
# (HX-Redirect) would only scroll to a fragment of the same page, not load it again.
BACK = {
    "dashboard": "/manage/{slug}?resolved=1#reports",
    "reports": "/manage/{slug}/reports?resolved=1",
    "admin": "/admin?resolved=1#reports",
}


def provide_public_lieu(db: Database, slug: str) -> Lieu:
    """The public lieu, or 404 (410 if the network archived it), as its page answers."""
    lieu = get_lieu(db, slug)
    if lieu is None:
        if get_lieu(db, slug, archived=True) is not None:
            raise Refused(ARCHIVED_FOR_VISITORS, status_code=HTTP_410_GONE)
        raise Refused(NO_LIEU, status_code=HTTP_404_NOT_FOUND, name=slug)
    return lieu


def _form_page(request: Request, lieu: Lieu, now: datetime, **extra) -> dict:
    lang = current_lang.get()
    return {
        "lieu": lieu,
        "headline": lieu_headline(cache_of(request), lieu, now, lang, now),
        "action": f"/lieux/{lieu.slug}/report?lang={lang}",
        "kinds": KINDS,
        "values": {},
        "errors": {},
        "sent": False,
        "message_max": MESSAGE_MAX,
        "contact_max": CONTACT_MAX,
        **extra,
    }


def too_many_reports(request: Request, exc: TooManyRequestsException) -> Template:
    """The rate limit's answer, for people: what happened and what to do instead (call)."""
    current_lang.set(pick_language(request))  # the limit answers before the language is set
    headers = {name.lower(): value for name, value in (exc.headers or {}).items()}
    reset = headers.get("ratelimit-reset", "")
    seconds = int(reset) if reset.isdigit() else DURATION_VALUES[REPORT_RATE.rate_limit[0]]
    headers["retry-after"] = str(seconds)
    return Template(
        "reports/too_many.html",
        context={"slug": request.path_params.get("slug", ""), "minutes": -(-seconds // 60)},
        status_code=exc.status_code,
        headers=headers,
    )


class ReportController(Controller):
    path = "/lieux/{slug:str}/report"
    include_in_schema = False
    dependencies = {"lieu": Provide(provide_public_lieu, sync_to_thread=False)}

    @get("/", sync_to_thread=True)
    def form(self, request: Request, lieu: Lieu, now: datetime, sent: bool = False) -> Template:
        return Template("reports/report.html", context=_form_page(request, lieu, now, sent=sent))

    @post(
        "/",
        sync_to_thread=True,
        middleware=[REPORT_RATE.middleware],
        exception_handlers={TooManyRequestsException: too_many_reports},
    )
    def send(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        data: Form,
        now: datetime,
    ) -> Response:
        lang = current_lang.get()
        sent = f"/lieux/{lieu.slug}/report?sent=1&lang={lang}"
        if filled_by_a_robot(data):
            return done(request, sent)  # a robot learns nothing; nothing is stored
        try:
            form = parse_report(data)
        except FormErrors as error:
            context = _form_page(request, lieu, now, values=data, errors=error.errors)
            return again(request, "reports/report.html", context)
        shown = actions.shown_now(cache_of(request), lieu, now)
        actions.report(db, lieu, form, shown=shown, lang=lang, settings=settings, now=now)
        return done(request, sent)


def _report_of(db: Database, lieu: Lieu, report_id: int) -> Report:
    """The lieu's report, or 404 (another lieu's report is not found here)."""
    report = reports_db.get_report(db, report_id)
    if report is None or report.lieu_id != lieu.id:
        raise Refused(NO_REPORT, status_code=HTTP_404_NOT_FOUND)
    return report


def _list_page(
    db: Database, settings: Settings, lieu: Lieu, identity: Identity | None, **extra
) -> dict:
    return {
        "lieu": lieu,
        "identity": identity,
        "manager": True,  # FOR_MANAGERS let only them in
        "reports": reports_db.list_reports(db, lieu.id),
        "zone": settings.zone,
        "values": {},
        "errors": {},
        "error_for": None,
        "report_note_max": NOTE_MAX,
        **extra,
    }


class ReportFollowUpController(Controller):
    """A lieu's reports: its co-managers and the network admins read and resolve them."""

    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/reports", sync_to_thread=True)
    def reports(
        self, db: Database, settings: Settings, lieu: Lieu, identity: Identity | None, by: int
    ) -> Template:
        return Template("reports/reports.html", context=_list_page(db, settings, lieu, identity))

    @post("/reports/{report_id:int}/resolve", sync_to_thread=True)
    def resolve(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        report_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        report = _report_of(db, lieu, report_id)
        if report.open:
            try:
                form = parse_resolve(data)
            except FormErrors as error:
                errors, values = error.errors, data
                context = _list_page(
                    db, settings, lieu, identity, values=values, errors=errors, error_for=report_id
                )
                return again(request, "reports/reports.html", context)
            try:
                actions.resolve(db, lieu, report, form, by=by, now=now)
            except actions.AlreadyResolved:
                pass  # by someone else, a moment ago: said below
            else:
                return done(request, BACK[form.back].format(slug=lieu.slug))
        errors = {"resolution": (ALREADY_RESOLVED, {})}
        context = _list_page(db, settings, lieu, identity, errors=errors, error_for=report_id)
        return again(request, "reports/reports.html", context, status=409)


CONTROLLERS = [ReportController, ReportFollowUpController]
