"""Error answers: JSON for the API, a friendly page for people, never a stack trace."""

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_500_INTERNAL_SERVER_ERROR

from lieux.i18n import current_lang, gettext, pick_language

log = logging.getLogger("lieux")

MACHINE_PATHS = ("/api/", "/ical/", "/schema")


def _answer(request: Request, status: int, detail: str) -> Response:
    if request.url.path.startswith(MACHINE_PATHS):
        return Response(
            {"status_code": status, "detail": detail}, status_code=status, media_type=MediaType.JSON
        )
    current_lang.set(pick_language(request))
    return Template(
        "web/error.html",
        # A fixed message is a msgid and reads in the person's language; one with values stays.
        context={"status": status, "detail": gettext(detail)},
        status_code=status,
        media_type=MediaType.HTML,
    )


def http_error(request: Request, exc: HTTPException) -> Response:
    detail = exc.detail
    if isinstance(exc, ValidationException) and exc.extra:
        detail = (
            "; ".join(
                f"{e.get('key', '')}: {e.get('message', '')}".strip(": ")
                for e in exc.extra
                if isinstance(e, dict)
            )
            or detail
        )
    response = _answer(request, exc.status_code, detail)
    # Headers the exception carries stay (a 405 names the allowed methods in Allow, RFC 9110).
    response.headers.update(exc.headers or {})
    return response


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return _answer(request, HTTP_500_INTERNAL_SERVER_ERROR, "Erreur interne")


def out_of_range(request: Request, exc: OverflowError) -> Response:
    """A number or date a person typed beyond what SQLite or the calendar can hold: a 400."""
    log.warning("value out of range on %s: %s", request.url.path, exc)
    return _answer(request, HTTP_400_BAD_REQUEST, gettext("Valeur hors limites"))
