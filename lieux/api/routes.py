"""The public JSON API: the lieux, their state right now, the occurrences of the activities and
the activity series. Read-only, no account; every answer has an ETag (304 on If-None-Match),
`Cache-Control`, and CORS for any origin (lieux/embed/cors.py). The OpenAPI document at /schema
declares every parameter, response and error body.

`/api/open-now` answers from the widget's in-memory cache (lieux.widget.cache) without a
per-request connection, on the event loop, like the fragment it mirrors.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import Parameter, QueryParameter
from sqlite_utils import Database

from lieux.api import gather
from lieux.api.caching import API_MIDDLEWARE
from lieux.api.models import MAX_WINDOW_DAYS, ApiActivity, ApiError, ApiOccurrence, Kind
from lieux.settings import Settings
from lieux.web.errors import http_error
from lieux.widget.cache import cache_of, query_from
from lieux.widget.models import LieuOpenState, LieuWithHours

Lang = Literal["fr", "nl", "en"]


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The JSON error bodies an operation may answer, for the OpenAPI document."""
    text = {
        400: "A parameter is wrong: `detail` says which and what is expected.",
        404: "Nothing by that name or id.",
    }
    return {
        code: ResponseSpec(data_container=ApiError, description=text[code], generate_examples=False)
        for code in codes
    }


def bad_request(error: gather.ApiQueryError) -> ValidationException:
    return ValidationException(str(error))


# Python names of parameters whose query name is a keyword.
QUERY_NAMES = {"start": "from", "end": "to"}


def validation_error(request: Request, exc: ValidationException) -> Response:
    """The JSON 400, naming each parameter as the query string does (`from`, not `start`)."""
    if isinstance(exc.extra, list):
        exc.extra = [
            {**e, "key": QUERY_NAMES.get(e.get("key", ""), e.get("key"))}
            if isinstance(e, dict) and e.get("source") == "query"
            else e
            for e in exc.extra
        ]
    return http_error(request, exc)


class ApiController(Controller):
    path = "/api"
    middleware = API_MIDDLEWARE
    tags = ["lieux de liens"]
    exception_handlers = {ValidationException: validation_error}

    @get("/lieux", operation_id="list_lieux", sync_to_thread=True, responses=errors(400))
    def lieux(self, request: Request, now: datetime) -> list[LieuWithHours]:
        """Every lieu with its public facts and its hours as an OpenStreetMap opening_hours
        string for the coming year (null when nobody has entered them)."""
        return cache_of(request).lieux_with_hours(now)

    @get(
        "/lieux/{slug:str}",
        operation_id="get_lieu",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def lieu(
        self,
        request: Request,
        now: datetime,
        slug: Annotated[str, Parameter(description="The lieu's slug (see /api/lieux).")],
    ) -> LieuWithHours:
        """One lieu, as in /api/lieux; 404 for an unknown or archived one."""
        for lieu in cache_of(request).lieux_with_hours(now):
            if lieu.slug == slug:
                return lieu
        raise NotFoundException(f"No lieu {slug!r}")

    @get("/open-now", operation_id="open_now", sync_to_thread=False, responses=errors(400))
    def open_now(
        self,
        request: Request,
        at: Annotated[
            str | None,
            Parameter(
                description="ISO-8601 instant to ask about (a time without offset is "
                "Brussels time), years 1970 to 2200; default now.",
                examples=[],
            ),
        ] = None,
        commune: Annotated[
            list[str] | None,
            Parameter(description="Only lieux of these communes (repeated or comma-separated)."),
        ] = None,
        kind: Annotated[
            list[str] | None,
            Parameter(
                description="Only lieux with an activity of these kinds under way (repeated "
                "or comma-separated): " + ", ".join(Kind.__args__) + "."
            ),
        ] = None,
    ) -> list[LieuOpenState]:
        """Every lieu's state (open, closed, unknown), `until`, `next_open` and note."""
        cache = cache_of(request)
        now = request.app.state.clock()
        query = query_from(request, cache.snapshot(now, fresh=False), cache.settings.zone)
        return cache.api_states(query, now)

    @get(
        "/occurrences", operation_id="list_occurrences", sync_to_thread=True, responses=errors(400)
    )
    def occurrences(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        start: Annotated[
            date | None,
            QueryParameter(
                name="from",
                description="First local date (YYYY-MM-DD, years 1970 to 2200); default "
                "today, or six days before `to`.",
            ),
        ] = None,
        end: Annotated[
            date | None,
            QueryParameter(
                name="to",
                description="Last local date, included; default six days after `from`. "
                f"At most {MAX_WINDOW_DAYS} days from `from` to `to`.",
            ),
        ] = None,
        lieu: Annotated[
            str | None, Parameter(description="Only this lieu (its slug, see /api/lieux).")
        ] = None,
        commune: Annotated[
            str | None, Parameter(description="Only lieux of this commune (as in /api/lieux).")
        ] = None,
        kind: Annotated[Kind | None, Parameter(description="Only this kind of activity.")] = None,
        lang: Annotated[Lang, Parameter(description="Language of the titles.")] = "fr",
    ) -> list[ApiOccurrence]:
        """The occurrences of the activities overlapping the window, by start: the same as
        the agenda and the iCal feeds (same UID and RECURRENCE-ID), cancelled ones included
        with `status: cancelled`, those planned while the lieu is closed `tentative`."""
        try:
            return gather.list_occurrences(
                db,
                settings,
                now=now,
                start=start,
                end=end,
                lieu=lieu,
                commune=commune,
                kind=kind,
                lang=lang,
            )
        except gather.ApiQueryError as error:
            raise bad_request(error) from None

    @get(
        "/activities/{activity_id:int}",
        operation_id="get_activity",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def activity(
        self,
        db: Database,
        settings: Settings,
        activity_id: Annotated[
            int,
            Parameter(
                description="The activity's id (`activity_id` of an occurrence).",
                ge=1,
                le=2**31 - 1,
            ),
        ],
    ) -> ApiActivity:
        """One activity: a one-off, or a series with its RRULE, the original starts of its
        cancelled occurrences (`exdates`) and every changed occurrence (`overrides`)."""
        found = gather.get_activity(db, settings, activity_id)
        if found is None:
            raise NotFoundException(f"No activity {activity_id}")
        return found
