"""Error answers: JSON for the API, a friendly page for people, never a stack trace."""

import logging
import sqlite3
from http import HTTPStatus

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from lieux.budget import BudgetExceeded
from lieux.db import DatabaseError
from lieux.i18n import current_lang, gettext, pick_language, url_language
from lieux.i18n import mark as _
from lieux.refusal import Refusal

log = logging.getLogger("lieux")

MACHINE_PATHS = ("/api/", "/ical/", "/schema")
# A 503's Retry-After: a write lock is held for milliseconds, a busy moment passes in seconds.
RETRY_AFTER_S = 5
DATABASE_BUSY = _(
    "Le site est très occupé : votre demande n'a pas pu aboutir. Réessayez dans quelques secondes."
)
OVER_BUDGET = _("Cette demande a pris trop de temps et a été interrompue. Réessayez plus tard.")
# Litestar's own refusals are in English: what a person reads instead.
CSRF_FAILED = _(
    "Ce formulaire a expiré ou vient d'une autre page. Rechargez la page, puis envoyez-le à "
    "nouveau."
)
CSRF_DETAIL = "CSRF token verification failed"  # litestar.middleware.csrf
BAD_PARAMETERS = _("Paramètre invalide dans l'adresse : %(names)s.")
# The most of a detail an error page shows: the values in it are cut at ECHO_MAX already.
DETAIL_MAX = 400


class Refused(HTTPException):
    """A refusal people read in their language: a Refusal (a French msgid and the values it
    names, lieux/refusal.py) with its status. The error page translates it; the API's JSON
    and the logs read its str(): its technical text (a QueryError's English), else French."""

    def __init__(
        self, message: str | Refusal, /, *, status_code: int = HTTP_400_BAD_REQUEST, **params
    ) -> None:
        self.refusal = message if isinstance(message, Refusal) else Refusal(message, **params)
        super().__init__(detail=str(self.refusal), status_code=status_code)


def _language(request: Request) -> str:
    """A person's page: their language; a feed's or the API's answer: its URL's alone."""
    if request.url.path.startswith(MACHINE_PATHS):
        return url_language(request)
    return pick_language(request)


def _answer(request: Request, status: int, detail: str, readable: str | None = None) -> Response:
    """`detail` for programs; `readable` (default: `detail` as a msgid) for people, already in
    the request's language."""
    if request.url.path.startswith("/ical/"):
        # A calendar app or a monitor reads a feed's error: one short line, not a document.
        current_lang.set(_language(request))
        text = (readable if readable is not None else gettext(detail)) or _phrase(status)
        return Response(text, status_code=status, media_type=MediaType.TEXT)
    if request.url.path.startswith(MACHINE_PATHS):
        return Response(
            {"status_code": status, "detail": detail}, status_code=status, media_type=MediaType.JSON
        )
    current_lang.set(_language(request))
    if readable is None:
        # A fixed message is a msgid and reads in the person's language.
        readable = gettext(detail)
    return Template(
        "web/error.html",
        context={"status": status, "detail": _shortened(readable)},
        status_code=status,
        media_type=MediaType.HTML,
    )


def _shortened(text: str) -> str:
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _phrase(status: int) -> str:
    """The status' English reason ("Not Found"), as Litestar's exceptions default to it."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _parameter_names(exc: ValidationException) -> list[str]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    return [str(e["key"]) for e in extra if isinstance(e, dict) and e.get("key")]


def readable_detail(exc: HTTPException) -> str:
    """What a person reads of `exc` (the request's language set): its Refusal translated, a
    msgid translated, or a sentence instead of Litestar's English; nothing where the page's
    heading says it all ("Not Found")."""
    if isinstance(exc, Refused):
        return exc.refusal.readable()
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_DETAIL:
        return gettext(CSRF_FAILED)
    if isinstance(exc, ValidationException) and (names := _parameter_names(exc)):
        return Refusal(BAD_PARAMETERS, names=", ".join(dict.fromkeys(names))).readable()
    if exc.detail == _phrase(exc.status_code):
        return ""
    return gettext(exc.detail)


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
    current_lang.set(_language(request))  # readable_detail speaks the request's language
    response = _answer(request, exc.status_code, detail, readable_detail(exc))
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


def _unavailable(request: Request, detail: str) -> Response:
    response = _answer(request, HTTP_503_SERVICE_UNAVAILABLE, detail)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def database_busy(request: Request, exc: sqlite3.OperationalError | DatabaseError) -> Response:
    """Another connection held the lock past the busy timeout (a writer, or one that keeps the
    file to itself, as a restore may: then even opening the request's connection fails): a 503
    to retry, not a traceback. Any other error of the kind is a fault of ours: a 500."""
    if "database is locked" not in str(exc):
        return server_error(request, exc)
    log.warning("%s %s: database locked, answered 503", request.method, request.url.path)
    return _unavailable(request, DATABASE_BUSY)


def over_budget(request: Request, exc: BudgetExceeded) -> Response:
    """A request that computed past its budget (lieux/budget.py): a 503, and the route named."""
    log.warning(
        "%s %s took longer than its budget (%s), answered 503",
        request.method,
        request.url.path,
        exc,
    )
    return _unavailable(request, OVER_BUDGET)
