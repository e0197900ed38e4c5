"""create_app(settings): the one place that wires the service together."""

import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.params import QueryParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ASGIApp
from sqlite_utils import Database

from lieux import i18n, models
from lieux.admin.routes import AdminController
from lieux.api.hsds_routes import HsdsController
from lieux.api.reference_routes import ApiReferenceController
from lieux.api.routes import ApiController
from lieux.budget import BudgetExceeded
from lieux.calendar.feed_cache import FeedCache
from lieux.calendar.import_routes import CalendarImportController
from lieux.calendar.models import kind_label
from lieux.calendar.refresh import refresh_calendars
from lieux.calendar.routes import AgendaController, FeedController
from lieux.campaigns.check_routes import CheckController
from lieux.campaigns.rounds import campaign_rounds
from lieux.campaigns.routes import CampaignsController
from lieux.clock import Clock, request_now, utc_now
from lieux.dates import numeric_date
from lieux.db import DatabaseError, connect
from lieux.embed.agenda import AgendaCache
from lieux.embed.cors import cors_middleware
from lieux.embed.routes import AgendaWidgetController, EmbedController, embed_static_files
from lieux.guide.routes import GuideController
from lieux.hours.models import span_label
from lieux.mail.sender import send_mail
from lieux.manage.responses import notice
from lieux.manage.routes import CONTROLLERS as MANAGE_CONTROLLERS
from lieux.members.routes import MembersController
from lieux.members.session import csrf_config, session_config
from lieux.models import Helpline, text_direction
from lieux.ops.metrics import prometheus_config
from lieux.ops.routes import MetricsController, readyz
from lieux.poster.routes import PosterController
from lieux.reports.routes import CONTROLLERS as REPORT_CONTROLLERS
from lieux.security import request_budget, security_headers
from lieux.settings import Settings, from_env
from lieux.web.errors import database_busy, http_error, out_of_range, over_budget, server_error
from lieux.web.routes import PagesController, healthz, switch_language
from lieux.widget.cache import OpenNowCache
from lieux.widget.query import QueryError, parse_at
from lieux.widget.routes import WidgetController, query_error

PACKAGE = Path(__file__).parent
log = logging.getLogger("lieux")


def provide_db(state: State) -> Iterator[Database]:
    """One connection per request, closed when the request ends.

    No thread may still use it when it closes. Litestar resolves a handler's independent
    dependencies concurrently, and when one fails the others are cancelled but their threads
    run on: `lieu` answering 404 or 410 while `identity` was reading in a thread closed the
    connection under it (a segfault, for any signed-in member on an archived lieu). So the
    dependencies that take `db` run on the event loop (`sync_to_thread=False`; indexed reads),
    the handler alone in a thread; tests/test_dependencies.py holds the rule.
    """
    db = connect(state.settings.db)
    try:
        yield db
    finally:
        db.close()


def provide_settings(state: State) -> Settings:
    return state.settings


def provide_now(request: Request) -> datetime:
    """The request's "now" (UTC), from the app's clock: one reading per request, the only one a
    handler sees (handlers never read the clock themselves)."""
    return request_now(request)


def provide_asked_at(
    state: State, text: Annotated[str | None, QueryParameter(name="at")] = None
) -> datetime | None:
    """The instant `?at=` asks about (UTC; without an offset it is local time), None without
    one; QueryError (a 400 that says why) when it is not a date-time of years 1970 to 2200."""
    return parse_at(text, state.settings.zone)


def provide_at(now: datetime, asked_at: datetime | None) -> datetime:
    """The instant a page, fragment or feed answers for: `?at=` when given, else now."""
    return asked_at or now


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    engine.engine.add_extension("jinja2.ext.i18n")
    engine.engine.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    engine.engine.globals["current_lang"] = i18n.current_lang.get
    engine.engine.filters["commune"] = i18n.commune_label
    engine.engine.globals["span_label"] = span_label
    engine.engine.globals["listening_lines"] = listening_lines
    engine.engine.globals["notice"] = notice  # what the last form did (lieux.manage.notices)
    # the page's language and direction, texts in another one, dates (lieux/i18n.py)
    engine.engine.globals.update(
        page_dir=i18n.page_direction,
        lang_attrs=i18n.lang_attributes,
        ltr_dir=i18n.ltr_attribute,
        text_dir=text_direction,
        page_languages=i18n.page_languages,
        weekday_name=i18n.weekday_label,
        arrow=i18n.arrow,
        comma=i18n.comma,
        kind_label=lambda slug: kind_label(slug, i18n.current_lang.get()),
    )
    engine.engine.filters.update(
        ltr=i18n.left_to_right,
        bdi=i18n.isolated,
        numeric_date=numeric_date,
        day_month=i18n.day_month_label,
    )


def listening_lines(request: Request) -> list[Helpline]:
    """The footer's lines, from the helplines network admins keep (the open-now snapshot holds
    them: no query of its own) whose hours say they answer day and night, for the page's
    language."""
    state = request.app.state
    try:
        now = request_now(request)
        snapshot = state.open_now.snapshot(now, fresh=False)
        helplines = snapshot.helplines_at(now, state.open_now.settings.zone).round_the_clock
    except Exception:  # the error page shows this footer too: it must render whatever failed
        log.exception("the footer's helplines could not be read")
        return []
    return models.listening_lines(helplines, i18n.current_lang.get())


def _layer(define: DefineMiddleware) -> Callable[[ASGIApp], ASGIApp]:
    """A middleware as a plain function: a Router copies its layers, and the session's cipher
    cannot be copied (a function is kept as it is)."""
    return lambda app: define(app)


def app_state(settings: Settings, clock: Clock = utc_now) -> dict:
    """What an app keeps between requests: its settings, clock and caches. The test suite builds
    one app per process and gives it a fresh state before each test (tests/conftest.py)."""
    return {
        "settings": settings,
        "clock": clock,
        "open_now": OpenNowCache(settings),
        "feeds": FeedCache(settings),
        "agenda": AgendaCache(settings),
    }


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Litestar:
    """The app: its routes in three groups, each with only the layers it needs."""
    # What people read and write: sessions, CSRF (both skip COOKIELESS_PATHS, as always) and
    # the page's language. Litestar builds each route's middleware stack once, at start-up: a
    # route outside these routers runs none of it, not even the check that would skip it.
    members = {
        "middleware": [
            _layer(session_config(settings).middleware),
            _layer(DefineMiddleware(CSRFMiddleware, config=csrf_config(settings))),
        ],
        "before_request": i18n.set_language,
    }
    people = [
        PagesController,
        switch_language,
        GuideController,
        PosterController,
        AgendaController,
        CalendarImportController,
        MembersController,
        AdminController,
        CampaignsController,
        *MANAGE_CONTROLLERS,
        *REPORT_CONTROLLERS,
    ]
    # The iframe page and the API reference (/api) are in the page's language (Accept-Language,
    # cookie) when they have no lang=. A campaign's check page too: its token is the credential,
    # it needs no session nor cookie.
    localised = [EmbedController, ApiReferenceController, CheckController]
    # The hot path: embeds, feeds, the JSON API, probes and static files read neither a
    # session nor the page's language (the widget's language is its ?lang=).
    machines = [
        ApiController,
        HsdsController,
        healthz,
        readyz,
        MetricsController,
        FeedController,
        WidgetController,
        AgendaWidgetController,
        embed_static_files(),
        create_static_files_router(
            path="/static", directories=[PACKAGE / "web" / "static"], include_in_schema=False
        ),
    ]
    return Litestar(
        route_handlers=[
            *machines,
            Router("/", route_handlers=people, **members),
            Router("/", route_handlers=localised, before_request=i18n.set_language),
        ],
        dependencies={
            "db": Provide(provide_db),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "now": Provide(provide_now, sync_to_thread=False),
            "asked_at": Provide(provide_asked_at, sync_to_thread=False),
            "at": Provide(provide_at, sync_to_thread=False),
        },
        state=State(app_state(settings, clock)),
        # CORS on the embeddable paths only (see lieux/embed/cors.py for why not CORSConfig).
        middleware=[
            prometheus_config().middleware,
            cors_middleware,
            request_budget,
        ],
        # Security headers on every answer, 404s and static files too (lieux/security.py).
        before_send=[security_headers],
        lifespan=[refresh_calendars, send_mail, campaign_rounds],
        template_config=TemplateConfig(
            directory=PACKAGE / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_configure_templates,
        ),
        exception_handlers={
            HTTPException: http_error,
            QueryError: query_error,
            OverflowError: out_of_range,
            sqlite3.OperationalError: database_busy,
            DatabaseError: database_busy,
            BudgetExceeded: over_budget,
            Exception: server_error,
        },
        # JSON only: the HTML explorers load scripts from a CDN, and we make no third-party request.
        openapi_config=OpenAPIConfig(
            title="Lieux de liens",
            version="0.1.0",
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
    )


def create_app_from_env() -> Litestar:
    """The app of one `lieux serve` worker (uvicorn's factory): each builds its own, with its own
    caches, from the LIEUX_* variables the parent process checked and completed."""
    return create_app(from_env())
