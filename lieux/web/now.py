"""What the public pages say of "now" for a set of lieux, and of their weekend.

Four situations, because "nothing is open" is only true of lieux whose hours are known: some lieu
is open; all are closed (at night: the helplines come first, with when the next ones open);
nobody has entered the hours (list the lieux to call, the helplines after); or some closed and
some unknown, said as such.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.describe import weekday_name
from lieux.calendar.listing import day_label
from lieux.hours.engine import Interval, open_intervals
from lieux.hours.helplines import HelplinesNow
from lieux.hours.models import OpenState
from lieux.i18n import gettext, ltr_run
from lieux.models import Lieu, helplines_for
from lieux.widget.cache import OpenNowCache
from lieux.widget.query import OpenNowQuery
from lieux.widget.view import describe, lieu_states

Situation = Literal["open", "closed", "unknown", "mixed", "none"]
# The block that answers "nothing is open" names this many of the next lieux to open: enough
# to plan tomorrow morning, few enough to keep the helplines on a phone's first screen.
NEXT_OPENINGS = 3


class NextOpening(msgspec.Struct, frozen=True, kw_only=True):
    lieu: Lieu
    label: str  # "ouvre demain à 09:00"


class Now(msgspec.Struct, frozen=True, kw_only=True):
    """A set of lieux seen at one instant."""

    situation: Situation
    states: dict[int, OpenState]  # by lieu id
    unknown_count: int
    headline: str  # "Il est 03:00 : aucun lieu n'est ouvert", when none is known to be open
    next_openings: list[NextOpening]  # the soonest to open, when none is open
    # The helplines at that instant, by their hours, each group ordered for the page's language.
    helplines: HelplinesNow

    def open_first(self, lieux: Iterable[Lieu]) -> list[Lieu]:
        """`lieux` open now first (in their order), then by their next opening, then those to
        call (hours unknown), then those with no opening ahead."""
        far = datetime.max.replace(tzinfo=UTC)
        rank = {"open": 0, "closed": 1, "unknown": 1}

        def key(lieu: Lieu) -> tuple[int, datetime]:
            answer = self.states[lieu.id]
            if answer.state == "open" or answer.next_open is not None:
                return rank[answer.state], answer.next_open or far
            return (2 if answer.state == "unknown" else 3), far

        return sorted(lieux, key=key)

    def of_state(self, lieux: Iterable[Lieu], state: str) -> list[Lieu]:
        """Those of `lieux` in `state`, the closed ones soonest to open first."""
        far = datetime.max.replace(tzinfo=UTC)
        found = [lieu for lieu in lieux if self.states[lieu.id].state == state]
        return sorted(found, key=lambda lieu: self.states[lieu.id].next_open or far)


def situation_of(states: Iterable[OpenState]) -> Situation:
    found = {answer.state for answer in states}
    if not found:
        return "none"
    if "open" in found:
        return "open"
    if found == {"unknown"}:
        return "unknown"
    return "mixed" if "unknown" in found else "closed"


def now_of(cache: OpenNowCache, lieux: list[Lieu], at: datetime, lang: str, now: datetime) -> Now:
    """The state of each of `lieux` at `at`, the situation they make, the next openings."""
    zone = cache.settings.zone
    wanted = {lieu.id for lieu in lieux}
    every = lieu_states(cache.snapshot(now), OpenNowQuery(lang=lang), at, zone)
    states = {lieu.id: answer for lieu, answer in every if lieu.id in wanted}
    situation = situation_of(states.values())
    coming = sorted(
        (
            (answer.next_open, lieu)
            for lieu, answer in every
            if lieu.id in wanted and answer.state != "open" and answer.next_open is not None
        ),
        key=lambda pair: pair[0],
    )
    next_openings = []
    if situation != "open":
        next_openings = [
            NextOpening(
                lieu=lieu,
                label=describe(OpenState(state="closed", next_open=when), at, zone, lang),
            )
            for when, lieu in coming[:NEXT_OPENINGS]
        ]
    clock = f"{at.astimezone(zone):%H:%M}"
    headline = {
        "closed": gettext("Il est %(time)s : aucun lieu n'est ouvert"),
        "mixed": gettext("Il est %(time)s : aucun lieu aux horaires connus n'est ouvert"),
    }.get(situation, "") % {"time": clock}
    lines = cache.snapshot(now).helplines_at(at, zone)
    return Now(
        situation=situation,
        states=states,
        unknown_count=sum(answer.state == "unknown" for answer in states.values()),
        headline=headline,
        next_openings=next_openings,
        helplines=msgspec.structs.replace(
            lines,
            answering=helplines_for(lines.answering, lang),
            later=helplines_for(lines.later, lang),
            unknown=helplines_for(lines.unknown, lang),
            round_the_clock=helplines_for(lines.round_the_clock, lang),
        ),
    )


def moment_label(at: datetime, zone: ZoneInfo, lang: str, *, this_year: int) -> str:
    """'samedi 12 décembre à 15:00' (with the year when it is not `this_year`): the instant a
    page asked about with `?at=` answers for."""
    local = at.astimezone(zone)
    day = day_label(local.date(), lang, this_year=this_year)
    return gettext("%(day)s à %(time)s") % {"day": day, "time": f"{local:%H:%M}"}


def weekend_hours(
    cache: OpenNowCache, lieu: Lieu, window: Interval, lang: str, now: datetime
) -> list[str]:
    """The lieu's openings during `window`, as a person reads them: "samedi 11:00–17:00",
    "samedi 10:00–13:00 (ouverture exceptionnelle)" for a special opening from the agenda."""
    snapshot = cache.snapshot(now)
    zone = cache.settings.zone
    hours, holidays = snapshot.hours_of(lieu.id), snapshot.holidays[lang]
    agenda_openings = snapshot.agenda_openings_around(window[0], zone).get(lieu.id, ())
    regular = open_intervals(hours, *window, holidays=holidays, zone=zone)
    words = []
    for start, end in open_intervals(
        hours, *window, holidays=holidays, zone=zone, agenda_openings=agenda_openings
    ):
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        hours = ltr_run(f"{local_start:%H:%M}–{local_end:%H:%M}", lang)
        text = f"{weekday_name(local_start.weekday())} {hours}"
        # Longer than one night: say the day it ends.
        if (local_end.date() - local_start.date()).days > 1 or (
            local_end.date() > local_start.date() and local_end.time() > local_start.time()
        ):
            text = (
                f"{weekday_name(local_start.weekday())} {local_start:%H:%M} – "
                f"{weekday_name(local_end.weekday())} {local_end:%H:%M}"
            )
        if not any(s < end and e > start for s, e in regular):
            text += " (" + gettext("ouverture exceptionnelle") + ")"
        words.append(text)
    return words
