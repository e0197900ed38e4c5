"""The configurator page, the embed.js loader, the iframe page and the vendored static files."""

import json
from functools import cache

import msgspec
from litestar import Controller, MediaType, Response, Router, get
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.response import Template
from litestar.static_files import create_static_files_router
from sqlite_utils import Database

from lieux.calendar.models import KINDS
from lieux.db.lieux import has_demo_data, list_communes
from lieux.embed import snippets
from lieux.embed.assets import (
    HTMX_FILE,
    STATIC,
    STATIC_PATH,
    WIDGET_CSS,
    htmx_url,
    sri,
    versioned,
)
from lieux.embed.cors import ALLOWED_HEADERS
from lieux.embed.snippets import EmbedOptions, Layout, Show, Theme
from lieux.models import LANGUAGES
from lieux.settings import Settings
from lieux.web.i18n import current_lang
from lieux.web.i18n import gettext as _
from lieux.widget.live import QueryError, open_now_context, parse_query

# The pasted snippet always asks for the same /embed.js: an hour bounds how long a fix takes to
# reach every visitor. The files under /embed/static have their version or hash in the URL.
EMBED_JS_MAX_AGE = 3600
ONE_YEAR = 365 * 24 * 3600
MAX_LIMIT = 50
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
        "minRefresh": snippets.MIN_REFRESH_SECONDS,
        "headers": list(ALLOWED_HEADERS),
        "languages": list(LANGUAGES),
    }
    source = (STATIC.parent / "embed.js").read_text("utf-8")
    return source.replace("/*CONFIG*/", json.dumps(config)).encode()


def check_options(
    db: Database,
    *,
    commune: list[str] | None,
    kind: list[str] | None,
    lang: tuple[str, str],
    limit: str,
    show: Show,
    layout: Layout,
    theme: Theme,
    at: str,
) -> EmbedOptions:
    """The options as typed in a URL, checked; a clear 400 for anything we do not offer.

    `lang` is (parameter name, value): the configurator calls the widget's language
    `widget_lang`, since its own `?lang=` is the language of the page, as everywhere.
    """
    known = {c.lower(): c for c in list_communes(db)}
    errors = []
    chosen_communes = []
    for typed in commune or []:
        if typed.strip().lower() in known:
            chosen_communes.append(known[typed.strip().lower()])
        elif typed.strip():
            errors.append(f"commune: aucun lieu à « {typed} »")
    chosen_kinds = [slug for slug in kind or [] if slug]
    errors += [f"kind: type d'activité inconnu « {k} »" for k in chosen_kinds if k not in KINDS]
    lang_name, lang_value = lang
    if lang_value and lang_value not in LANGUAGES:
        errors.append(f"{lang_name}: « {lang_value} » n'est pas fr, nl ou en")
    # A string: the configurator's "all" option sends an empty value.
    count = int(limit) if limit.strip().isascii() and limit.strip().isdigit() else None
    if limit.strip() and (count is None or not 1 <= count <= MAX_LIMIT):
        errors.append(f"limit: un nombre entier entre 1 et {MAX_LIMIT}")
    if errors:
        raise ValidationException("; ".join(errors))
    return EmbedOptions(
        communes=tuple(dict.fromkeys(chosen_communes)),
        kinds=tuple(dict.fromkeys(chosen_kinds)),
        lang=lang_value,
        limit=count,
        show=show,
        layout=layout,
        theme=theme,
        at=at,
    )


def provide_options(
    db: Database,
    commune: list[str] | None = None,
    kind: list[str] | None = None,
    lang: str = "",
    limit: str = "",
    show: Show = "open",
    layout: Layout = "list",
    theme: Theme = "auto",
    at: str = "",
) -> EmbedOptions:
    """The iframe page's options: the fragment's parameters, `lang` included."""
    return check_options(
        db,
        commune=commune,
        kind=kind,
        lang=("lang", lang),
        limit=limit,
        show=show,
        layout=layout,
        theme=theme,
        at=at,
    )


def provide_configurator_options(
    db: Database,
    commune: list[str] | None = None,
    kind: list[str] | None = None,
    widget_lang: str = "",
    limit: str = "",
    show: Show = "open",
    layout: Layout = "list",
    theme: Theme = "auto",
    at: str = "",
) -> EmbedOptions:
    """The configurator's options: the same, with the widget's language as `widget_lang`."""
    return check_options(
        db,
        commune=commune,
        kind=kind,
        lang=("widget_lang", widget_lang),
        limit=limit,
        show=show,
        layout=layout,
        theme=theme,
        at=at,
    )


def fragment_context(state: State, options: EmbedOptions) -> dict:
    """The context of widget/_open_now.html for these options, for pages that include it.

    With no language chosen, the fragment speaks the language of the page that includes it
    (?lang=, the remembered choice, then the browser's Accept-Language).
    """
    cache = state.open_now
    now = state.clock()
    try:
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
    except QueryError as error:
        raise ValidationException(str(error)) from None
    return open_now_context(cache, query, now)


class EmbedController(Controller):
    include_in_schema = False
    # The configurator and the iframe page read the same options from their URL (but for the
    # widget's language: see check_options).
    dependencies = {"options": Provide(provide_options, sync_to_thread=True)}

    @get(
        "/embed",
        sync_to_thread=True,
        dependencies={"options": Provide(provide_configurator_options, sync_to_thread=True)},
    )
    def configurator(
        self, db: Database, settings: Settings, state: State, options: EmbedOptions
    ) -> Template:
        built = snippets.build(
            settings.base_url, options, iframe_title=_("Lieux de liens ouverts maintenant")
        )
        return Template(
            "embed/configurator.html",
            context={
                "options": options,
                "snippets": built,
                "communes": list_communes(db),
                "kinds": KINDS,
                "limits": snippets.LIMIT_CHOICES,
                "preview_url": snippets.iframe_url("", options),
                "iframe_height": snippets.IFRAME_HEIGHT,
                "widget_css": versioned(WIDGET_CSS),
                "htmx": f"{STATIC_PATH}/{HTMX_FILE}",
                "htmx_sri": sri(HTMX_FILE),
                "configurator_js": versioned("configurator.js"),
                "configurator_css": versioned("configurator.css"),
                "demo": has_demo_data(db),
                **fragment_context(state, options),
            },
        )

    @get("/embed.js", sync_to_thread=False)
    def loader(self, settings: Settings) -> Response[bytes]:
        return Response(
            embed_js(settings.base_url),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": f"public, max-age={EMBED_JS_MAX_AGE}"},
        )

    @get("/embed/open-now", sync_to_thread=True)
    def iframe(
        self,
        state: State,
        options: EmbedOptions,
        refresh: int = snippets.DEFAULT_REFRESH_SECONDS,
    ) -> Template:
        return Template(
            "embed/open_now.html",
            context={
                "options": options,
                # The polls ask for the language the first answer was in.
                "fragment_url": snippets.fragment_url(
                    "", msgspec.structs.replace(options, lang=options.lang or current_lang.get())
                ),
                "refresh": max(refresh, snippets.MIN_REFRESH_SECONDS),
                "widget_css": versioned(WIDGET_CSS),
                "htmx": f"{STATIC_PATH}/{HTMX_FILE}",
                "htmx_sri": sri(HTMX_FILE),
                "frame_js": versioned("frame.js"),
                **fragment_context(state, options),
            },
            media_type=MediaType.HTML,
            headers={"Content-Security-Policy": IFRAME_CSP},
        )
