"""Opening hours of a lieu: weekly slots, dated exceptions and a public-holiday rule.

Times are local wall times in the service's zone; a slot whose `closes` is not after `opens`
runs past midnight (Fr 20:00-02:00 closes on Saturday at 02:00).
"""

from datetime import date, datetime, time
from typing import Literal

import msgspec

from lieux.models import Lieu


def span_label(opens: time, closes: time) -> str:
    """'10:00–16:00'; a span that closes at midnight ends at 24:00, as people and OSM write it
    (a whole day is '00:00–24:00', not '00:00–00:00')."""
    return f"{opens:%H:%M}–{'24:00' if closes == time(0) else f'{closes:%H:%M}'}"


class OpeningSlot(msgspec.Struct, frozen=True, kw_only=True):
    """A weekly opening. With `valid_from`/`valid_to` it belongs to a period (`period` is its
    name): the slots of a period replace the usual week on the dates it covers (see Period)."""

    weekday: int  # 0 = Monday
    opens: time
    closes: time
    valid_from: date | None = None
    valid_to: date | None = None
    demo: bool = False
    period: str = ""  # the period's name ("Horaires d'été"), for a slot valid between dates

    @property
    def dated(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None

    def covers(self, day: date) -> bool:
        """Whether `day` lies within the slot's validity (always, for an undated slot)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """Weekly hours for a while ("Horaires d'été" from 1 July to 31 August, "pendant les
    travaux"): on the dates it covers, its slots *replace* the usual week (a weekday without a
    slot of the period is closed then); exceptions and the holiday rule still come first."""

    name: str
    start: date | None  # None: no first day (only in data not typed in the editor)
    end: date | None
    slots: tuple[OpeningSlot, ...]

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class OpeningException(msgspec.Struct, frozen=True, kw_only=True):
    """Closed on these dates, or open only at special hours (`opens`-`closes`) on each."""

    start_date: date
    end_date: date
    kind: Literal["closed", "special"]
    opens: time | None = None
    closes: time | None = None
    note: str = ""
    demo: bool = False


class HolidayRule(msgspec.Struct, frozen=True, kw_only=True):
    """What a public holiday does: close the lieu, change nothing, or open at special hours."""

    rule: Literal["closed", "as_usual", "special"]
    opens: time | None = None
    closes: time | None = None
    demo: bool = False


class OpeningHours(msgspec.Struct, frozen=True, kw_only=True):
    """Everything that decides when one lieu is open. No slot at all means 'unknown'."""

    lieu_id: int
    slots: tuple[OpeningSlot, ...] = ()
    exceptions: tuple[OpeningException, ...] = ()
    holiday_rule: HolidayRule | None = None

    @property
    def known(self) -> bool:
        return bool(self.slots)

    @property
    def usual_slots(self) -> tuple[OpeningSlot, ...]:
        """The usual week: the slots valid on any date."""
        return tuple(s for s in self.slots if not s.dated)

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods, by first day: the dated slots grouped by dates and name."""
        groups: dict[tuple, list[OpeningSlot]] = {}
        for slot in self.slots:
            if slot.dated:
                groups.setdefault((slot.valid_from, slot.valid_to, slot.period), []).append(slot)
        return tuple(
            Period(name=name, start=start, end=end, slots=tuple(found))
            for (start, end, name), found in sorted(
                groups.items(), key=lambda item: (item[0][0] or date.min, item[0][1] or date.max)
            )
        )

    @property
    def demo(self) -> bool:
        return any(s.demo for s in self.slots)


State = Literal["open", "closed", "unknown"]
# Where a state comes from: the weekly hours (with exceptions and holidays), a special opening
# of the agenda, or the live status a co-manager set ("Fermé aujourd'hui").
Source = Literal["hours", "agenda", "live"]
LiveState = Literal["open", "closed", "closes-early"]


class LiveStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What a co-manager said of the lieu right now; it has no effect outside
    [starts_at, expires_at). closes-early: open as planned until `closes_at`, closed after."""

    lieu_id: int
    state: LiveState
    starts_at: datetime  # UTC
    expires_at: datetime  # UTC
    closes_at: datetime | None = None  # UTC, closes-early only
    note: str = ""
    set_by: int | None = None
    set_at: datetime  # UTC

    def active(self, at: datetime) -> bool:
        return self.starts_at <= at < self.expires_at


class OpenState(msgspec.Struct, frozen=True, kw_only=True):
    """A lieu's state at one instant: open until `until`, or closed until `next_open`.

    `until`/`next_open` are None when no change is known within the engine's horizon.
    """

    state: State
    until: datetime | None = None
    next_open: datetime | None = None
    note: str = ""
    source: Source = "hours"
    # The hours were not confirmed within the stale threshold: "à confirmer", never plain open.
    hours_stale: bool = False

    @property
    def next_change(self) -> datetime | None:
        return self.until if self.state == "open" else self.next_open


class LieuOpenState(msgspec.Struct, frozen=True, kw_only=True):
    """One lieu in the /api/open-now answer."""

    slug: str
    name: str
    commune: str
    state: State
    until: datetime | None
    next_open: datetime | None
    note: str
    url: str
    source: Source = "hours"
    hours_stale: bool = False


class LieuWithHours(Lieu, frozen=True, kw_only=True):
    """A lieu as /api/lieux gives it: its public facts plus its hours as an OSM string."""

    opening_hours: str | None = None
