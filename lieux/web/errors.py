"""Error answers: JSON for the API, a friendly page for people, never a stack trace."""

import logging
import sqlite3

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from lieux.budget import BudgetExceeded
from lieux.db import DatabaseError
from lieux.i18n import current_lang, gettext, pick_language
from lieux.i18n import mark as _

log = logging.getLogger("lieux")

MACHINE_PATHS = ("/api/", "/ical/", "/schema")
# A 503's Retry-After: a write lock is held for milliseconds, a busy moment passes in seconds.
RETRY_AFTER_S = 5
DATABASE_BUSY = _(
    "Le site est très occupé : votre demande n'a pas pu aboutir. Réessayez dans quelques secondes."
)
OVER_BUDGET = _("Cette demande a pris trop de temps et a été interrompue. Réessayez plus tard.")


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
