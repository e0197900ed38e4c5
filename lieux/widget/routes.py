"""The "open now" fragment (`/widget/open-now`); its JSON twin `/api/open-now` is in lieux.api.

Both answer from the in-memory cache (lieux.widget.cache) without a per-request connection: they
run on the event loop, which keeps the hot path as cheap as `/healthz`.
"""

from litestar import Controller, MediaType, Request, Response, get
from litestar.response.base import ASGIResponse
from markupsafe import escape

from lieux.clock import request_now
from lieux.conditional import fragment_answer
from lieux.i18n import current_lang, url_language
from lieux.models import text_direction
from lieux.web.errors import Refused, http_error
from lieux.widget.cache import MAX_AGE_CAP, cache_of, query_from
from lieux.widget.query import QueryError
from lieux.widget.view import OpenNowView

WIDGET_PATH = "/widget"
FRAGMENT_TEMPLATE = "widget/_open_now.html"


def query_error(request: Request, error: QueryError) -> Response:
    """Every wrong widget parameter, wherever it was typed, is a 400 that says which.

    Under /widget/ a fragment, not a page: it may be injected into someone else's page. The API
    answers JSON and pages the error page, as for any other bad request.
    """
    if request.url.path.startswith(WIDGET_PATH + "/"):
        lang = url_language(request)  # its ?lang=, as the fragment's
        body = (
            f'<section id="ldl-open-now" class="ldl-widget ldl-error" lang="{lang}"'
            f' dir="{text_direction(lang)}"><p>{escape(error.readable(lang))}</p></section>'
        )
        return Response(body, status_code=400, media_type=MediaType.HTML)
    return http_error(request, Refused(error))


class WidgetController(Controller):
    path = WIDGET_PATH
    include_in_schema = False

    @get("/open-now", sync_to_thread=False)
    def open_now(self, request: Request) -> ASGIResponse:
        """The HTML fragment embeds load and poll; 304 when the client has it already."""
        cache = cache_of(request)
        now = request_now(request)  # not the `now` dependency: see lieux.clock.request_now

        def render(view: OpenNowView) -> str:
            template = request.app.template_engine.engine.get_template(FRAGMENT_TEMPLATE)
            token = current_lang.set(view.lang)
            try:
                return template.render(widget=view)
            finally:
                current_lang.reset(token)

        # A wrong parameter raises QueryError: query_error answers it.
        fragment = cache.fragment(
            request.scope["query_string"],
            now,
            lambda snapshot: query_from(request, snapshot, cache.settings.zone),
            render,
        )
        return fragment_answer(
            request.scope, fragment.body, fragment.etag, fragment.max_age(now, MAX_AGE_CAP)
        )
