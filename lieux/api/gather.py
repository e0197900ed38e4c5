"""What the JSON API reads: occurrences expanded by the agenda's and the feeds' own code, an
activity series, and the data of the HSDS export.

The occurrences are those of `lieux.calendar.recurrence.agenda` over the activities the feeds
select (`lieux.calendar.feed_builder.select`), with the feeds' TENTATIVE rule
(`lieux.calendar.closures.occurrences_in_closures`): the API, the agenda and the feeds never
disagree on a date, a UID or a status.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.api import hsds, params
from lieux.api.hsds_models import Service
from lieux.api.models import (
    MAX_WINDOW_DAYS,
    YEARS,
    ApiActivity,
    ApiOccurrence,
    ApiOverride,
)
from lieux.api.params import COMMUNES
from lieux.calendar.closures import occurrences_in_closures
from lieux.calendar.feed_builder import FeedQuery, select
from lieux.calendar.models import KINDS, Activity
from lieux.calendar.recurrence import Occurrence, agenda
from lieux.db import activities as activities_db
from lieux.db.hours import all_hours
from lieux.db.lieux import list_lieux
from lieux.db.live_status import all_live_statuses
from lieux.hours.models import OpeningHours
from lieux.settings import Settings
from lieux.slugs import match_commune
from lieux.widget.snapshot import Snapshot


class ApiQueryError(ValueError):
    """A parameter is wrong (unknown kind or commune, window too long...): a JSON 400."""


class ApiNotFound(LookupError):
    """A parameter names a lieu that does not exist (or no longer): a JSON 404, as the feeds
    and /api/lieux/{slug} answer."""


def parse_date(name: str, text: str | None) -> date | None:
    """A date parameter as typed (YYYY-MM-DD); ApiQueryError saying why when it is none."""
    if text is None:
        return None
    if params.DATE_SHAPE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # 2026-12-40: date_problem says why
            pass
    raise ApiQueryError(f"{name}: {params.date_problem(text)}")


def window(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The first and last dates asked for (both included): this week from `today` by default."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
            raise ApiQueryError(f"{name}: {value} is too far away (years {YEARS[0]} to {YEARS[1]})")
    if start is None:
        start = today if end is None or end >= today else end - timedelta(days=6)
    if end is None:
        end = start + timedelta(days=6)
    if end < start:
        raise ApiQueryError(f"to: {end} is before from: {start}")
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        raise ApiQueryError(f"to: the window {start}..{end} is longer than {MAX_WINDOW_DAYS} days")
    return start, end


def _parts(values: Iterable[str]) -> list[str]:
    """`?commune=a&commune=b` and `?commune=a,b` alike (an empty part is an error too)."""
    return [part.strip() for value in values for part in value.split(",")]


def communes_named(values: Iterable[str]) -> list[str]:
    """The communes named, as stored (French, capitalised), matched as on every route
    (lieux.slugs.match_commune: any case or accent, a slug, the Dutch name). ApiQueryError for
    a name that is none of COMMUNES."""
    found = []
    for part in _parts(values):
        if (commune := match_commune(part, COMMUNES)) is None:
            raise ApiQueryError(
                f"commune: unknown commune {part!r} (known communes: {params.known(COMMUNES)})"
            )
        found.append(commune)
    return list(dict.fromkeys(found))


def kinds_named(values: Iterable[str]) -> list[str]:
    """The kinds named; ApiQueryError for one that is not a kind of activity."""
    found = _parts(values)
    for part in found:
        if part not in KINDS:
            raise ApiQueryError(f"kind: unknown kind {part!r} (known kinds: {params.known(KINDS)})")
    return list(dict.fromkeys(found))


def _feed_query(
    db: Database, lieu: str | None, commune: str | None, kind: str | None
) -> FeedQuery | None:
    """The feeds' query for these filters, or None when the commune has no lieu (nothing to
    list); ApiQueryError for an unknown commune or kind, ApiNotFound for an unknown lieu."""
    kinds = kinds_named([kind]) if kind is not None else []
    communes = communes_named([commune]) if commune is not None else []
    every = list_lieux(db)
    if lieu is not None and lieu not in {x.slug for x in every}:
        raise ApiNotFound(f"lieu: no lieu {lieu!r} (see /api/lieux for the slugs)")
    if communes and communes[0] not in {x.commune for x in every}:
        return None
    return FeedQuery(
        lieux=(lieu,) if lieu is not None else (), communes=tuple(communes), kinds=tuple(kinds)
    )


def demo_slugs(snapshot: Snapshot) -> frozenset[str]:
    """The lieux whose hours or special openings are fictional demo data (a demo instance)."""
    openings = {activity.lieu_id for activity in snapshot.openings if activity.demo}
    return frozenset(
        lieu.slug
        for lieu in snapshot.lieux
        if lieu.id in openings or _demo_hours(snapshot.hours_of(lieu.id))
    )


def _demo_hours(hours: OpeningHours) -> bool:
    rule = hours.holiday_rule
    return (
        any(slot.demo for slot in hours.slots)
        or any(exception.demo for exception in hours.exceptions)
        or (rule is not None and rule.demo)
    )


def _local(value: datetime, all_day: bool, zone: ZoneInfo) -> datetime:
    """A local time with its offset (all-day items start and end at local midnight)."""
    return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)


def list_occurrences(
    db: Database,
    settings: Settings,
    *,
    now: datetime,
    start: date | None = None,
    end: date | None = None,
    lieu: str | None = None,
    commune: str | None = None,
    kind: str | None = None,
    lang: str = "fr",
) -> list[ApiOccurrence]:
    """The occurrences overlapping the local dates start..end (included), by start."""
    zone = settings.zone
    first, last = window(start, end, now.astimezone(zone).date())
    query = _feed_query(db, lieu, commune, kind)
    if query is None:
        return []
    lieux, activities = select(db, query)
    slugs = {x.id: x.slug for x in lieux}
    demo = {a.id: a.demo for a in activities}
    begins = datetime.combine(first, time(), zone)
    ends = datetime.combine(last + timedelta(days=1), time(), zone)
    found = agenda(activities, begins, ends, zone)
    tentative = {hit.occurrence for hit in occurrences_in_closures(found, all_hours(db), zone)}
    return [
        _occurrence(o, o in tentative, slugs[o.lieu_id], demo[o.activity_id], lang, settings)
        for o in found
    ]


def _occurrence(
    o: Occurrence, tentative: bool, slug: str, demo: bool, lang: str, settings: Settings
) -> ApiOccurrence:
    zone = settings.zone
    return ApiOccurrence(
        activity_id=o.activity_id,
        uid=o.uid,
        recurrence_id=_local(o.recurrence_id, o.all_day, zone) if o.recurrence_id else None,
        starts_at=_local(o.starts_at, o.all_day, zone),
        ends_at=_local(o.ends_at, o.all_day, zone),
        all_day=o.all_day,
        status="tentative" if tentative and o.status != "cancelled" else o.status,
        title=o.title_in(lang),
        title_lang=o.title_lang(lang),
        kind=o.kind,
        lieu=slug,
        url=f"{settings.base_url}/agenda/{o.activity_id}",
        demo=demo,
    )


def get_activity(db: Database, settings: Settings, activity_id: int) -> ApiActivity | None:
    """The series (or one-off) with this id, or None if unknown, deleted or of an archived lieu."""
    found = activities_db.get_activity(db, activity_id)
    if found is None or activities_db.is_deleted(db, activity_id):
        return None
    lieu = next((x for x in list_lieux(db) if x.id == found.lieu_id), None)
    if lieu is None:
        return None
    return _activity(found, lieu.slug, settings)


def _activity(a: Activity, slug: str, settings: Settings) -> ApiActivity:
    zone, all_day = settings.zone, a.all_day
    overrides = tuple(
        ApiOverride(
            recurrence_id=_local(o.recurrence_id, all_day, zone),
            status=o.status,
            starts_at=_local(o.starts_at, all_day, zone) if o.starts_at else None,
            ends_at=_local(o.ends_at, all_day, zone) if o.ends_at else None,
            title=o.title,
        )
        for o in sorted(a.overrides, key=lambda o: o.recurrence_id)
    )
    return ApiActivity(
        id=a.id,
        uid=a.uid,
        lieu=slug,
        kind=a.kind,
        title=a.title,
        title_nl=a.title_nl,
        title_en=a.title_en,
        description=a.description,
        starts_at=_local(a.starts_at, all_day, zone),
        ends_at=_local(a.ends_at, all_day, zone),
        all_day=all_day,
        rrule=a.rrule,
        timezone=zone.key,
        status=a.status,
        exdates=tuple(o.recurrence_id for o in overrides if o.status == "cancelled"),
        overrides=overrides,
        price=a.price,
        price_amount=a.price_amount,
        registration=a.registration,
        url=f"{settings.base_url}/agenda/{a.id}",
        demo=a.demo,
    )


def hsds_records(db: Database, settings: Settings, *, now: datetime, lang: str) -> list[Service]:
    """Every public lieu as an HSDS service (with its organization and location), by name."""
    hours = all_hours(db)
    live = all_live_statuses(db)
    today = now.astimezone(settings.zone).date()
    return [
        hsds.service(
            lieu,
            hours.get(lieu.id),
            lang=lang,
            today=today,
            base_url=settings.base_url,
            zone=settings.zone,
            now=now,
            live=live.get(lieu.id),
            announce_days=settings.announce_days,
        )
        for lieu in list_lieux(db)
    ]
