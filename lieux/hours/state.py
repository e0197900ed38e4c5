"""The state of one lieu at one instant: the one answer every page, widget and API gives.

Pure: its hours (weekly slots, dated exceptions, holiday rule), the public holidays, the agenda's
special openings, the live status the lieu set, and whether its hours are confirmed recently
enough. The open-now snapshot (lieux/widget/snapshot.py) holds these in memory and calls this.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec

from lieux.hours.engine import AgendaOpening, state
from lieux.hours.live import hours_stale, with_live
from lieux.hours.models import LiveStatus, OpeningHours, OpenState


def lieu_state(
    hours: OpeningHours,
    at: datetime,
    *,
    zone: ZoneInfo,
    holidays: Mapping[date, str],
    agenda_openings_at: Callable[[datetime], Sequence[AgendaOpening]],
    live: LiveStatus | None = None,
    verified_at: datetime | None = None,
    stale_days: int,
) -> OpenState:
    """Open (until), closed (until the next opening) or unknown at `at`: the hours, holidays
    and agenda openings (`agenda_openings_at(instant)`: those known around an instant), then
    the live status while it lasts, and whether the hours need confirming (`hours_stale`)."""

    def planned_at(instant: datetime) -> OpenState:
        return state(
            hours,
            instant,
            holidays=holidays,
            zone=zone,
            agenda_openings=agenda_openings_at(instant),
        )

    planned = planned_at(at)
    if planned.state == "open" and any(
        o.starts_at <= at < o.ends_at for o in agenda_openings_at(at)
    ):
        planned = msgspec.structs.replace(planned, source="agenda")
    answer = with_live(planned, live, at, planned_at)
    if answer.source != "live" and hours_stale(verified_at, hours.known, at, stale_days):
        answer = msgspec.structs.replace(answer, hours_stale=True)
    return answer
