"""GET /api: the API reference as a page of the site (lieux/api/reference.py reads it from the
OpenAPI document). No script and nothing from another host: Litestar's OpenAPI explorers load
theirs from a CDN.

The reference changes only with the code: it is rendered once per language and kept for the
life of the app; each request renders the page around it (the footer reads live data) and
answers 304 when the client holds the same page.
"""

import hashlib

from litestar import Controller, MediaType, Request, get
from litestar.response.base import ASGIResponse
from markupsafe import Markup

from lieux.api import reference
from lieux.conditional import not_modified
from lieux.i18n import current_lang

PAGE = "api/reference.html"
REFERENCE = "api/_reference.html"
# The rendered references of one app, by language.
STATE_KEY = "api_reference"


def rendered_reference(request: Request) -> Markup:
    """The reference in the request's language, rendered the first time it is asked for."""
    kept: dict[str, Markup] = request.app.state.setdefault(STATE_KEY, {})
    lang = current_lang.get()
    if lang not in kept:
        content = reference.build(request.app.openapi_schema.to_schema())
        template = request.app.template_engine.engine.get_template(REFERENCE)
        kept[lang] = Markup(template.render(reference=content))
    return kept[lang]


class ApiReferenceController(Controller):
    path = "/api"
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def reference_page(self, request: Request) -> ASGIResponse:
        """The API reference, in the page's language (the descriptions are in English)."""
        template = request.app.template_engine.engine.get_template(PAGE)
        body = template.render(request=request, body=rendered_reference(request)).encode()
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        # Revalidated each time (cheap: a 304), per language (the cookie or the browser's).
        headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"}
        if not_modified(request.scope["headers"], etag, weak=True):
            return ASGIResponse(status_code=304, headers=headers)
        return ASGIResponse(body=body, media_type=MediaType.HTML, headers=headers)
