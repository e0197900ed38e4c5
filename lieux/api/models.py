"""What the public JSON API answers (besides the lieux and open-now models of lieux.widget):
occurrences, activity series and the JSON error body. Every field is in the OpenAPI document."""

from datetime import datetime
from typing import Literal

import msgspec

from lieux.calendar.models import KINDS

# The kinds of activity as an enum (their slugs; labels in lieux.calendar.models.KINDS).
Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
OccurrenceStatus = Literal["confirmed", "cancelled", "tentative"]
# At most this many days in one /api/occurrences window (a quarter).
MAX_WINDOW_DAYS = 92
# Dates outside these years are refused (date arithmetic around year 1 or 9999 overflows).
YEARS = (1970, 2200)


class ApiError(msgspec.Struct, frozen=True, kw_only=True):
    """The body of every 4xx (and 5xx) answer under /api."""

    status_code: int
    detail: str


class ApiOccurrence(msgspec.Struct, frozen=True, kw_only=True):
    """One occurrence of an activity, as the agenda and the iCal feeds have it."""

    activity_id: int
    # The feed's UID: the same for every occurrence of a series; with `recurrence_id` (the
    # occurrence's original local start, the feed's RECURRENCE-ID) it names one occurrence.
    uid: str
    recurrence_id: datetime | None
    starts_at: datetime  # local time with its UTC offset (midnight when all-day)
    ends_at: datetime  # exclusive; for an all-day occurrence the day after the last
    all_day: bool
    # "tentative": planned on a day its lieu announced it is closed (to be confirmed).
    status: OccurrenceStatus
    title: str
    title_lang: Literal["fr", "nl", "en"]  # the language of `title` (French when untranslated)
    kind: str
    lieu: str  # the lieu's slug
    url: str  # the activity's public page
    demo: bool  # fictional demo data (never a real activity)


class ApiOverride(msgspec.Struct, frozen=True, kw_only=True):
    """One changed occurrence of a series: cancelled, moved or retitled."""

    recurrence_id: datetime  # the original local start (the feed's RECURRENCE-ID)
    status: Literal["confirmed", "cancelled"]
    starts_at: datetime | None  # the new start when moved
    ends_at: datetime | None
    title: str | None


class ApiActivity(msgspec.Struct, frozen=True, kw_only=True):
    """An activity: a one-off, or a series (RRULE) with its changed occurrences."""

    id: int
    uid: str
    lieu: str  # the lieu's slug
    kind: str
    title: str
    title_nl: str | None
    title_en: str | None
    description: str
    starts_at: datetime  # the first occurrence, local time with its offset
    ends_at: datetime
    all_day: bool
    rrule: str | None  # RFC 5545 RRULE, expanded in local time (Europe/Brussels)
    timezone: str
    status: Literal["confirmed", "cancelled"]  # "cancelled": every occurrence is
    exdates: tuple[datetime, ...]  # the cancelled occurrences' original starts
    overrides: tuple[ApiOverride, ...]
    price: Literal["free", "pay-what-you-can", "amount"]
    price_amount: str | None
    registration: bool
    url: str
    demo: bool
