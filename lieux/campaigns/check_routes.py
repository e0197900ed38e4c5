"""/check/{token}: a campaign's check page for one lieu, opened from an e-mail on a phone.

No account, no session, no cookie: the token in the path is the only credential (see
lieux/campaigns/access.py). The forms post back under the same path with the token alone:
CSRF protects a signed-in browser's session, which these routes neither read nor start, so
they are excluded from it (as /unsubscribe is) and rate-limited instead. The corrections go
through the members' own audited actions, with the actor "campaign".
"""

from datetime import datetime

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.response import Redirect, Template
from sqlite_utils import Database

from lieux.campaigns import actions
from lieux.campaigns.access import LinkRefused, access, opened
from lieux.campaigns.models import Access
from lieux.db import hours as hours_db
from lieux.db.profile import StaleLieu
from lieux.i18n import current_lang, pick_language
from lieux.i18n import mark as _
from lieux.manage import hours_form
from lieux.manage.forms import FormErrors
from lieux.manage.profile_form import (
    LANGUAGE_CODES,
    PRICES,
    STEP_FREE,
    language_choices,
    parse_profile,
    profile_values,
)
from lieux.manage.responses import Form
from lieux.models import COMMUNES_NL, commune_name
from lieux.settings import Settings
from lieux.web.freshness import hours_freshness
from lieux.web.headline import lieu_headline
from lieux.web.lieu_facts import language_names

# A person checking a lieu opens a few pages a minute; a script trying tokens gets stopped
# (a token is 256 random bits: this is against load, not guessing).
CHECK_RATE = RateLimitConfig(rate_limit=("minute", 60), store="rate_limit_check")
# The token is in the path: no other site may see it in a Referer, no search engine keep it,
# no shared cache hold the page.
PRIVATE = [
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="Cache-Control", value="no-store"),
    ResponseHeader(name="X-Robots-Tag", value="noindex"),
]
NOT_ASKED = _("Cette campagne ne demande pas de vérifier cela.")
# What the check page says after each action (a fixed set: nothing typed is echoed).
NOTICES = ("confirmed", "hours", "facts")


def provide_access(db: Database, token: str, now: datetime) -> Access:
    return access(db, token, now=now)


def refused(request: Request, error: LinkRefused) -> Response:
    """The page of a link that opens nothing: why, and whom to ask."""
    current_lang.set(pick_language(request))
    return Template(
        "campaigns/refused.html",
        context={"reason": error.reason},
        status_code=error.status,
        headers={header.name: header.value for header in PRIVATE},
    )


def _page_context(request: Request, settings: Settings, found: Access, db: Database, now):
    lang = current_lang.get()
    lieu = found.lieu
    notice = request.query_params.get("done")
    return {
        "found": found,
        "lieu": lieu,
        "campaign": found.campaign,
        "check": found.check,
        "hours": hours_db.get_hours(db, lieu.id),
        "headline": lieu_headline(request.app.state.open_now, lieu, now, lang, now),
        "freshness": hours_freshness(
            lieu.hours_verified_at,
            now,
            zone=settings.zone,
            stale_days=settings.hours_stale_days,
            lang=lang,
        ),
        "languages_spoken": language_names(lieu.languages, lang),
        "notice": notice if notice in NOTICES else None,
        "until": found.campaign.last_day(settings.zone),
    }


def _hours_context(found: Access, db: Database, **extra) -> dict:
    values = extra.pop("values", None) or hours_form.hours_values(
        hours_db.get_hours(db, found.lieu.id)
    )
    return {
        "found": found,
        "lieu": found.lieu,
        "values": values,
        "errors": {},
        **hours_form.form_context(values),
        **extra,
    }


def _facts_context(found: Access, **extra) -> dict:
    lang = current_lang.get()
    communes = sorted(COMMUNES_NL, key=lambda c: commune_name(c, lang).casefold())
    return {
        "found": found,
        "lieu": found.lieu,
        "values": profile_values(found.lieu),
        "errors": {},
        "conflict": None,
        "rename": False,  # only the network's coordination renames a lieu
        "communes": [(c, commune_name(c, lang)) for c in communes],
        "language_choices": language_choices(lang),
        "language_codes": LANGUAGE_CODES,
        "prices": PRICES,
        "step_free": STEP_FREE,
        **extra,
    }


def _back(token: str, notice: str) -> Redirect:
    lang = current_lang.get()
    return Redirect(f"/check/{token}?lang={lang}&done={notice}#top", status_code=303)


def _again(template: str, context: dict, status: int) -> Template:
    return Template(template, context=context, status_code=status)


def _asks(found: Access, *sections: str) -> None:
    if not set(sections) & set(found.campaign.sections):
        raise NotFoundException(NOT_ASKED)


class CheckController(Controller):
    path = "/check/{token:str}"
    include_in_schema = False
    dependencies = {"found": Provide(provide_access, sync_to_thread=False)}
    exception_handlers = {LinkRefused: refused}
    middleware = [CHECK_RATE.middleware]
    response_headers = PRIVATE
    # Every route here, GET too: no CSRF cookie is set, none is asked for.
    opt = {"exclude_from_csrf": True}

    @get("", sync_to_thread=True)
    def check(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        now: datetime,
        token: str,
        found: Access,
    ) -> Template:
        found = opened(db, found, now=now)
        context = _page_context(request, settings, found, db, now) | {"token": token}
        return Template("campaigns/check.html", context=context)

    @post("/confirm", sync_to_thread=True)
    def confirm(self, db: Database, now: datetime, token: str, found: Access) -> Redirect:
        """ "Tout est juste": one tap records it."""
        actions.confirm_all(db, found, now=now)
        return _back(token, "confirmed")

    @get("/hours", sync_to_thread=True)
    def hours(self, db: Database, token: str, found: Access) -> Template:
        _asks(found, "hours", "closures")
        context = _hours_context(found, db) | {"token": token}
        return Template("campaigns/check_hours.html", context=context)

    @post("/hours", sync_to_thread=True)
    def save_hours(
        self, db: Database, now: datetime, token: str, found: Access, data: Form
    ) -> Response:
        _asks(found, "hours", "closures")
        try:
            slots, exceptions, rule = hours_form.parse_hours(data)
        except FormErrors as error:
            context = _hours_context(found, db, values=data, errors=error.errors)
            return _again("campaigns/check_hours.html", context | {"token": token}, 400)
        actions.save_hours(db, found, slots, exceptions, rule, now=now)
        return _back(token, "hours")

    @get("/facts", sync_to_thread=True)
    def facts(self, token: str, found: Access) -> Template:
        _asks(found, "facts")
        context = _facts_context(found) | {"token": token}
        return Template("campaigns/check_facts.html", context=context)

    @post("/facts", sync_to_thread=True)
    def save_facts(
        self, db: Database, now: datetime, token: str, found: Access, data: Form
    ) -> Response:
        _asks(found, "facts")
        typed = {key: value for key, value in data.items() if key != "_csrf_token"}
        raw = data.get("languages") or []
        typed["languages"] = [raw] if isinstance(raw, str) else list(raw)
        try:
            values, version = parse_profile(data, rename=False)
        except FormErrors as error:
            context = _facts_context(found, values=typed, errors=error.errors)
            return _again("campaigns/check_facts.html", context | {"token": token}, 422)
        try:
            actions.save_facts(db, found, values, version=version, now=now)
        except StaleLieu:
            # Someone saved in between: what this person typed stays, based on the new version.
            typed["version"] = str(found.lieu.version)
            context = _facts_context(found, values=typed, conflict=True)
            return _again("campaigns/check_facts.html", context | {"token": token}, 409)
        return _back(token, "facts")
