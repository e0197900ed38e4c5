"""The public JSON API: the lieux, their state right now, the occurrences of the activities and
the activity series. Read-only, no account; every answer has an ETag (304 on If-None-Match),
`Cache-Control`, and CORS for any origin (lieux/embed/cors.py). The OpenAPI document at /schema
declares every parameter (with the bounds the code enforces), response and error body; the
handlers' docstrings are its descriptions, and /api shows it as a page.

`/api/open-now` answers from the widget's in-memory cache (lieux.widget.cache) without a
per-request connection, on the event loop, like the fragment it mirrors.
"""

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Parameter, QueryParameter
from msgspec.structs import asdict
from sqlite_utils import Database

from lieux.api import gather, params
from lieux.api.caching import API_MIDDLEWARE
from lieux.api.models import (
    MAX_WINDOW_DAYS,
    YEARS,
    ApiActivity,
    ApiAnnouncement,
    ApiError,
    ApiLieu,
    ApiOccurrence,
    ApiOpenState,
    Lang,
)
from lieux.calendar.models import KINDS
from lieux.hours import announce
from lieux.models import FULL_LANGUAGES
from lieux.settings import Settings
from lieux.web.errors import http_error
from lieux.widget.cache import cache_of
from lieux.widget.query import parse_query

ERRORS = {
    400: "A parameter is wrong: `detail` names it and says what is expected.",
    404: "Nothing by that name or id: `detail` says which.",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The JSON error bodies an operation may answer, for the OpenAPI document."""
    return {
        code: ResponseSpec(
            data_container=ApiError, description=ERRORS[code], generate_examples=False
        )
        for code in codes
    }


def example(value: Any) -> list[Example]:
    return [Example(value=value)]


def string_schema(**schema: Any) -> dict[str, Any]:
    """What the document says of an optional string parameter: a plain string schema (a query
    parameter is absent, never null) with its enum, format or pattern."""
    return {"one_of": None, "type": "string", **schema}


def list_schema(values: tuple[str, ...]) -> dict[str, Any]:
    return {"one_of": None, "type": "array", "items": {"type": "string", "enum": list(values)}}


# Parameters the framework checks against an enum: its refusal then lists the values.
# The JSON API speaks French, Dutch and English (api.models.Lang): its data are for developers.
ENUMS = {"lang": FULL_LANGUAGES}
# The parameters that may be given more than once (lists); any other is refused when repeated,
# rather than one of its values being picked.
REPEATABLE = {"/api/open-now": frozenset({"commune", "kind"})}


def _explained(request: Request, error: Any) -> Any:
    """A framework validation error saying why in words (which values are allowed)."""
    if not isinstance(error, dict) or error.get("source") != "query":
        return error
    key = error.get("key", "")
    raw = request.query_params.get(key)
    if raw is not None and key in ENUMS:
        return {**error, "message": params.enum_problem(raw, ENUMS[key])}
    return error


def validation_error(request: Request, exc: ValidationException) -> Response:
    """The JSON 400, saying what is wrong with each parameter."""
    if isinstance(exc.extra, list):
        exc.extra = [_explained(request, error) for error in exc.extra]
    return http_error(request, exc)


async def single_values(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Refuse a parameter given twice that is not a list (`to=...&to=...`): a guard, so that
    the API's routes stay free of before_request hooks (tests/ops/test_hot_path.py)."""
    allowed = REPEATABLE.get(connection.url.path, frozenset())
    for key, values in connection.query_params.dict().items():
        if len(values) > 1 and key not in allowed:
            raise ValidationException(f"{key}: given {len(values)} times, expected once")


class JsonApiController(Controller):
    """What every controller of the JSON API has: ETags and Cache-Control on its answers, JSON
    400s that say why, and one value per parameter."""

    middleware = API_MIDDLEWARE
    exception_handlers = {ValidationException: validation_error}
    guards = [single_values]


class ApiController(JsonApiController):
    path = "/api"
    tags = ["lieux de liens"]

    @get(
        "/lieux",
        operation_id="list_lieux",
        summary="Every lieu",
        response_description="Every public lieu, by name (archived ones left out).",
        sync_to_thread=True,
        responses=errors(400),
    )
    def lieux(self, request: Request, now: datetime) -> list[ApiLieu]:
        """Every lieu of the network with its public facts (address, phone, who it is for,
        access, languages) and its hours as an OpenStreetMap `opening_hours` string for the
        coming year: null when nobody has entered them, which means unknown, never closed."""
        return _lieux(request, now)

    @get(
        "/lieux/{slug:str}",
        operation_id="get_lieu",
        summary="One lieu",
        response_description="The lieu, as in /api/lieux.",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def lieu(
        self,
        request: Request,
        now: datetime,
        slug: Annotated[
            str,
            Parameter(
                description="The lieu's slug (see /api/lieux).", examples=example("babel-zin")
            ),
        ],
    ) -> ApiLieu:
        """One lieu, as in /api/lieux; 404 for an unknown or archived one."""
        for lieu in _lieux(request, now):
            if lieu.slug == slug:
                return lieu
        raise NotFoundException(f"No lieu {slug!r}")

    @get(
        "/open-now",
        operation_id="open_now",
        summary="Which lieux are open now",
        response_description="Every lieu the filters keep, by name, with its state.",
        sync_to_thread=False,
        responses=errors(400),
    )
    def open_now(
        self,
        request: Request,
        now: datetime,
        # Not `at`: that name is the app's instant, parsed by the widget's rules; the API's own
        # check below names what its document promises.
        at_text: Annotated[
            str | None,
            QueryParameter(
                name="at",
                description="The instant to ask about instead of now: a date-time of years "
                f"{YEARS[0]} to {YEARS[1]} (`2026-12-24T18:00`; without an offset it is "
                "Brussels time; a date alone is its midnight).",
                examples=example("2026-12-24T18:00"),
                schema_extra=string_schema(pattern=params.AT_PATTERN),
            ),
        ] = None,
        commune: Annotated[
            list[str] | None,
            Parameter(
                description="Only lieux in these communes (repeated, or comma-separated); a "
                "commune where no lieu is gives an empty list.",
                examples=example(["Schaerbeek"]),
                schema_extra=list_schema(params.COMMUNES),
            ),
        ] = None,
        kind: Annotated[
            list[str] | None,
            Parameter(
                description="Only lieux that hold activities of these kinds (repeated, or "
                "comma-separated), whatever they are doing at that moment: `kind=repas` "
                "lists the lieux where meals are shared, open or closed.",
                examples=example(["repas"]),
                schema_extra=list_schema(tuple(KINDS)),
            ),
        ] = None,
        lang: Annotated[
            Lang,
            Parameter(description="The language of public holidays' names in `note`."),
        ] = "fr",
    ) -> list[ApiOpenState]:
        """Every lieu's state at this instant: `open` (until when), `closed` (until when) or
        `unknown`, with its note, where the state comes from (weekly hours, a special opening,
        a co-manager's live status) and whether its hours need confirming. Computed from the
        same data and code as the embeddable widget."""
        cache = cache_of(request)
        if at_text is not None and (problem := params.at_problem(at_text)):
            raise ValidationException(f"at: {problem}")
        try:
            communes = gather.communes_named(commune or ())
            kinds = gather.kinds_named(kind or ())
        except gather.ApiQueryError as error:
            raise ValidationException(str(error)) from None
        snapshot = cache.snapshot(now, fresh=False)
        present = [name for name in communes if name in snapshot.communes]
        if communes and not present:
            return []
        query = parse_query(
            snapshot, cache.settings.zone, at=at_text, commune=present, kind=kinds, lang=lang
        )
        demo = gather.demo_slugs(snapshot)
        return [
            ApiOpenState(**asdict(state), demo=state.slug in demo)
            for state in cache.api_states(query, now)
        ]

    @get(
        "/occurrences",
        operation_id="list_occurrences",
        summary="What happens when",
        response_description="The occurrences overlapping the window, by start.",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def occurrences(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        start: Annotated[
            str | None,
            QueryParameter(
                name="from",
                description=f"First local date (YYYY-MM-DD, years {YEARS[0]} to {YEARS[1]}); "
                "default today, or six days before `to`.",
                examples=example("2026-11-23"),
                schema_extra=string_schema(format="date", pattern=params.DATE_PATTERN),
            ),
        ] = None,
        end: Annotated[
            str | None,
            QueryParameter(
                name="to",
                description="Last local date, included; default six days after `from`. "
                f"At most {MAX_WINDOW_DAYS} days from `from` to `to`, and not before `from`.",
                examples=example("2026-11-29"),
                schema_extra=string_schema(format="date", pattern=params.DATE_PATTERN),
            ),
        ] = None,
        lieu: Annotated[
            str | None,
            Parameter(
                description="Only this lieu (its slug, see /api/lieux); 404 for a slug no "
                "lieu has.",
                examples=example("babel-zin"),
                schema_extra=string_schema(),
            ),
        ] = None,
        commune: Annotated[
            str | None,
            Parameter(
                description="Only lieux in this commune; a commune where no lieu is gives an "
                "empty list.",
                examples=example("Auderghem"),
                schema_extra=string_schema(enum=list(params.COMMUNES)),
            ),
        ] = None,
        kind: Annotated[
            str | None,
            Parameter(
                description="Only this kind of activity.",
                examples=example("cafe-papote"),
                schema_extra=string_schema(enum=list(KINDS)),
            ),
        ] = None,
        lang: Annotated[
            Lang,
            Parameter(
                description="The language of `title`: French when an activity has no title "
                "in that language (`title_lang` says).",
                examples=example("nl"),
            ),
        ] = "fr",
    ) -> list[ApiOccurrence]:
        """The occurrences of the activities overlapping the window, by start: the same as
        the agenda and the iCal feeds (same UID and RECURRENCE-ID), cancelled ones included
        with `status: cancelled`, those planned while the lieu is closed `tentative`."""
        try:
            return gather.list_occurrences(
                db,
                settings,
                now=now,
                start=gather.parse_date("from", start),
                end=gather.parse_date("to", end),
                lieu=lieu,
                commune=commune,
                kind=kind,
                lang=lang,
            )
        except gather.ApiQueryError as error:
            raise ValidationException(str(error)) from None
        except gather.ApiNotFound as error:
            raise NotFoundException(str(error)) from None

    @get(
        "/activities/{activity_id:int}",
        operation_id="get_activity",
        summary="One activity",
        response_description="The activity, with its rule and its changed occurrences.",
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
                examples=example(1),
            ),
        ],
    ) -> ApiActivity:
        """One activity: a one-off, or a series with its RRULE, the original starts of its
        cancelled occurrences (`exdates`) and every changed occurrence (`overrides`); 404 for
        an unknown or deleted one."""
        found = gather.get_activity(db, settings, activity_id)
        if found is None:
            raise NotFoundException(f"No activity {activity_id}")
        return found


def _lieux(request: Request, now: datetime) -> list[ApiLieu]:
    cache = cache_of(request)
    snapshot = cache.snapshot(now)
    demo = gather.demo_slugs(snapshot)
    zone = cache.settings.zone
    today = now.astimezone(zone).date()
    return [
        ApiLieu(
            **asdict(lieu),
            demo=lieu.slug in demo,
            announcements=tuple(
                ApiAnnouncement(
                    kind=a.kind,
                    start=a.start,
                    end=a.end,
                    note=a.note,
                    text=announce.words(a, today, "fr"),
                )
                for a in snapshot.announced(lieu, now, zone)
            ),
            check_date=lieu.hours_verified_at and lieu.hours_verified_at.astimezone(zone).date(),
        )
        for lieu in cache.lieux_with_hours(now)
    ]
