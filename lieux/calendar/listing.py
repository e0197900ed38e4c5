"""Occurrences as the public lists show them (agenda, home, lieu and activity pages).

One place decides what a row says: its date with the weekday in the reader's language ("mardi
15 décembre", "dinsdag 15 december", "Tuesday 15 December"), whether it is over or under way
at the request's instant, whether it falls in a closure of its lieu ("à confirmer"), and whether
its kind is worth repeating after its title. The template `calendar/_occurrences.html` renders it.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.closures import closure_of
from lieux.calendar.models import kind_label
from lieux.calendar.recurrence import Occurrence
from lieux.dates import day_label
from lieux.hours.models import OpeningException, OpeningHours

State = Literal["finished", "ongoing", "coming"]


class Listed(msgspec.Struct, frozen=True, kw_only=True):
    """One occurrence in a list."""

    occurrence: Occurrence
    state: State  # at the request's instant
    closure: OpeningException | None = None  # the lieu is closed that day: "à confirmer"
    kind_label: str
    # False when the title already says the kind ("Café-papote", "Atelier tricot").
    show_kind: bool
    date_label: str  # "mardi 15 décembre" (with the year when it is not the current one)
    time_label: str  # "14:00–16:00"; "" for an all-day occurrence


class ListedDay(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    label: str  # "lundi 23 novembre"
    today: bool
    past: bool  # before today: everything in it is over, no need to say so on each row
    items: tuple[Listed, ...]
    more: int = 0  # how many more that day a bounded list leaves to the agenda


def state_at(occurrence: Occurrence, now: datetime) -> State:
    if occurrence.ends_at <= now:
        return "finished"
    return "ongoing" if occurrence.starts_at <= now else "coming"


def says_kind(title: str, kind_label: str) -> bool:
    """Whether a title already names its kind: it is the label, or starts with it as a word."""
    title, label = title.casefold().strip(), kind_label.casefold()
    return title == label or (title.startswith(label) and not title[len(label)].isalnum())


def listed(
    occurrences: Iterable[Occurrence],
    *,
    now: datetime,
    zone: ZoneInfo,
    lang: str,
    hours: Mapping[int, OpeningHours],
) -> list[Listed]:
    """The occurrences, in their order, with what their rows say as of `now`."""
    this_year = now.astimezone(zone).year
    found = []
    for o in occurrences:
        kind = kind_label(o.kind, lang)
        lieu_hours = hours.get(o.lieu_id)
        local_start, local_end = o.starts_at.astimezone(zone), o.ends_at.astimezone(zone)
        found.append(
            Listed(
                occurrence=o,
                state=state_at(o, now),
                closure=closure_of(o, lieu_hours, zone) if lieu_hours else None,
                kind_label=kind,
                show_kind=not says_kind(o.title_in(lang), kind),
                date_label=day_label(local_start.date(), lang, this_year=this_year),
                time_label="" if o.all_day else f"{local_start:%H:%M}–{local_end:%H:%M}",
            )
        )
    return found


def by_day(
    items: Iterable[Listed], days: Sequence[date], *, today: date, lang: str
) -> list[ListedDay]:
    """The items grouped under each of `days` (by local start date), in the reader's language.

    Within a day what is still to come or under way comes first, what is over after it: at
    20:40 the evening's activities are not below the afternoon's finished ones.
    """
    grouped: dict[date, list[Listed]] = {day: [] for day in days}
    for item in items:
        day = item.occurrence.starts_at.date()
        if day in grouped:
            grouped[day].append(item)
    return [
        ListedDay(
            day=day,
            label=day_label(day, lang, this_year=today.year),
            today=day == today,
            past=day < today,
            items=tuple(
                sorted(
                    grouped[day],
                    key=lambda i: (i.state == "finished", i.occurrence.starts_at),
                )
            ),
        )
        for day in days
    ]


def list_days(
    occurrences: Iterable[Occurrence],
    days: Sequence[date],
    *,
    now: datetime,
    zone: ZoneInfo,
    lang: str,
    hours: Mapping[int, OpeningHours],
) -> list[ListedDay]:
    """`listed` then `by_day`: the days of a page's agenda, as of `now`."""
    items = listed(occurrences, now=now, zone=zone, lang=lang, hours=hours)
    return by_day(items, days, today=now.astimezone(zone).date(), lang=lang)
