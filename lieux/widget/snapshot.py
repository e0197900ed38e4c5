"""The widget's data in memory: lieux, hours and special openings read at one data revision."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.models import Activity
from lieux.calendar.recurrence import agenda
from lieux.db.activities import list_activities
from lieux.db.hours import all_hours
from lieux.db.lieux import data_revision, has_demo_data, list_helplines, list_lieux
from lieux.db.live_status import all_live_statuses
from lieux.hours.announce import Announcement, announced
from lieux.hours.engine import AgendaOpening, agenda_openings
from lieux.hours.helplines import HelplinesNow, helplines_at
from lieux.hours.holidays import public_holidays
from lieux.hours.live import changes_after
from lieux.hours.models import LiveStatus, OpeningHours, OpenState
from lieux.hours.state import lieu_state
from lieux.models import LANGUAGES, Helpline, Lieu
from lieux.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database


# Special openings are expanded this far ahead (the OSM export covers a year) and the snapshot
# is rebuilt once a day even without data changes, so the window keeps moving.
OPENINGS_AHEAD = timedelta(days=400)
OPENINGS_BEHIND = timedelta(days=2)
SNAPSHOT_LIFETIME = timedelta(hours=24)


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the widget needs, read from the database at one revision."""

    revision: int
    loaded_at: datetime  # UTC
    lieux: tuple[Lieu, ...]
    hours: dict[int, OpeningHours]
    # From loaded_at - OPENINGS_BEHIND to loaded_at + OPENINGS_AHEAD, by lieu.
    agenda_openings: dict[int, list[AgendaOpening]]
    openings: tuple[Activity, ...]  # the agenda's "ouverture" activities they come from
    kinds: dict[int, frozenset[str]]
    helplines: tuple[Helpline, ...]
    demo: bool
    communes: tuple[str, ...]  # where the lieux are, as written (lieux.slugs.match_commune)
    holidays: dict[str, dict[date, str]]  # by language
    live: dict[int, LiveStatus] = {}  # by lieu id, expired ones included (they do nothing)
    stale_days: int = 90  # Settings.hours_stale_days
    announce_days: int = 15  # Settings.announce_days
    iris_day: bool = True  # Settings.iris_day: the helplines' hours read it

    def hours_of(self, lieu_id: int) -> OpeningHours:
        return self.hours.get(lieu_id) or OpeningHours(lieu_id=lieu_id)

    def agenda_openings_around(
        self, at: datetime, zone: ZoneInfo
    ) -> dict[int, list[AgendaOpening]]:
        """The agenda openings seen from `at`: those loaded, unless `at` (a `?at=` question
        about another day) lies outside their window, where they are expanded anew."""
        if self.loaded_at - OPENINGS_BEHIND <= at <= self.loaded_at + OPENINGS_AHEAD / 2:
            return self.agenda_openings
        return _agenda_openings_by_lieu(self.openings, at, zone)

    def state_of(
        self, lieu: Lieu, at: datetime, zone: ZoneInfo, lang: str, *, live: bool = True
    ) -> OpenState:
        """The lieu's state at `at` (lieux.hours.state), its live status ignored unless `live`."""
        return lieu_state(
            self.hours_of(lieu.id),
            at,
            zone=zone,
            holidays=self.holidays[lang],
            agenda_openings_at=lambda instant: self.agenda_openings_around(instant, zone).get(
                lieu.id, ()
            ),
            live=self.live.get(lieu.id) if live else None,
            verified_at=lieu.hours_verified_at,
            stale_days=self.stale_days,
        )

    def announced(self, lieu: Lieu, at: datetime, zone: ZoneInfo) -> tuple[Announcement, ...]:
        """The closures and periods the lieu announces at `at` (lieux.hours.announce)."""
        return announced(self.hours_of(lieu.id), at, zone=zone, days=self.announce_days)

    def helplines_at(self, at: datetime, zone: ZoneInfo) -> HelplinesNow:
        """Which helplines answer at `at`, by their hours (lieux.hours.helplines)."""
        return helplines_at(self.helplines, at, zone=zone, iris_day=self.iris_day)

    def changes_after(self, lieu: Lieu, at: datetime) -> list[datetime]:
        """When the lieu's live status or its hours' freshness change by themselves after `at`."""
        return changes_after(self.live.get(lieu.id), lieu.hours_verified_at, at, self.stale_days)


def _agenda_openings_by_lieu(
    openings: Iterable[Activity], around: datetime, zone: ZoneInfo
) -> dict[int, list[AgendaOpening]]:
    found: dict[int, list[AgendaOpening]] = {}
    window = agenda(openings, around - OPENINGS_BEHIND, around + OPENINGS_AHEAD, zone)
    for opening in agenda_openings(window, zone):
        found.setdefault(opening.lieu_id, []).append(opening)
    return found


def load_snapshot(db: "Database", settings: Settings, now: datetime) -> Snapshot:
    """Read lieux, hours, helplines and the special openings around `now`."""
    zone = settings.zone
    revision = data_revision(db)
    activities = list_activities(db)
    openings = tuple(a for a in activities if a.kind == "ouverture")
    kinds: dict[int, set[str]] = {}
    for activity in activities:
        kinds.setdefault(activity.lieu_id, set()).add(activity.kind)
    lieux = tuple(list_lieux(db))
    years = range(now.year - 1, now.year + 3)
    return Snapshot(
        revision=revision,
        loaded_at=now,
        lieux=lieux,
        hours=all_hours(db),
        agenda_openings=_agenda_openings_by_lieu(openings, now, zone),
        openings=openings,
        kinds={lieu_id: frozenset(found) for lieu_id, found in kinds.items()},
        helplines=tuple(list_helplines(db)),
        demo=has_demo_data(db),
        communes=tuple(sorted({lieu.commune for lieu in lieux if lieu.commune})),
        holidays={
            lang: public_holidays(years, iris_day=settings.iris_day, lang=lang)
            for lang in LANGUAGES
        },
        live=all_live_statuses(db),
        stale_days=settings.hours_stale_days,
        announce_days=settings.announce_days,
        iris_day=settings.iris_day,
    )
