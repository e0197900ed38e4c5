"""The configurator page, the embed.js loader, the iframe page and the vendored static files."""

import json
from datetime import datetime
from functools import cache
from typing import Annotated, Literal
from urllib.parse import urlencode

import msgspec
from litestar import Controller, MediaType, Request, Response, Router, get
from litestar.concurrency import sync_to_thread
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.response import Template
from litestar.response.base import ASGIResponse
from litestar.static_files import create_static_files_router
from markupsafe import Markup, escape
from sqlite_utils import Database

from lieux.calendar.models import KINDS
from lieux.clock import request_now
from lieux.conditional import fragment_answer, not_modified_middleware
from lieux.db.lieux import has_demo_data, list_communes
from lieux.embed import agenda, snippets
from lieux.embed.assets import (
    AGENDA_CSS,
    HTMX_FILE,
    STATIC,
    STATIC_PATH,
    WIDGET_CSS,
    htmx_url,
    sri,
    versioned,
)
from lieux.embed.cors import ALLOWED_HEADERS
from lieux.embed.snippets import EmbedOptions
from lieux.i18n import current_lang, pick_language
from lieux.i18n import gettext as _
from lieux.models import LANGUAGES, text_direction
from lieux.revision_cache import CachedFragment
from lieux.settings import Settings
from lieux.widget.cache import open_now_context
from lieux.widget.query import DEFAULT_THEME, Layout, QueryError, Show, Theme, parse_query

# The pasted snippet always asks for the same /embed.js: an hour bounds how long a fix takes to
# reach every visitor. The files under /embed/static have their version or hash in the URL.
EMBED_JS_MAX_AGE = 3600
ONE_YEAR = 365 * 24 * 3600
# The agenda asks again now and then: it changes by the day, not by the minute.
AGENDA_REFRESH_SECONDS = 600
# The iframe page runs only our own files; frame-ancestors stays open because any site may show it.
IFRAME_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


def embed_static_files() -> Router:
    """The vendored htmx, the widget CSS and our small scripts, cached for a year."""
    return create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC],
        name="embed-static",
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True, immutable=True),
        include_in_schema=False,
        middleware=[not_modified_middleware],
    )


@cache
def embed_js(base_url: str) -> bytes:
    """embed.js with the service's address, htmx URL and SRI hash filled in."""
    config = {
        "origin": base_url,
        "htmx": htmx_url(base_url),
        "htmxIntegrity": sri(HTMX_FILE),
        "css": base_url + versioned(WIDGET_CSS),
        "refresh": snippets.DEFAULT_REFRESH_SECONDS,
        "agendaRefresh": AGENDA_REFRESH_SECONDS,
        "agendaCss": base_url + versioned(AGENDA_CSS),
        "minRefresh": snippets.MIN_REFRESH_SECONDS,
        "headers": list(ALLOWED_HEADERS),
        "attributes": [list(pair) for pair in snippets.GUARD_ATTRIBUTES],
        "languages": list(LANGUAGES),
    }
    source = (STATIC.parent / "embed.js").read_text("utf-8")
    # Every visitor of every partner site downloads it: its line comments (the why, for us) stay
    # in the repository.
    source = "\n".join(line for line in source.split("\n") if not line.lstrip().startswith("//"))
    return source.replace("/*CONFIG*/", json.dumps(config)).encode()


def options_provider(lang_param: str) -> Provide:
    """The open-now options as typed in a URL, checked by the widget's own parser (one contract,
    one set of limits); a QueryError is a clear 400.

    The iframe page reads the widget's language from `lang`, the configurator from
    `widget_lang`, since its own `?lang=` is the language of the page, as everywhere.
    """

    def provide(
        state: State,
        now: datetime,
        commune: list[str] | None = None,
        kind: list[str] | None = None,
        lang: Annotated[str, QueryParameter(name=lang_param)] = "",
        limit: str = "",
        show: Show = "open",
        layout: Layout = "list",
        theme: Theme = DEFAULT_THEME,
        # Not `at` (the app's instant): the options keep `?at=` as it was typed.
        at_text: Annotated[str, QueryParameter(name="at")] = "",
    ) -> EmbedOptions:
        cache = state.open_now
        query = parse_query(
            cache.snapshot(now),
            cache.settings.zone,
            at=at_text or None,
            commune=commune,
            kind=kind,
            lang=lang or None,
            limit=limit,
            lang_param=lang_param,
        )
        return EmbedOptions(
            communes=query.communes,
            kinds=query.kinds,
            lang=lang,
            # A string: the configurator's "all" option sends an empty value.
            limit=query.limit if limit.strip() else None,
            show=show,
            layout=layout,
            theme=theme,
            at=at_text,
        )

    return Provide(provide, sync_to_thread=True)


def fragment_context(state: State, options: EmbedOptions, now: datetime) -> dict:
    """The context of widget/_open_now.html for these options, for pages that include it.

    With no language chosen, the fragment speaks the language of the page that includes it
    (?lang=, the remembered choice, then the browser's Accept-Language).
    """
    cache = state.open_now
    query = parse_query(
        cache.snapshot(now),
        cache.settings.zone,
        at=options.at or None,
        commune=options.communes,
        kind=options.kinds,
        lang=options.lang or current_lang.get(),
        limit=options.limit,
        show=options.show,
        layout=options.layout,
        theme=options.theme,
    )
    return open_now_context(cache, query, now)


def page_assets(page: Literal["configurator", "frame"], *, agenda: bool = False) -> dict:
    """What the configurator and the iframe pages load: the widget's CSS (and the agenda's),
    our copy of htmx with its SRI hash, and the page's own script (and style)."""
    found = {
        "widget_css": versioned(WIDGET_CSS),
        "htmx": f"{STATIC_PATH}/{HTMX_FILE}",
        "htmx_sri": sri(HTMX_FILE),
    }
    if agenda:
        found["agenda_css"] = versioned(AGENDA_CSS)
    if page == "configurator":
        found["configurator_js"] = versioned("configurator.js")
        found["configurator_css"] = versioned("configurator.css")
    else:
        found["frame_js"] = versioned("frame.js")
    return found


def frame_page(template: str, fragment_url: str, refresh: int, **context) -> Template:
    """An iframe page: its fragment, polled every `refresh` seconds (at least the minimum),
    under a CSP that runs only our own files."""
    return Template(
        template,
        context={
            "fragment_url": fragment_url,
            "refresh": max(refresh, snippets.MIN_REFRESH_SECONDS),
            **page_assets("frame", agenda=template == "embed/agenda.html"),
            **context,
        },
        media_type=MediaType.HTML,
        headers={"Content-Security-Policy": IFRAME_CSP},
    )


AGENDA_TEMPLATE = "embed/_agenda.html"


def agenda_renderer(request: Request):
    """Render an AgendaView in its own language (the fragment never follows a header)."""
    template = request.app.template_engine.engine.get_template(AGENDA_TEMPLATE)

    def render(view: agenda.AgendaView) -> str:
        token = current_lang.set(view.lang)
        try:
            return template.render(agenda=view)
        finally:
            current_lang.reset(token)

    return render


def agenda_error(request: Request, error: QueryError) -> ASGIResponse:
    """A wrong agenda parameter: a 400 fragment that says which (it may be injected anywhere),
    in the language asked for (?lang=, else the visitor's)."""
    lang = pick_language(request)
    body = (
        f'<section id="ldl-agenda" class="ldl-widget ldl-agenda ldl-error" lang="{lang}"'
        f' dir="{text_direction(lang)}"><p>{escape(error.readable(lang))}</p></section>'
    )
    return ASGIResponse(body=body.encode(), status_code=400, media_type=MediaType.HTML)


def agenda_fragment(request: Request, query: agenda.AgendaQuery, now: datetime) -> CachedFragment:
    """The cached fragment of a checked query, keyed by its canonical parameters."""
    cache: agenda.AgendaCache = request.app.state.agenda
    key = urlencode(agenda.pairs(query)).encode()
    return cache.fragment(key, now, lambda _lieux: query, agenda_renderer(request))


def agenda_configurator(
    request: Request, db: Database, settings: Settings, now: datetime
) -> Template:
    """The configurator's agenda tab: the options, the live preview and the three snippets."""
    cache: agenda.AgendaCache = request.app.state.agenda
    params = request.query_params
    widget_lang = params.get("widget_lang") or ""
    # A wrong option raises QueryError: the error page, a 400.
    query = agenda.query_from(params, cache.lieux(), settings.zone, lang_param="widget_lang")
    shown = msgspec.structs.replace(query, lang=widget_lang or current_lang.get())
    pairs = agenda.pairs(query, lang=bool(widget_lang))
    return Template(
        "embed/configurator_agenda.html",
        context={
            "options": query,
            "widget_lang": widget_lang,
            "snippets": snippets.build_agenda(
                settings.base_url, pairs, iframe_title=_("Prochaines activités des lieux de liens")
            ),
            "lieux": cache.lieux(),
            "communes": list_communes(db),
            "kinds": KINDS,
            "days_choices": snippets.AGENDA_DAYS_CHOICES,
            "limits": snippets.AGENDA_LIMIT_CHOICES,
            "iframe_height": snippets.AGENDA_IFRAME_HEIGHT,
            "preview": Markup(agenda_fragment(request, shown, now).body.decode()),
            **page_assets("configurator", agenda=True),
            "demo": has_demo_data(db),
        },
    )


class AgendaWidgetController(Controller):
    """`/widget/agenda`: the fragment embeds load; 304 when the client has it already."""

    path = "/widget/agenda"
    include_in_schema = False

    @get("/")
    async def fragment(self, request: Request) -> ASGIResponse:
        cache: agenda.AgendaCache = request.app.state.agenda
        now = request_now(request)  # not the `now` dependency: see lieux.clock.request_now
        key = request.scope["query_string"]
        found = cache.cached(key, now)
        if found is None:
            params = request.query_params
            try:
                found = await sync_to_thread(
                    cache.fragment,
                    key,
                    now,
                    lambda lieux: agenda.query_from(params, lieux, cache.settings.zone),
                    agenda_renderer(request),
                )
            except QueryError as error:
                return agenda_error(request, error)
        max_age = found.max_age(now, agenda.MAX_AGE_CAP)
        return fragment_answer(request.scope, found.body, found.etag, max_age)


class EmbedController(Controller):
    include_in_schema = False
    # The configurator and the iframe page read the same options from their URL (but for the
    # widget's language: see check_options).
    dependencies = {"options": options_provider("lang")}

    @get("/embed", sync_to_thread=True, dependencies={"options": options_provider("widget_lang")})
    def configurator(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        state: State,
        now: datetime,
        options: EmbedOptions,
        widget: Literal["open-now", "agenda"] = "open-now",
    ) -> Template:
        if widget == "agenda":
            return agenda_configurator(request, db, settings, now)
        built = snippets.build(
            settings.base_url, options, iframe_title=_("Lieux de liens ouverts maintenant")
        )
        return Template(
            "embed/configurator.html",
            context={
                "options": options,
                "widget_lang": options.lang,
                "snippets": built,
                "communes": list_communes(db),
                "kinds": KINDS,
                "limits": snippets.LIMIT_CHOICES,
                "preview_url": snippets.iframe_url("", options),
                "iframe_height": snippets.IFRAME_HEIGHT,
                **page_assets("configurator"),
                "demo": has_demo_data(db),
                **fragment_context(state, options, now),
            },
        )

    @get("/embed.js", sync_to_thread=False)
    def loader(self, settings: Settings) -> Response[bytes]:
        return Response(
            embed_js(settings.base_url),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": f"public, max-age={EMBED_JS_MAX_AGE}"},
        )

    @get("/embed/agenda", sync_to_thread=True)
    def agenda_iframe(
        self, request: Request, now: datetime, refresh: int = AGENDA_REFRESH_SECONDS
    ) -> Template:
        cache: agenda.AgendaCache = request.app.state.agenda
        # A wrong parameter raises QueryError: the error page, a 400.
        query = agenda.query_from(request.query_params, cache.lieux(), cache.settings.zone)
        if not request.query_params.get("lang"):
            query = msgspec.structs.replace(query, lang=current_lang.get())
        fragment = agenda_fragment(request, query, now)
        return frame_page(
            "embed/agenda.html",
            "/widget/agenda?" + urlencode(agenda.pairs(query)),
            refresh,
            fragment=Markup(fragment.body.decode()),
        )

    @get("/embed/open-now", sync_to_thread=True)
    def iframe(
        self,
        state: State,
        now: datetime,
        options: EmbedOptions,
        refresh: int = snippets.DEFAULT_REFRESH_SECONDS,
    ) -> Template:
        # The polls ask for the language the first answer was in.
        polled = msgspec.structs.replace(options, lang=options.lang or current_lang.get())
        return frame_page(
            "embed/open_now.html",
            snippets.fragment_url("", polled),
            refresh,
            options=options,
            **fragment_context(state, options, now),
        )
