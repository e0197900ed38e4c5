"""What the public JSON API answers: the lieux, their state, occurrences, activity series and the
JSON error body. Every field carries the description the OpenAPI document (and the reference
page at /api) shows: tests/api/test_descriptions.py fails on a field without one."""

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from lieux.calendar.models import KINDS
from lieux.hours.models import Source, State
from lieux.models import Governance, Price, StepFree

# The kinds of activity as an enum (their slugs; labels in lieux.calendar.models.KINDS).
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
OccurrenceStatus = Literal["confirmed", "cancelled", "tentative"]
Lang = Literal["fr", "nl", "en"]
# At most this many days in one /api/occurrences window (a quarter).
MAX_WINDOW_DAYS = 92
# Dates outside these years are refused (date arithmetic around year 1 or 9999 overflows).
YEARS = (1970, 2200)

_LOCAL = "local time in Brussels with its UTC offset"
_DEMO = "True for fictional demo data (a demonstration instance), never a real "


class ApiError(msgspec.Struct, frozen=True, kw_only=True):
    """The body of every 4xx (and 5xx) answer under /api."""

    status_code: Annotated[int, Meta(description="The HTTP status code, repeated.")]
    detail: Annotated[
        str,
        Meta(
            description="What is wrong, for a person: the parameter first (`from: ...`), "
            "then why and what is expected (the known kinds, communes or slugs)."
        ),
    ]


class ApiAnnouncement(msgspec.Struct, frozen=True, kw_only=True):
    """A closure or a period of other hours the lieu announces ahead (issue 22)."""

    kind: Annotated[
        Literal["closed", "period"],
        Meta(description="`closed`: a dated closure; `period`: other weekly hours for a while."),
    ]
    start: Annotated[date, Meta(description="Its first day (local date in Brussels).")]
    end: Annotated[
        date | None, Meta(description="Its last day, included; null: a period with no end.")
    ]
    note: Annotated[
        str, Meta(description="The closure's note or the period's name; empty when none.")
    ]
    text: Annotated[
        str, Meta(description='In French, as the pages say it ("Fermé du 24 décembre au …").')
    ]


class ApiLieu(msgspec.Struct, frozen=True, kw_only=True):
    """A lieu: its public facts and its hours as an OpenStreetMap opening_hours string."""

    id: Annotated[
        int,
        Meta(description="The lieu's number in this database; name a lieu by its `slug`."),
    ]
    slug: Annotated[
        str,
        Meta(
            description="The lieu's name in URLs (`/lieux/{slug}`, `/api/lieux/{slug}`) and "
            "in the `lieu` filter; it never changes."
        ),
    ]
    name: Annotated[str, Meta(description="The lieu's name.")]
    address: Annotated[str, Meta(description="Street and number; empty when not known.")]
    postcode: Annotated[str, Meta(description="Belgian postcode; empty when not known.")]
    commune: Annotated[
        str,
        Meta(
            description="The commune, by its French name: one of the `commune` filter's "
            "values; empty when not known."
        ),
    ]
    lat: Annotated[
        float | None, Meta(description="Latitude in decimal degrees (WGS 84); null if unknown.")
    ]
    lon: Annotated[
        float | None, Meta(description="Longitude in decimal degrees (WGS 84); null if unknown.")
    ]
    phone: Annotated[str | None, Meta(description="Phone number as the lieu writes it; or null.")]
    email: Annotated[str | None, Meta(description="E-mail address; or null.")]
    website: Annotated[str | None, Meta(description="Website (an https URL); or null.")]
    description: Annotated[str, Meta(description="What the lieu is, in French (plain text).")]
    description_nl: Annotated[
        str | None, Meta(description="`description` in Dutch; null when not written yet.")
    ]
    description_en: Annotated[
        str | None, Meta(description="`description` in English; null when not written yet.")
    ]
    welcome: Annotated[
        str, Meta(description="Who the lieu is for and how people are welcomed, in French.")
    ]
    welcome_nl: Annotated[
        str | None, Meta(description="`welcome` in Dutch; null when not written yet.")
    ]
    welcome_en: Annotated[
        str | None, Meta(description="`welcome` in English; null when not written yet.")
    ]
    price: Annotated[
        Price | None,
        Meta(description="`free` or `pay-what-you-can`; null when the lieu has not said."),
    ]
    step_free: Annotated[
        StepFree | None,
        Meta(description="Step-free access: `yes`, `partly` or `no`; null when not said."),
    ]
    accessibility_note: Annotated[
        str, Meta(description="More about access (a step, a lift...); empty when nothing.")
    ]
    languages: Annotated[
        tuple[str, ...],
        Meta(description="Languages spoken at the welcome, as ISO 639 codes (`fr`, `nl`, `ar`)."),
    ]
    transport: Annotated[
        str, Meta(description="How to get there by public transport; empty when not said.")
    ]
    governance: Annotated[
        Governance,
        Meta(
            description="Who runs the lieu: `coordinated` (by professionals), `co-managed` "
            "(professionals, peer helpers, volunteers and participants together) or "
            "`self-managed` (its members decide)."
        ),
    ]
    support_threshold: Annotated[
        int,
        Meta(
            description="In a self-managed lieu, how many members must support a proposed "
            "activity before it is published."
        ),
    ]
    version: Annotated[int, Meta(description="Grows by one with each edit of the lieu's profile.")]
    hours_verified_at: Annotated[
        datetime | None,
        Meta(
            description="When the lieu last confirmed its hours (UTC); null if never. Past "
            "90 days (the instance's setting) its states say `hours_stale`."
        ),
    ]
    archived_at: Annotated[
        datetime | None,
        Meta(description="Always null: archived lieux are left out of the API."),
    ]
    updated_at: Annotated[
        datetime | None, Meta(description="When the lieu's profile last changed (UTC).")
    ]
    opening_hours: Annotated[
        str | None,
        Meta(
            description="The hours of the coming year as an OpenStreetMap `opening_hours` "
            "string: weekly hours, dated closures and special openings, public holidays "
            "(`PH`). Null when nobody has entered them: unknown, never to be read as closed."
        ),
    ]
    demo: Annotated[
        bool,
        Meta(
            description=_DEMO + "lieu's hours: its hours or special openings are made up "
            "(the address and phone are real)."
        ),
    ]
    announcements: Annotated[
        tuple[ApiAnnouncement, ...],
        Meta(
            description="The closures and periods of other hours under way or beginning within "
            "the instance's announce window (15 days by default), by first day."
        ),
    ] = ()
    check_date: Annotated[
        date | None,
        Meta(
            description="OpenStreetMap's `check_date:opening_hours`: the day (in Brussels) "
            "the lieu last confirmed its hours; null if never."
        ),
    ] = msgspec.field(default=None, name="check_date:opening_hours")


class ApiOpenState(msgspec.Struct, frozen=True, kw_only=True):
    """One lieu's state at the instant asked about."""

    slug: Annotated[str, Meta(description="The lieu's slug (see /api/lieux).")]
    name: Annotated[str, Meta(description="The lieu's name.")]
    commune: Annotated[str, Meta(description="The lieu's commune (French name).")]
    state: Annotated[
        State,
        Meta(
            description="`open`, `closed`, or `unknown` when nobody has entered the lieu's "
            "hours (never guessed: call before going)."
        ),
    ]
    until: Annotated[
        datetime | None,
        Meta(
            description=f"When `state` is `open`: when it closes ({_LOCAL}). Null when the "
            "lieu is closed or unknown, or open with no closing known in the next 400 days."
        ),
    ]
    next_open: Annotated[
        datetime | None,
        Meta(
            description=f"When `state` is `closed`: when it opens next ({_LOCAL}). Null when "
            "the lieu is open or unknown, or closed with no opening known in the next 400 "
            "days."
        ),
    ]
    note: Annotated[
        str,
        Meta(
            description="What the lieu says of this moment, as written (in `lang` for a "
            "public holiday's name): the note of its live status, of a closure or special "
            "hours (\"Congés d'hiver\"), a special opening's title, a public holiday; empty "
            "when none."
        ),
    ]
    url: Annotated[str, Meta(description="The lieu's public page.")]
    source: Annotated[
        Source,
        Meta(
            description="Where `state` comes from: `hours` (the weekly hours with their "
            "closures, special hours and public holidays), `agenda` (a special opening, an "
            "activity of kind `ouverture`) or `live` (the live status a co-manager set, such as "
            '"closed today": it wins over the hours while it lasts).'
        ),
    ]
    hours_stale: Annotated[
        bool,
        Meta(
            description="True when the lieu has not confirmed its hours for 90 days (the "
            "instance's setting) or never did: show the state as to be confirmed. Always "
            "false for a live status and for unknown hours."
        ),
    ]
    demo: Annotated[
        bool,
        Meta(description=_DEMO + "state: the lieu's hours or special openings are made up."),
    ]


class ApiOccurrence(msgspec.Struct, frozen=True, kw_only=True):
    """One occurrence of an activity, as the agenda and the iCal feeds have it."""

    activity_id: Annotated[
        int, Meta(description="The activity (series or one-off): see /api/activities/{id}.")
    ]
    uid: Annotated[
        str,
        Meta(
            description="The feeds' UID: the same for every occurrence of a series; with "
            "`recurrence_id` it names one occurrence."
        ),
    ]
    recurrence_id: Annotated[
        datetime | None,
        Meta(
            description="For an occurrence of a series, its original start (the feeds' "
            f"RECURRENCE-ID, {_LOCAL}), even when moved; null for a one-off."
        ),
    ]
    starts_at: Annotated[datetime, Meta(description=f"Start, {_LOCAL} (midnight when `all_day`).")]
    ends_at: Annotated[
        datetime,
        Meta(description="End, exclusive; for an all-day occurrence, midnight after its last day."),
    ]
    all_day: Annotated[bool, Meta(description="True for a whole-day occurrence (no hours).")]
    status: Annotated[
        OccurrenceStatus,
        Meta(
            description="`confirmed`; `cancelled` (still listed, to be shown struck out); "
            "`tentative` when planned on a day its lieu announced it is closed, until a "
            "co-manager confirms or cancels it."
        ),
    ]
    title: Annotated[str, Meta(description="The title in `lang`, else in French.")]
    title_lang: Annotated[
        Lang, Meta(description="The language `title` is in (French when not translated).")
    ]
    kind: Annotated[
        str, Meta(description="The kind of activity (`cafe-papote`, `repas`, `atelier`...).")
    ]
    lieu: Annotated[str, Meta(description="The lieu's slug.")]
    url: Annotated[str, Meta(description="The activity's public page.")]
    demo: Annotated[bool, Meta(description=_DEMO + "activity.")]


class ApiOverride(msgspec.Struct, frozen=True, kw_only=True):
    """One changed occurrence of a series: cancelled, moved or retitled."""

    recurrence_id: Annotated[
        datetime,
        Meta(description=f"The occurrence's original start (RECURRENCE-ID), {_LOCAL}."),
    ]
    status: Annotated[
        Literal["confirmed", "cancelled"],
        Meta(description="`cancelled` when this occurrence will not take place."),
    ]
    starts_at: Annotated[datetime | None, Meta(description="Its new start when moved, else null.")]
    ends_at: Annotated[datetime | None, Meta(description="Its new end when moved, else null.")]
    title: Annotated[
        str | None, Meta(description="Its own title (French) when retitled, else null.")
    ]


class ApiActivity(msgspec.Struct, frozen=True, kw_only=True):
    """An activity: a one-off, or a series (RRULE) with its changed occurrences."""

    id: Annotated[int, Meta(description="The activity's id (`activity_id` of occurrences).")]
    uid: Annotated[str, Meta(description="The feeds' UID of the activity.")]
    lieu: Annotated[str, Meta(description="The lieu's slug.")]
    kind: Annotated[str, Meta(description="The kind of activity (see the `kind` filter).")]
    title: Annotated[str, Meta(description="The title, in French.")]
    title_nl: Annotated[str | None, Meta(description="The title in Dutch, or null.")]
    title_en: Annotated[str | None, Meta(description="The title in English, or null.")]
    description: Annotated[str, Meta(description="What happens, in French (plain text).")]
    starts_at: Annotated[datetime, Meta(description=f"The first occurrence's start, {_LOCAL}.")]
    ends_at: Annotated[datetime, Meta(description="The first occurrence's end, exclusive.")]
    all_day: Annotated[bool, Meta(description="True for whole-day occurrences.")]
    rrule: Annotated[
        str | None,
        Meta(
            description="How the series repeats: an RFC 5545 RRULE, expanded in local time "
            "(`timezone`); null for a one-off."
        ),
    ]
    timezone: Annotated[str, Meta(description="The IANA zone of local times: Europe/Brussels.")]
    status: Annotated[
        Literal["confirmed", "cancelled"],
        Meta(description="`cancelled` when every occurrence is."),
    ]
    exdates: Annotated[
        tuple[datetime, ...],
        Meta(description="The original starts of the cancelled occurrences."),
    ]
    overrides: Annotated[
        tuple[ApiOverride, ...],
        Meta(description="Every changed occurrence (cancelled, moved or retitled)."),
    ]
    price: Annotated[
        Literal["free", "pay-what-you-can", "amount"],
        Meta(description="`free`, `pay-what-you-can`, or `amount` (see `price_amount`)."),
    ]
    price_amount: Annotated[
        str | None, Meta(description='The price as written ("2 €") when `amount`, else null.')
    ]
    registration: Annotated[bool, Meta(description="True when people must register first.")]
    url: Annotated[str, Meta(description="The activity's public page.")]
    demo: Annotated[bool, Meta(description=_DEMO + "activity.")]
